"""Command line: `flask --app wsgi user|demo|backup ...`."""
import sys
from importlib import import_module
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from portal.auth.passwords import hash_password, password_problem
from portal.backup import backup_database
from portal.extensions import db
from portal.models.auth import ROLES, Department, User

user_cli = click.Group("user", help="管理用户账号")
demo_cli = click.Group("demo", help="演示数据")


@user_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--department", "department_name", default=None, help="部门名称")
@click.option("--display-name", default=None)
def user_create(username: str, role: str, department_name: str | None, display_name: str | None):
    """Create a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\n")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(problem)
    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(f"用户名 {username} 已存在")
    department = None
    if department_name:
        department = db.session.scalar(select(Department).where(Department.name == department_name))
        if department is None:
            raise click.ClickException(f"没有名为 {department_name} 的部门")
    db.session.add(
        User(
            username=username,
            display_name=display_name or username,
            role=role,
            department=department,
            password_hash=hash_password(password),
        )
    )
    db.session.commit()
    click.echo(f"created user {username} ({role})")


@user_cli.command("deactivate")
@click.argument("username")
def user_deactivate(username: str):
    """Deactivate a user; their sessions end at once."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"没有用户 {username}")
    user.is_active_user = False
    user.rotate_session_token()
    db.session.commit()
    click.echo(f"deactivated {username}")


@demo_cli.command("seed")
@click.option("--customers", default=60, show_default=True, help="演示客户数量")
@click.option("--if-empty", is_flag=True, help="只在数据库没有用户时写入（make run 首次启动）")
@click.option("--scale", type=click.Choice(["demo", "large"]), default="demo", show_default=True,
              help="large：基准测试数据（200用户、10万客户、100万跟进记录，见 portal/demo_large.py）")
def demo_seed(customers: int, if_empty: bool, scale: str):
    """Write demo departments, one account per role, and demo business data."""
    from portal.demo import seed_demo

    if if_empty and db.session.scalar(select(User.id).limit(1)):
        click.echo("database already has users; demo data not written")
        return
    if scale == "large":
        from portal.demo_large import seed_large

        loaded = seed_large()
        click.echo(f"large data set written: {loaded.counts} in {loaded.seconds} s")
        return
    seed_demo(customers=customers)
    click.echo("demo data written")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup(path: Path):
    """Online backup of the SQLite database to PATH (mode 0600); on PostgreSQL, use pg_dump."""
    message = backup_database(db.engine, path)
    click.echo(message)


def register_cli(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup)
    app.cli.add_command(import_module("portal.followups.cli").followups_cli)
    app.cli.add_command(import_module("portal.tickets.cli").tickets_cli)
    app.cli.add_command(import_module("portal.revisits.cli").revisits_cli)
    app.cli.add_command(import_module("portal.customers.cli").customers_cli)
    app.cli.add_command(import_module("portal.reports.cli").reports_cli)
