"""Engine tuning: SQLite pragmas and write transactions that take the write lock up front."""
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context, request
from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from portal.extensions import db

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SQLITE_BUSY_TIMEOUT_MS = 10_000
_long_read = ContextVar("long_read", default=False)


def wants_write_lock() -> bool:
    """Writes (unsafe methods, CLI, or a read that must log an audit entry) begin IMMEDIATE.

    A deferred transaction that reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT
    when another worker committed in between, whatever the busy timeout; reads stay deferred so
    page views never queue behind each other.
    """
    if _long_read.get():
        return False
    if not has_request_context():
        return True
    return request.method not in SAFE_METHODS or g.get("write_intent", False)


def configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and busy timeout on every connection; explicit BEGIN handling."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit BEGIN is deferred and late).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if wants_write_lock() else "BEGIN")


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)


def mark_write_intent() -> None:
    """Call before a GET handler writes (e.g. the audit entry of a sensitive read)."""
    g.write_intent = True


@contextmanager
def write_during_page_view():
    """A short write in the middle of a page view (GET): the page's read transaction is ended first (on
    SQLite it cannot take the write lock once another worker has written), the write runs in one that
    takes the lock up front and is committed, and the rest of the page reads without the lock again.
    Elsewhere (POST, CLI) the write joins the caller's transaction and nothing is committed here."""
    if not (has_request_context() and request.method in SAFE_METHODS):
        yield
        return
    db.session.commit()
    mark_write_intent()
    try:
        yield
        db.session.commit()
    finally:
        g.pop("write_intent", None)


@contextmanager
def long_read():
    """A job's long read (the nightly health scoring reads every customer's aggregates) begins deferred:
    on SQLite in WAL mode it then never holds the write lock, so pages keep writing meanwhile. The
    transaction is ended on the way out; the job's writes that follow begin IMMEDIATE as usual."""
    token = _long_read.set(True)
    try:
        db.session.commit()
        yield
    finally:
        db.session.commit()
        _long_read.reset(token)


def on_sqlite() -> bool:
    """Whether the session talks to SQLite: a few queries are written per database (see their comments)."""
    return db.session.get_bind().dialect.name == "sqlite"


def upsert(table: Table):
    """INSERT for the session's database with .on_conflict_do_update() (SQLite and PostgreSQL have it)."""
    return (sqlite.insert if on_sqlite() else postgresql.insert)(table)
