"""Migration 0020 folds existing search rows to simplified characters, so files typed in 繁體 before the
upgrade are found by either script afterwards (issue 17)."""
import sqlite3

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from portal import create_app
from portal.extensions import db
from tests.conftest import POSTGRES_URL


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the migration's SQL is dialect-neutral; one database is enough")
def test_upgrade_simplifies_existing_search_rows(tmp_path):
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="0017")
        with sqlite3.connect(tmp_path / "old.db") as connection:  # foreign keys off: search rows without files
            connection.execute("INSERT INTO customer_search (customer_id, text) VALUES (1, '臺北電子科技|陳靜'), (2, '深圳电子')")
            connection.execute("INSERT INTO knowledge_search (kind, record_id, head, text) VALUES ('a', 1, '印表機電源', '印表機電源 檢查')")
        connection.close()
        upgrade(revision="0020")
        with db.engine.connect() as connection:
            rows = dict(connection.execute(text("SELECT customer_id, text FROM customer_search")).all())
            knowledge = connection.execute(text("SELECT head, text FROM knowledge_search")).one()
            columns = [row[1] for row in connection.execute(text("PRAGMA table_info(user)"))]
        assert rows == {1: "台北电子科技|陈静", 2: "深圳电子"}
        assert tuple(knowledge) == ("印表机电源", "印表机电源 检查")
        assert "language" in columns
        downgrade(revision="0017")
        db.engine.dispose()
