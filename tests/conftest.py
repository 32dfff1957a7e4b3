"""Shared fixtures: a migrated database per test (SQLite file copy, or truncated PostgreSQL),
clients logged in through the real login route, factories, frozen time and a query counter."""
import os
import shutil
from contextlib import contextmanager
from datetime import datetime
from itertools import count

import pytest
import time_machine
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from portal import clock, create_app
from portal.extensions import db
from portal.models.auth import Department, User

PASSWORD = "correct-horse-battery"
POSTGRES_URL = os.environ.get("DATABASE_URL", "") if os.environ.get("DATABASE_URL", "").startswith("postgresql") else ""
FROZEN_NOW = datetime(2026, 11, 24, 10, 0, 0)
HX = {"HX-Request": "true"}


def migrate_database(url: str) -> None:
    from flask_migrate import upgrade

    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def recreate_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory, worker_id):
    """Run the Alembic migrations once per test process; tests copy (SQLite) or truncate (PostgreSQL)."""
    if POSTGRES_URL:
        url = make_url(POSTGRES_URL).set(database=f"portal_test_{worker_id}").render_as_string(hide_password=False)
        recreate_postgres_database(url)
        migrate_database(url)
        return url
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate_database(f"sqlite:///{path}")
    return path


def truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = ", ".join('"' + table.name + '"' for table in db.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def make_app(database_template, tmp_path, **overrides):
    if POSTGRES_URL:
        url = database_template
    else:
        path = tmp_path / "portal.db"
        shutil.copyfile(database_template, path)
        url = f"sqlite:///{path}"
    config = {
        "PORTAL_ENV": "test",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "FILE_STORE": str(tmp_path / "files"),
        "PDF_CACHE_DIR": str(tmp_path / "pdf"),
    }
    config.update(overrides)
    return create_app(config), url


@contextmanager
def app_for_test(database_template, tmp_path, **overrides):
    app, url = make_app(database_template, tmp_path, **overrides)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()
            if POSTGRES_URL:
                truncate_all(url)


@pytest.fixture
def app(database_template, tmp_path):
    """The portal on a fresh migrated database, CSRF off (see `csrf_app` for forgery tests)."""
    with app_for_test(database_template, tmp_path) as application:
        yield application


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on, as in production (Flask-WTF reads the flag per request)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def hx():
    return dict(HX)


@pytest.fixture
def frozen_now():
    """Freeze the clock at 2026-11-24 10:00 China time (a Tuesday); yields the traveller to move it."""
    with time_machine.travel(FROZEN_NOW.replace(tzinfo=clock.LOCAL_TZ), tick=False) as traveller:
        yield traveller


_sequence = count(1)


@pytest.fixture
def make_department(app):
    def factory(name: str | None = None) -> Department:
        department = Department(name=name or f"部门{next(_sequence)}")
        db.session.add(department)
        db.session.commit()
        return department

    return factory



@pytest.fixture
def sqlite_only():
    """For tests of SQLite itself (its query plans, its files under gunicorn); the PostgreSQL run skips them."""
    if POSTGRES_URL:
        pytest.skip("SQLite only")

@pytest.fixture
def new_customer(app):
    """new_customer(owner, grade="B", **fields) -> a committed Customer built on the model directly
    (created 2026-01-05 unless given), for tests that don't exercise the customers area itself."""
    from portal.models.customers import Customer

    def factory(owner=None, grade: str = "B", **fields) -> Customer:
        number = next(_sequence)
        fields.setdefault("name", f"测试客户{number}有限公司")
        fields.setdefault("created_at", datetime(2026, 1, 5, 9, 0))
        customer = Customer(code=f"KH2026{number:06d}", owner_id=owner.id if owner else None, grade=grade, **fields)
        db.session.add(customer)
        db.session.commit()
        return customer

    return factory


@pytest.fixture
def make_user(app):
    """Create a user with PASSWORD: make_user("sales", department=dept, username="zhang")."""
    from portal.auth.passwords import hash_password

    password_hash = hash_password(PASSWORD)

    def factory(role: str = "sales", department: Department | None = None, username: str | None = None,
                display_name: str | None = None) -> User:
        username = username or f"{role}{next(_sequence)}"
        user = User(username=username, display_name=display_name or username, role=role,
                    department=department, password_hash=password_hash)
        db.session.add(user)
        db.session.commit()
        return user

    return factory


def speaking(user: User, language: str) -> User:
    """`user` reads the interface in `language` (portal.i18n.LANGUAGES). The test's app context outlives
    its requests, and a gettext call while fixtures are built caches the default locale on `g`: forget it."""
    import flask_babel

    user = db.session.get(User, user.id)
    user.language = language
    db.session.commit()
    flask_babel.refresh()
    return user


def log_in(client, user: User, password: str = PASSWORD):
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def login_as(app):
    """A new test client signed in as `user` through the real login route."""

    def sign_in(user: User):
        return log_in(app.test_client(), user)

    return sign_in


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, _conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Context manager counting SQL statements sent to the database: `with count_queries() as q:`."""

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting
