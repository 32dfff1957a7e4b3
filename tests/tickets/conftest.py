"""Fixtures for the tickets area: customers and tickets in known places."""
import pytest

from portal.extensions import db
from portal.models.customers import Customer
from portal.tickets.services import create_ticket

_counter = iter(range(1, 10_000))


@pytest.fixture
def make_customer(app):
    """A customer owned by `owner` (None = public pool)."""

    def factory(owner=None, name=None) -> Customer:
        n = next(_counter)
        customer = Customer(code=f"KH2026{n:06d}", name=name or f"测试客户{n}有限公司", owner_id=owner.id if owner else None)
        db.session.add(customer)
        db.session.commit()
        return customer

    return factory


@pytest.fixture
def make_ticket(app):
    """A committed ticket for `customer`, filed by `by`."""

    def factory(customer, by, severity="一般", received_at=None, kind="投诉", category="产品"):
        ticket = create_ticket(customer=customer, kind=kind, category=category, severity=severity,
                               description="设备无法开机", by=by, received_at=received_at, channel="电话")
        db.session.commit()
        return ticket

    return factory
