"""Fixtures for the tickets area: customers and tickets in known places."""
from datetime import datetime

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


@pytest.fixture
def desk(app, make_user, make_department, make_customer, make_ticket, frozen_now):
    """A service user, a late 重大 ticket and a fresh 轻微 one dispatched to a technician."""
    tech_department = make_department("技术部")
    service = make_user("service", department=make_department("客服部"))
    tech = make_user("tech", department=tech_department)
    customer = make_customer(name="苏州恒达精密机械有限公司")
    late = make_ticket(customer, service, severity="重大", received_at=datetime(2026, 11, 19, 9, 0), category="服务")
    fresh = make_ticket(customer, service, severity="轻微", category="产品")
    fresh.dispatch(tech_department, tech, service)
    db.session.commit()
    return {"service": service, "tech": tech, "customer": customer, "late": late, "fresh": fresh,
            "tech_department": tech_department}

