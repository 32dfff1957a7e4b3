"""The ledger's urgency order read through ledger_band (migration 0023): the same rows in the same order as
the old single ORDER BY, for every scope shape, across pages; the band follows every write path."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from werkzeug.datastructures import MultiDict

from portal import clock
from portal.extensions import db
from portal.models.tickets import DONE_STATUSES, OPEN_STATUSES, Ticket, ledger_band
from portal.tickets import queries
from portal.tickets.cli import check_sla
from portal.tickets.forms import TicketFilterForm
from portal.tickets.services import recompute_open_deadlines, reopen_ticket, resume_ticket

NOW = datetime(2026, 11, 24, 10, 0)


def old_urgency_key(ticket: Ticket):
    """The ORDER BY the ledger had before the bands, written out in Python: the reference order."""
    is_open = ticket.status in OPEN_STATUSES
    breached = bool(
        ticket.response_breached_at or ticket.resolve_breached_at
        or (ticket.responded_at is None and ticket.status not in DONE_STATUSES and ticket.respond_due_at < NOW)
        or (is_open and ticket.resolve_due_at is not None and ticket.resolve_due_at < NOW))
    return (0 if is_open and breached else 1, 0 if is_open else 1, ticket.resolve_due_at is None,
            ticket.resolve_due_at or datetime.min, -ticket.received_at.timestamp(), -ticket.id)


def shaped(ticket: Ticket, **fields) -> Ticket:
    for name, value in fields.items():
        setattr(ticket, name, value)
    return ticket


@pytest.fixture
def mixed_ledger(app, make_user, make_department, make_customer, make_ticket, frozen_now):
    """Tickets in every band, with ties on the deadline and on the receipt time, for a rep's own customer,
    the pool and another department's customer; some dispatched to the technical department."""
    sales_department, tech_department = make_department("销售一部"), make_department("技术部")
    rep = make_user("sales", department=sales_department)
    other_rep = make_user("sales", department=make_department("销售二部"))
    tech = make_user("tech", department=tech_department)
    service = make_user("service", department=make_department("客服部"))
    customers = [make_customer(owner=rep), make_customer(), make_customer(owner=other_rep)]
    due, received = datetime(2026, 11, 30, 18, 0), datetime(2026, 11, 20, 9, 0)
    shapes = [
        dict(),  # open, on track
        dict(resolve_due_at=datetime(2026, 11, 24, 9, 0)),  # open, resolution breached by the clock
        dict(responded_at=None, respond_due_at=datetime(2026, 11, 23, 9, 0)),  # response breached by the clock
        dict(resolve_breached_at=datetime(2026, 11, 22, 9, 0)),  # breach recorded by check-sla
        dict(status="待客户反馈", resolve_due_at=None),  # paused
        dict(status="待客户反馈", resolve_due_at=None, response_breached_at=datetime(2026, 11, 21)),
        dict(status="处理中", resolve_due_at=due),
        dict(status="处理中", resolve_due_at=due, received_at=received + timedelta(hours=1)),
        dict(status="已解决", resolve_due_at=due),
        dict(status="已解决", resolve_due_at=due, resolve_breached_at=datetime(2026, 11, 1)),
        dict(status="已回访关闭", resolve_due_at=due, received_at=received + timedelta(hours=1)),
        dict(status="已回访关闭", resolve_due_at=datetime(2026, 11, 2, 9, 0)),
        dict(status="已回访关闭", resolve_due_at=None),  # done without a deadline (legacy rows)
        dict(status="重新打开", resolve_due_at=datetime(2026, 12, 10, 9, 0)),
    ]
    tickets = []
    for index, fields in enumerate(shapes * 2):
        ticket = make_ticket(customers[index % 3], service, received_at=received)
        if index % 4 == 0:
            ticket.dispatch(tech_department, tech, service)
        shaped(ticket, **{"responded_at": received + timedelta(minutes=30), **fields})
        tickets.append(ticket)
    db.session.commit()
    supervisor = make_user("supervisor", department=sales_department)
    tech_supervisor = make_user("supervisor", department=tech_department)
    return {"tickets": tickets, "rep": rep, "tech": tech, "service": service, "supervisor": supervisor,
            "tech_supervisor": tech_supervisor}


def listed_numbers(client, query: str) -> list[str]:
    body = client.get(f"/tickets/?{query}").get_data(as_text=True)
    return list(dict.fromkeys(re.findall(r"TS\d{8}-\d+", body)))


