"""Migration 0025 backfills the search bigrams of existing customers exactly as the app writes them."""
import sqlite3
from datetime import date, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, text

from portal import create_app
from portal.customers.services import search_bigrams
from portal.extensions import db
from portal.models.customers import Customer
from tests.conftest import POSTGRES_URL

TEXTS = {1: "臺北恒通科技|台北恒通|taibei|陈静|13812345678", 2: "华信|hx", 3: "abc|x", 4: "a科b技"}


def bare_customer(customer_id: int) -> dict:
    """A customer row with every NOT NULL column filled (only the id matters here)."""
    filler = {Boolean: 0, Integer: 0, Numeric: 0, DateTime: datetime(2026, 1, 1), Date: date(2026, 1, 1)}
    row = {"id": customer_id, "code": f"KH2026{customer_id:06d}"}
    for column in Customer.__table__.columns:
        if column.name not in row and not column.nullable:
            row[column.name] = next((value for kind, value in filler.items() if isinstance(column.type, kind)), "")
    return row


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's backfill; PostgreSQL's runs on every migrated test database")
def test_upgrade_backfills_the_bigrams_of_existing_search_rows(tmp_path):
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="0022")
        with sqlite3.connect(tmp_path / "old.db") as connection:
            for customer_id, search in TEXTS.items():
                row = bare_customer(customer_id)
                connection.execute(f"INSERT INTO customer ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                                   list(row.values()))
                connection.execute("INSERT INTO customer_search (customer_id, text) VALUES (?, ?)",
                                   (customer_id, search))
        connection.close()
        upgrade(revision="0025")
        with db.engine.connect() as connection:
            stored = set(connection.execute(text("SELECT bigram, customer_id FROM customer_search_bigram")).all())
        assert stored == {(bigram, customer_id) for customer_id, search in TEXTS.items()
                          for bigram in search_bigrams(search)}
        assert ("华信", 2) in stored and ("科技", 1) in stored and not any(cid in (3, 4) for _b, cid in stored)
        downgrade(revision="0022")
        db.engine.dispose()
