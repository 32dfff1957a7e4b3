"""Configuration classes, read from the environment."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", PROJECT_ROOT / "instance"))
WEAK_SECRET_KEYS = {"", "dev", "secret", "changeme", "change-me", "please-change"}


def instance_secret_key() -> str:
    """Secret key from SECRET_KEY, else one generated once into instance/ (never committed)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def default_database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'portal.db'}"


class Config:
    """Settings shared by every environment."""

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 12 * 3600
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    PASSWORD_HASH_METHOD = "scrypt"
    FILE_STORE = os.environ.get("PORTAL_FILE_STORE", str(INSTANCE_DIR / "files"))
    PDF_CACHE_DIR = os.environ.get("PORTAL_PDF_CACHE", str(INSTANCE_DIR / "pdf"))
    # Reverse proxies in front of the app; their X-Forwarded-For/-Proto are trusted only when > 0.
    PROXY_HOPS = int(os.environ.get("PORTAL_PROXY_HOPS", "0"))
    TESTING = False

    def __init__(self) -> None:
        self.SECRET_KEY = instance_secret_key()
        self.SQLALCHEMY_DATABASE_URI = default_database_url()


class DevelopmentConfig(Config):
    """`make run`: the embedded SQLite database under instance/."""


class TestConfig(Config):
    """pytest: cheap password hashing; CSRF stays on unless a fixture turns it off."""

    TESTING = True
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"

    def __init__(self) -> None:
        self.SECRET_KEY = "test-secret-key-" + "x" * 32
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite://")


class ProductionConfig(Config):
    """Refuses to start without a strong SECRET_KEY from the environment."""

    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"

    def __init__(self) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if key.lower() in WEAK_SECRET_KEYS or len(key) < 32:
            raise RuntimeError("生产环境必须设置至少32个字符的随机 SECRET_KEY 环境变量")
        self.SECRET_KEY = key
        self.SQLALCHEMY_DATABASE_URI = default_database_url()


CONFIGS = {"development": DevelopmentConfig, "test": TestConfig, "production": ProductionConfig}


def load_config(name: str | None = None) -> Config:
    """Config object for PORTAL_ENV (development by default)."""
    return CONFIGS[name or os.environ.get("PORTAL_ENV", "development")]()