@pytest.mark.parametrize("role", ["service", "rep", "tech", "supervisor", "tech_supervisor"])
def test_urgency_order_is_the_old_order_for_every_scope(mixed_ledger, login_as, role):
    user = mixed_ledger[role]
    with_request = db.session.execute(select(Ticket).where(Ticket.id.in_([t.id for t in mixed_ledger["tickets"]])))
    visible = {t.id for t in db.session.scalars(queries.visible_tickets(user))}
    expected = [t.number for t in sorted((t for t in with_request.scalars() if t.id in visible), key=old_urgency_key)]
    client = login_as(user)
    assert listed_numbers(client, "per_page=200") == expected
    pages = [listed_numbers(client, f"per_page=5&page={page}") for page in range(1, len(expected) // 5 + 2)]
    assert [number for page in pages for number in page] == expected


def test_filtered_urgency_order_and_count(mixed_ledger, login_as):
    client = login_as(mixed_ledger["service"])
    numbers = listed_numbers(client, "per_page=200&breached=1")
    breached = sorted((t for t in mixed_ledger["tickets"] if old_urgency_key(t)[0] == 0 or t.resolve_breached_at
                       or t.response_breached_at), key=old_urgency_key)
    assert numbers == [t.number for t in breached]
    closed = [t for t in mixed_ledger["tickets"] if t.status == "已回访关闭"]
    body = client.get("/tickets/?per_page=5&status=已回访关闭").get_data(as_text=True)
    assert f"共 {len(closed)} 条，第 1 / 2 页" in body


@pytest.mark.parametrize("status", ["已回访关闭", "已解决", "待客户反馈", "重新打开"])
def test_status_filter_keeps_the_order(mixed_ledger, login_as, status):
    numbers = listed_numbers(login_as(mixed_ledger["supervisor"]), f"per_page=200&status={status}")
    visible = {t.id for t in db.session.scalars(queries.visible_tickets(mixed_ledger["supervisor"]))}
    expected = sorted((t for t in mixed_ledger["tickets"] if t.status == status and t.id in visible), key=old_urgency_key)
    assert numbers == [t.number for t in expected] and numbers


def ledger_sql(user, status=None) -> str:
    form = TicketFilterForm(formdata=MultiDict({"status": status} if status else {}))
    form.validate()
    return str(queries.ledger_query(user, form).limit(51).compile(db.engine, compile_kwargs={"literal_binds": True}))


def test_done_tickets_are_read_in_index_order(app, sqlite_only, mixed_ledger):
    """The done part walks ix_ticket_ledger_order and only the small open part is sorted."""
    with app.test_request_context("/tickets/"):
        for role in ("service", "rep", "tech", "supervisor", "tech_supervisor"):
            plan = [row[3] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + ledger_sql(mixed_ledger[role])))]
            assert "MERGE (UNION ALL)" in plan, (role, plan)
            right = plan[plan.index("RIGHT"):]
            assert any("ix_ticket_ledger_order" in line for line in right), (role, plan)
            assert not any("TEMP B-TREE" in line for line in right), (role, plan)


def test_one_done_status_walks_its_own_index(app, sqlite_only, mixed_ledger):
    """Filtered by a done status the open part is left out and the rest is read in index order."""
    with app.test_request_context("/tickets/?status=已回访关闭"):
        plan = [row[3] for row in db.session.execute(
            text("EXPLAIN QUERY PLAN " + ledger_sql(mixed_ledger["supervisor"], "已回访关闭")))]
    assert "ix_ticket_status_ledger_order" in plan[0] and not any("TEMP B-TREE" in line for line in plan), plan


def band_of(ticket: Ticket) -> int:
    db.session.commit()
    return db.session.scalar(select(Ticket.ledger_band).where(Ticket.id == ticket.id))


def test_band_follows_every_write_path(desk, make_user):
    ticket, tech, service = desk["fresh"], desk["tech"], desk["service"]
    assert band_of(ticket) == 2  # intake
    ticket.confirm(tech)
    ticket.start(tech)
    ticket.pause(tech, "等客户")
    assert band_of(ticket) == 3
    resume_ticket(ticket, tech)
    assert band_of(ticket) == 2
    ticket.resolve(tech, "已更换配件", "产品缺陷", "电源模块故障")
    assert band_of(ticket) == 4
    ticket.record_closing_revisit(service, 4, "满意")
    assert band_of(ticket) == 4
    reopen_ticket(ticket, service, "又坏了")
    assert band_of(ticket) == 2
    check_sla(clock.now() + timedelta(days=60))
    recompute_open_deadlines(clock.today())
    assert band_of(ticket) == ledger_band(ticket.status, ticket.resolve_due_at) == 2


def test_large_seed_writes_the_band(app, frozen_now):
    from portal.demo_large import Sizes, seed_large

    seed_large(Sizes.scaled(1000))
    rows = db.session.execute(select(Ticket.status, Ticket.resolve_due_at, Ticket.ledger_band)).all()
    assert rows and all(band == ledger_band(status, due) for status, due, band in rows)
    assert {band for *_, band in rows} >= {2, 4}
