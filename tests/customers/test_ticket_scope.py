"""The technicians' scope (customers of the tickets dispatched to them or their department) gives the same
rows in the same order whether a list tests each row (a wide scope: EXISTS per row) or builds the id
list (a narrow one), for a technician and for their supervisor, on the customer and follow-up lists."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text

from portal.access import customers as access
from portal.extensions import db
from portal.followups import queries as followup_queries
from portal.models.followups import FollowUp
from portal.models.tickets import Ticket
from portal.tickets.services import create_ticket

CODE = re.compile(r"<td>(KH\d+)</td>")


@pytest.fixture
def ticket_desk(app, frozen_now, make_user, make_department, make_customer):
    """12 customers with distinct last contacts: 0–3 dispatched to the technician, 4–7 to a colleague in
    the same department, 8–9 in the pool, 10–11 a rep's; one follow-up each, an hour apart."""
    tech_department = make_department("技术部")
    service = make_user("service", department=make_department("客服部"))
    tech = make_user("tech", department=tech_department)
    colleague = make_user("tech", department=tech_department)
    rep = make_user("sales", department=make_department("销售部"))
    base = datetime(2026, 11, 1, 9)
    customers = []
    for number in range(12):
        owner = rep if number >= 10 else None if number >= 8 else rep
        customer = make_customer(f"工单{number:02d}科技有限公司", owner=owner,
                                 last_contacted_at=base + timedelta(hours=number * 5 % 12))
        db.session.add(FollowUp(customer_id=customer.id, author_id=service.id, recorded_at=base,
                                contacted_at=base + timedelta(hours=number * 7 % 12), is_late=False,
                                method="电话", content=f"跟进{number:02d}"))
        if number < 8:
            ticket = create_ticket(customer=customer, kind="投诉", category="产品", severity="一般",
                                   description="设备无法开机", by=service)
            ticket.dispatch(tech_department, tech if number < 4 else colleague, service)
        customers.append(customer)
    db.session.commit()
    return {"tech": tech, "supervisor": make_user("supervisor", department=tech_department),
            "customers": customers, "tech_department": tech_department}


def list_codes(client, **args) -> list[str]:
    response = client.get("/customers/", query_string={"per_page": 100, **args})
    assert response.status_code == 200
    return CODE.findall(response.get_data(as_text=True))


def expected_codes(customers) -> list[str]:
    return [c.code for c in sorted(customers, key=lambda c: (c.last_contacted_at, c.id), reverse=True)]


def followup_contents(client) -> list[str]:
    response = client.get("/followups/", query_string={"per_page": 100})
    assert response.status_code == 200
    return re.findall(r"跟进\d\d", response.get_data(as_text=True))


def expected_contents(customers) -> list[str]:
    followups = db.session.scalars(select(FollowUp).where(FollowUp.customer_id.in_([c.id for c in customers])))
    ordered = sorted(followups, key=lambda f: (f.contacted_at, f.id), reverse=True)
    return [f.content for f in ordered]


@pytest.mark.parametrize("probe_rows", [0, 1000])  # 0: every ticket scope counts as wide (tested per row)
def test_wide_and_narrow_ticket_scopes_list_the_same_rows(monkeypatch, login_as, ticket_desk, probe_rows):
    monkeypatch.setattr(access, "TICKET_SCOPE_PROBE_ROWS", probe_rows)
    customers = ticket_desk["customers"]
    tech = login_as(ticket_desk["tech"])
    assert list_codes(tech) == expected_codes(customers[:8])  # the department's tickets too
    assert list_codes(tech, per_page=3, page=2) == expected_codes(customers[:8])[3:6]
    assert list_codes(tech, q="工单0") == expected_codes(customers[:8])
    supervisor = login_as(ticket_desk["supervisor"])
    assert list_codes(supervisor) == expected_codes(customers[:10])  # the pool as well
    assert followup_contents(supervisor) == expected_contents(customers[:10])


@pytest.mark.parametrize("probe_rows", [0, 1000])
def test_a_redispatched_ticket_moves_its_customer(monkeypatch, login_as, make_user, make_department, ticket_desk,
                                                  probe_rows):
    monkeypatch.setattr(access, "TICKET_SCOPE_PROBE_ROWS", probe_rows)
    elsewhere = make_department("技术二部")
    outsider = make_user("tech", department=elsewhere)
    ticket = db.session.scalar(select(Ticket).where(Ticket.customer_id == ticket_desk["customers"][0].id))
    ticket.dispatch(elsewhere, outsider, None)
    db.session.commit()
    moved = ticket_desk["customers"][0].code
    assert moved not in list_codes(login_as(ticket_desk["tech"]))
    assert list_codes(login_as(outsider)) == [moved]


def test_the_tech_supervisors_followups_walk_the_contact_index_on_sqlite(monkeypatch, app, ticket_desk):
    """Each follow-up's customer is tested by primary key and its tickets by customer: no id list of the
    scope, and no Bloom filter over the customer table before the first row."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite plan")
    monkeypatch.setattr(access, "TICKET_SCOPE_PROBE_ROWS", 0)
    query = followup_queries.filtered_followups(ticket_desk["supervisor"], {}).limit(51)
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = " | ".join(row[3] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
    assert "ix_follow_up_contacted_order" in plan and "BLOOM" not in plan
    assert "SEARCH ticket USING INDEX ix_ticket_customer_received (customer_id=?)" in plan


@pytest.mark.parametrize("probe_rows", [0, 1000])
def test_a_technicians_order_list_holds_the_orders_of_their_ticket_customers(monkeypatch, login_as, ticket_desk,
                                                                            count_queries, probe_rows):
    from datetime import date

    from tests.sales.conftest import sign

    monkeypatch.setattr(access, "TICKET_SCOPE_PROBE_ROWS", probe_rows)
    customers = ticket_desk["customers"]
    rep = customers[10].owner
    signed = {number: sign(customers[number], rep, "100.00", date(2026, 10, number + 1)) for number in (0, 5, 8, 11)}
    tech = login_as(ticket_desk["tech"])
    with count_queries() as counter:
        html = tech.get("/sales/orders/").get_data(as_text=True)
    assert re.findall(r">(DD\d+)<", html) == [signed[5].number, signed[0].number]  # newest first
    listing = next(s for s in counter.statements if "ORDER BY sales_order." in s)
    assert ("EXISTS" in listing) == (probe_rows == 0)  # a wide scope is tested per order, never listed
