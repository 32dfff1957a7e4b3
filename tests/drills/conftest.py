"""Drills run on SQLite files served by gunicorn; PostgreSQL runs of the suite skip them."""
import pytest

from tests.conftest import POSTGRES_URL


@pytest.fixture
def sqlite_only():
    if POSTGRES_URL:
        pytest.skip("SQLite drill (the PostgreSQL suite checks the same promises through its own server)")
