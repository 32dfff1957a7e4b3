"""Browser fixtures shared by every area: one live portal per test session, headless Debian chromium.

Use them as:

    @pytest.mark.browser
    def test_journey(live_server, page, make_live_user, login):
        user = make_live_user("sales", department_name="销售部")
        login(page, user.username, user.password)
        page.goto(live_server.url + "/customers/")

`live_server` serves the real app (CSRF ON, migrated SQLite file) from a daemon thread;
`make_live_user` writes users into that database through an app context; `page` is a fresh
browser context per test, so cookies never leak between tests.
"""
import threading
from dataclasses import dataclass
from itertools import count

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from portal import create_app
from portal.extensions import db
from tests.conftest import PASSWORD, migrate_database

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}


@dataclass
class LiveServer:
    app: object
    url: str


@dataclass(frozen=True)
class LiveUser:
    id: int
    username: str
    password: str
    role: str
    display_name: str


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The portal on a migrated SQLite file, served on 127.0.0.1:<free port> by a daemon thread."""
    directory = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{directory / 'live.db'}"
    migrate_database(url)
    app = create_app(
        {
            "PORTAL_ENV": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": True,
            "FILE_STORE": str(directory / "files"),
            "PDF_CACHE_DIR": str(directory / "pdf"),
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


_sequence = count(1)


@pytest.fixture(scope="session")
def make_live_user(live_server):
    """make_live_user("sales", department_name="销售部") -> LiveUser with username and password."""
    from portal.auth.passwords import hash_password
    from portal.models.auth import Department, User

    def factory(role: str = "sales", department_name: str | None = None, display_name: str | None = None) -> LiveUser:
        username = f"live_{role}{next(_sequence)}"
        with live_server.app.app_context():
            department = None
            if department_name:
                department = db.session.scalar(select(Department).where(Department.name == department_name))
                if department is None:
                    department = Department(name=department_name)
                    db.session.add(department)
            user = User(
                username=username,
                display_name=display_name or username,
                role=role,
                department=department,
                password_hash=hash_password(PASSWORD),
            )
            db.session.add(user)
            db.session.commit()
            live_user = LiveUser(user.id, username, PASSWORD, role, user.display_name)
            db.session.remove()
        return live_user

    return factory


@pytest.fixture(scope="session")
def make_live_customer(live_server):
    """make_live_customer(name, **fields) -> id of a customer written straight into the live database."""
    from portal.models.customers import Customer

    def factory(name: str, **fields) -> int:
        with live_server.app.app_context():
            customer = Customer(code=f"KH2026{770000 + next(_sequence):06d}", name=name, **fields)
            db.session.add(customer)
            db.session.commit()
            customer_id = customer.id
            db.session.remove()
        return customer_id

    return factory


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright (sync API), one per test session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (own cookies) and page per test, at 1366x768, zh-CN."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def login(live_server):
    """login(page, username, password): sign in through the real login form and wait for the redirect."""

    def sign_in(page, username: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        assert "/login" not in page.url, "login failed"

    return sign_in
