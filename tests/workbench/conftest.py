"""Fixtures of the followups tests: customers built directly on the model (no customers-area UI)."""
from datetime import datetime
from itertools import count

import pytest

from portal.extensions import db
from portal.models.customers import Customer

_codes = count(1)


@pytest.fixture
def new_customer(app):
    """new_customer(owner, grade="B", **fields) -> a committed Customer (created 2026-01-05 unless given)."""

    def factory(owner=None, grade: str = "B", **fields) -> Customer:
        number = next(_codes)
        fields.setdefault("name", f"测试客户{number}有限公司")
        fields.setdefault("created_at", datetime(2026, 1, 5, 9, 0))
        customer = Customer(code=f"KH2026{number:06d}", owner_id=owner.id if owner else None, grade=grade, **fields)
        db.session.add(customer)
        db.session.commit()
        return customer

    return factory
