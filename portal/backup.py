"""Database backup with SQLite's online backup API (safe while the portal is running)."""
import os
import sqlite3
from pathlib import Path

import click
from sqlalchemy.engine import Engine


def backup_database(engine: Engine, target: Path) -> str:
    """Copy the live SQLite database to `target` with mode 0600; PostgreSQL gets a pg_dump hint."""
    if engine.dialect.name != "sqlite":
        raise click.ClickException(
            "PostgreSQL 请使用 pg_dump 备份，例如：pg_dump --format=custom --file=portal.dump \"$DATABASE_URL\""
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    source_path = engine.url.database
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as destination:
        source.backup(destination)
    os.chmod(target, 0o600)
    return f"backup written to {target}"
