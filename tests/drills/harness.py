"""Drill harness: the portal under real gunicorn on a throwaway SQLite file, and a small HTTP client.

The drills talk to the server over loopback exactly as a browser would (cookies, CSRF tokens from
the forms, 303 after a valid POST), so what they prove holds for the deployed portal, not for the
Flask test client.
"""
import html
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
DRILL_PASSWORD = "drill-horse-battery-7"
DRILL_SECRET_KEY = "drill-secret-key-" + "d" * 40
LOCKED_MESSAGES = ("database is locked", "database table is locked", "SQLITE_BUSY")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(template: Path, target: Path, admins: int = 1, extra_users: int = 0) -> None:
    """Copy the migrated template and add admin accounts drill_admin_NN (cheap test hashes)."""
    from portal import create_app
    from portal.auth.passwords import hash_password
    from portal.extensions import db
    from portal.models.auth import Department, User

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}"})
    with app.app_context():
        password_hash = hash_password(DRILL_PASSWORD)
        department = Department(name="演练部")
        db.session.add(department)
        for number in range(1, admins + 1):
            db.session.add(User(username=f"drill_admin_{number:02d}", display_name=f"演练管理员{number:02d}",
                                role="admin", password_hash=password_hash))
        for number in range(1, extra_users + 1):
            db.session.add(User(username=f"drill_user_{number:02d}", display_name=f"演练用户{number:02d}",
                                role="sales", department=department, password_hash=password_hash))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def die_with_parent() -> None:
    """Linux: SIGKILL the server when the test process dies (a killed pytest must not leave it running);
    its workers notice the master is gone and exit."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class PortalServer:
    """gunicorn (sync workers, no --preload) serving the portal on 127.0.0.1:<free port>."""

    def __init__(self, instance_dir: Path, database_url: str | None = None, workers: int = 3, log_name="gunicorn"):
        self.instance_dir = instance_dir
        self.database_url = database_url
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = instance_dir / f"{log_name}.log"
        self.base_url = f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict:
        env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "PORTAL_ENV")}
        env.update(PORTAL_INSTANCE_DIR=str(self.instance_dir), SECRET_KEY=DRILL_SECRET_KEY, PORTAL_ENV="development",
                   PYTHONDONTWRITEBYTECODE="1")
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def start(self, timeout: float = 30) -> "PortalServer":
        self.instance_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "--error-logfile", "-", "wsgi:app"],
            cwd=PROJECT_ROOT, env=self.environment(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 reaches master and workers at once
            preexec_fn=die_with_parent,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.05)
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def kill9(self) -> None:
        """SIGKILL to the whole process group (master and every worker), no chance to clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.reap_group()

    def reap_group(self) -> None:
        # Workers re-parented to init after the master died still belong to the group.
        if self.process:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def locked_errors(self) -> list[str]:
        return [line for line in self.log_text().splitlines() if any(m in line for m in LOCKED_MESSAGES)]

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Reply:
    status: int
    text: str
    headers: dict = field(default_factory=dict)
    elapsed: float = 0.0


INPUT_RE = re.compile(r"<input\b[^>]*>", re.I)
ATTR_RE = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')


def hidden_inputs(page: str) -> dict[str, str]:
    """name → value of every hidden input (csrf_token, version) on a page."""
    values = {}
    for tag in INPUT_RE.findall(page):
        attrs = {k.lower(): html.unescape(v) for k, v in ATTR_RE.findall(tag)}
        if attrs.get("type", "").lower() == "hidden" and "name" in attrs:
            values.setdefault(attrs["name"], attrs.get("value", ""))
    return values


def input_value(page: str, name: str) -> str | None:
    for tag in INPUT_RE.findall(page):
        attrs = {k.lower(): html.unescape(v) for k, v in ATTR_RE.findall(tag)}
        if attrs.get("name") == name:
            return attrs.get("value", "")
    return None


class PortalClient:
    """One browser: its own cookie jar, no redirect following, 5xx and connection errors recorded."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect())

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> Reply:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers or {})
        started = time.perf_counter()
        try:
            with self.opener.open(req, timeout=self.timeout) as response:
                return Reply(response.status, response.read().decode("utf-8", "replace"), dict(response.headers),
                             time.perf_counter() - started)
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode("utf-8", "replace"), dict(error.headers),
                         time.perf_counter() - started)

    def get(self, path: str, headers: dict | None = None) -> Reply:
        return self.request(path, headers=headers)

    def post(self, path: str, data: dict, headers: dict | None = None) -> Reply:
        return self.request(path, data=data, headers=headers)

    def submit(self, form_path: str, fields: dict, action: str | None = None) -> Reply:
        """GET the form page, take its hidden inputs (CSRF token, version), POST with `fields`."""
        page = self.get(form_path)
        if page.status != 200:
            return page
        data = hidden_inputs(page.text)
        data.update(fields)
        return self.post(action or form_path, data)

    def login(self, username: str, password: str = DRILL_PASSWORD) -> Reply:
        return self.submit("/login", {"username": username, "password": password})

    def logout(self) -> Reply:
        page = self.get("/")
        token = hidden_inputs(page.text).get("csrf_token", "")
        return self.post("/logout", {"csrf_token": token})


def sqlite_integrity(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def sqlite_rows(path: Path, sql: str, *params) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def drill_scale(small: int, large: int) -> int:
    """`make drill` sets DRILL_SCALE=large for the long versions; `make test` runs the small ones."""
    return large if os.environ.get("DRILL_SCALE") == "large" else small


class FormParser(__import__("html.parser").parser.HTMLParser):
    """The fields a browser would submit for each <form>: inputs, checked boxes, selected options, textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "method": (attrs.get("method") or "get").lower(),
                               "fields": {}})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields[name] = attrs.get("value", "y")
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select, self._select_first = name, None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
                fields.setdefault(self._select, value)
            if "selected" in attrs:
                fields[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            fields = self.forms[-1]["fields"]
            # Browsers drop the newline right after <textarea> (HTML spec); Jinja templates put one there.
            fields[self._textarea] = re.sub(r"^\r?\n", "", fields[self._textarea])
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def form_fields(page: str, action_contains: str = "") -> dict[str, str]:
    """What submitting the first form whose action contains `action_contains` would send (POST forms only)."""
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        if form["method"] == "post" and action_contains in form["action"]:
            return dict(form["fields"])
    raise LookupError(f"no POST form with action containing {action_contains!r}")
