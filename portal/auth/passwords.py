"""Password policy (SECURITY.md #1): 8+ characters, passphrases welcome, common passwords refused."""
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# Hashed once per process so unknown usernames cost the same time as wrong passwords (#2).
_DUMMY_HASH: dict[str, str] = {}


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in COMMON_PASSWORDS_FILE.read_text().splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """A Chinese message saying why the password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return _("密码至少需要%(MIN_LENGTH)s个字符", MIN_LENGTH=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("密码不能超过%(MAX_LENGTH)s个字符", MAX_LENGTH=MAX_LENGTH)
    if password.lower() in common_passwords():
        return _("这个密码太常见，容易被猜到，请换一个")
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no user, check against a dummy hash so timing matches."""
    if password_hash is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH:
            _DUMMY_HASH[method] = generate_password_hash("dummy-password-for-timing", method=method)
        check_password_hash(_DUMMY_HASH[method], password)
        return False
    return check_password_hash(password_hash, password)
