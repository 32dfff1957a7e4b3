"""Intake: numbering and SLA deadlines from the working-day calendar."""
from datetime import datetime

from portal.extensions import db
from portal.models.tickets import Ticket


def test_numbers_run_per_day(app, make_user, make_customer, make_ticket, frozen_now):
    service = make_user("service")
    customer = make_customer()
    first = make_ticket(customer, service)
    second = make_ticket(customer, service)
    other_day = make_ticket(customer, service, received_at=datetime(2026, 11, 20, 9, 0))
    assert (first.number, second.number, other_day.number) == ("TS20261124-0001", "TS20261124-0002", "TS20261120-0001")
    assert first.status == "新建" and first.dispatch_state == "未派工"
    assert db.session.query(Ticket).count() == 3
