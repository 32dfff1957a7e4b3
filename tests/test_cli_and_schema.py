"""CLI commands, migrations from empty, SQLite pragmas, PostgreSQL session settings and backup/restore."""
import os
import sqlite3
import stat

from sqlalchemy import inspect, select, text

from portal import create_app
from portal.extensions import db
from portal.models.auth import Department, User
from tests.conftest import POSTGRES_URL, log_in


def test_user_create_reads_password_from_stdin(app, runner, make_department):
    make_department("客服部")
    result = runner.invoke(
        args=["user", "create", "wangfang", "--role", "service", "--department", "客服部", "--display-name", "王芳"],
        input="客服王芳的长密码\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "wangfang"))
    assert user.role == "service" and user.department.name == "客服部" and user.display_name == "王芳"
    log_in(app.test_client(), user, "客服王芳的长密码")


def test_user_create_refuses_common_password_and_unknown_department(runner):
    assert "太常见" in runner.invoke(args=["user", "create", "x", "--role", "sales"], input="password123\n").output
    result = runner.invoke(args=["user", "create", "x", "--role", "sales", "--department", "不存在"], input="a long passphrase\n")
    assert result.exit_code != 0 and "没有名为" in result.output


def test_user_deactivate(app, runner, make_user):
    user = make_user("sales")
    client = log_in(app.test_client(), user)
    assert runner.invoke(args=["user", "deactivate", user.username]).exit_code == 0
    assert client.get("/").status_code == 302


def test_demo_seed_once(runner):
    assert runner.invoke(args=["demo", "seed", "--customers", "5"]).exit_code == 0
    assert db.session.scalar(select(Department).where(Department.name == "销售部")) is not None
    assert {u.role for u in db.session.scalars(select(User))} >= {"sales", "service", "tech", "marketing", "supervisor", "admin"}
    assert "not written" in runner.invoke(args=["demo", "seed", "--if-empty"]).output


def test_migrations_build_every_model_table(app):
    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_sqlite_connection_pragmas(app):
    if POSTGRES_URL:
        return
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_postgres_sessions_run_without_jit(app):
    """JIT compiling a scoped list's plan cost 0.3-0.5 s per statement at 100k (portal.engine_options)."""
    if not POSTGRES_URL:
        return
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW jit").scalar() == "off"


def test_backup_then_restore_and_boot(app, runner, make_user, tmp_path):
    if POSTGRES_URL:
        result = runner.invoke(args=["backup", str(tmp_path / "x.db")])
        assert "pg_dump" in result.output
        return
    make_user("sales", username="kept-in-backup")
    target = tmp_path / "backups" / "portal-backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert sqlite3.connect(target).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{target}"})
    with restored.app_context():
        assert db.session.scalar(select(User.username).where(User.username == "kept-in-backup"))
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        db.engine.dispose()


def test_migrations_match_the_models(runner):
    """Schema only via migrations: `flask db check` (autogenerate) finds nothing to add or drop."""
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0 and "New upgrade operations detected" not in result.output, result.output
