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


def test_number_clash_from_a_concurrent_intake_retries(app, make_user, make_customer, make_ticket, frozen_now, monkeypatch):
    """Another worker took the number between our read and our insert: the savepoint retry takes the next one."""
    from portal.tickets import services

    service = make_user("service")
    customer = make_customer()
    make_ticket(customer, service)  # TS20261124-0001 exists
    real = services.next_ticket_number
    calls = []

    def stale_then_real(day):
        calls.append(day)
        return "TS20261124-0001" if len(calls) == 1 else real(day)

    monkeypatch.setattr(services, "next_ticket_number", stale_then_real)
    ticket = make_ticket(customer, service)
    assert ticket.number == "TS20261124-0002" and len(calls) == 2
    assert db.session.query(Ticket).count() == 2
    from portal.models.audit import AuditEntry

    creations = db.session.scalars(db.select(AuditEntry.id).where(AuditEntry.record_type == "Ticket", AuditEntry.action == "create"))
    assert len(list(creations)) == 2  # the failed attempt leaves no audit entry behind
