"""The ledger: filters, breached first, constant query count, page/fragment, export, print, analysis, intake."""
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.tickets import Ticket


def numbers_in_order(body: str, tickets) -> list[str]:
    return sorted((t.number for t in tickets), key=body.index)


def test_breached_first_with_words(desk, login_as):
    body = login_as(desk["service"]).get("/tickets/").get_data(as_text=True)
    assert numbers_in_order(body, [desk["late"], desk["fresh"]]) == [desk["late"].number, desk["fresh"].number]
    assert "已超时" in body and "剩余" in body


@pytest.mark.parametrize("query,expected", [
    ("status=新建", {"late", "fresh"}),
    ("dispatch_state=已派工未确认", {"fresh"}),
    ("category=服务", {"late"}),
    ("severity=轻微", {"fresh"}),
    ("breached=1", {"late"}),
    ("breached=0", {"fresh"}),
    ("date_from=2026-11-20", {"fresh"}),
    ("date_to=2026-11-19", {"late"}),
    ("q=恒达", {"late", "fresh"}),
])
def test_filters(desk, login_as, query, expected):
    body = login_as(desk["service"]).get(f"/tickets/?{query}").get_data(as_text=True)
    assert {name for name in ("late", "fresh") if desk[name].number in body} == expected


def test_filter_by_department_assignee_and_customer(desk, login_as):
    client = login_as(desk["service"])
    for query in (f"department_id={desk['tech_department'].id}", f"assignee_id={desk['tech'].id}"):
        body = client.get(f"/tickets/?{query}").get_data(as_text=True)
        assert desk["fresh"].number in body and desk["late"].number not in body
    body = client.get(f"/tickets/?customer_id={desk['customer'].id}&per_page=100000").get_data(as_text=True)
    assert desk["fresh"].number in body and desk["late"].number in body


def test_fragment_for_htmx_and_page_otherwise(desk, login_as, hx):
    client = login_as(desk["service"])
    fragment = client.get("/tickets/?severity=重大", headers=hx).get_data(as_text=True)
    assert "<html" not in fragment and desk["late"].number in fragment
    assert "<html" in client.get("/tickets/?severity=重大").get_data(as_text=True)


def cold_start():
    """The test's app context outlives requests: drop its cached objects and settings so each count starts cold."""
    from flask import g

    db.session.expire_all()
    g.pop("settings", None)


def test_ledger_query_count_does_not_grow_with_rows(desk, login_as, make_ticket, count_queries):
    client = login_as(desk["service"])
    client.get("/tickets/")
    cold_start()
    with count_queries() as few:
        assert client.get("/tickets/").status_code == 200
    for _ in range(12):
        ticket = make_ticket(desk["customer"], desk["service"])
        ticket.dispatch(desk["tech_department"], desk["tech"], desk["service"])
    db.session.commit()
    cold_start()
    with count_queries() as many:
        assert client.get("/tickets/").status_code == 200
    assert many.count == few.count, "\n".join(s[:90] for s in few.statements)


def test_export_is_scoped_and_audited(desk, login_as):
    response = login_as(desk["service"]).get("/tickets/export.xlsx?severity=重大")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "工单号" and [row[0] for row in rows[1:]] == [desk["late"].number]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "read", AuditEntry.record_type == "Ticket"))
    assert entry is not None and "1 条" in entry.note


def test_print_view_lists_the_filtered_tickets(desk, login_as):
    body = login_as(desk["tech"]).get("/tickets/print").get_data(as_text=True)
    assert desk["fresh"].number in body and desk["late"].number not in body


def test_analysis_counts(desk, login_as, make_ticket):
    make_ticket(desk["customer"], desk["service"], category="服务")
    body = login_as(desk["service"]).get("/tickets/analysis").get_data(as_text=True)
    assert "苏州恒达精密机械有限公司" in body  # 3 complaints: a repeat complainer
    assert "<svg" in body and "style=" not in body


def test_intake_creates_a_ticket_and_keeps_input_on_error(desk, login_as):
    client = login_as(desk["service"])
    form = {"customer_id": str(desk["customer"].id), "received_at": "2026-11-24T09:30", "channel": "电话",
            "complainant": "王经理", "contact": "13812345678", "kind": "投诉", "category": "产品", "severity": "重大",
            "description": ""}
    response = client.post("/tickets/new", data=form)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "请填写问题描述" in body and "王经理" in body
    response = client.post("/tickets/new", data={**form, "description": "设备频繁报警"})
    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket).where(Ticket.description == "设备频繁报警"))
    assert ticket.number == "TS20261124-0002" and ticket.received_at == datetime(2026, 11, 24, 9, 30)
    assert ticket.respond_due_at == datetime(2026, 11, 24, 11, 30)


@pytest.mark.parametrize(("contact", "valid"), [
    ("abc", False), ("138abcd5678", False), ("12345", False), ("wang@", False),
    ("13812345678", True), ("+86 138 1234 5678", True), ("0571-88886666", True), ("+86 571 8888 6666", True),
    ("wang@example.cn", True), ("", True),
])
def test_intake_validates_the_contact_like_the_customer_form(desk, login_as, contact, valid):
    client = login_as(desk["service"])
    form = {"customer_id": str(desk["customer"].id), "received_at": "2026-11-24T09:30", "channel": "电话",
            "complainant": "王经理", "contact": contact, "kind": "投诉", "category": "产品", "severity": "一般",
            "description": "设备频繁报警"}
    response = client.post("/tickets/new", data=form)
    if valid:
        assert response.status_code == 303
        assert db.session.scalar(select(Ticket).where(Ticket.description == "设备频繁报警")).contact == contact
    else:
        assert response.status_code == 422
        assert "联系方式应为手机号、带区号的座机" in response.get_data(as_text=True)
        assert db.session.scalar(select(Ticket).where(Ticket.description == "设备频繁报警")) is None


def test_intake_refuses_a_customer_out_of_scope(app, login_as, make_user, make_customer):
    owner, other = make_user("sales"), make_user("sales")
    customer = make_customer(owner=owner)
    response = login_as(other).post("/tickets/new", data={
        "customer_id": str(customer.id), "received_at": "2026-11-24T09:30", "channel": "电话", "complainant": "李",
        "kind": "投诉", "category": "产品", "severity": "一般", "description": "x"})
    assert response.status_code == 422
    assert db.session.scalar(select(Ticket)) is None


def test_customer_search_narrows_options(desk, login_as, make_customer, hx):
    make_customer(name="上海浦江物流有限公司")
    body = login_as(desk["service"]).get("/tickets/customer-search?customer_query=浦江", headers=hx).get_data(as_text=True)
    assert "上海浦江物流有限公司" in body and "苏州恒达" not in body


def test_sort_by_allowed_columns_only(desk, login_as):
    client = login_as(desk["service"])
    body = client.get("/tickets/?sort=-received_at").get_data(as_text=True)
    assert numbers_in_order(body, [desk["late"], desk["fresh"]]) == [desk["fresh"].number, desk["late"].number]
    assert 'aria-sort="descending"' in body
    body = client.get("/tickets/?sort=received_at").get_data(as_text=True)
    assert numbers_in_order(body, [desk["late"], desk["fresh"]]) == [desk["late"].number, desk["fresh"].number]
    assert client.get("/tickets/?sort=password_hash").status_code == 200  # ignored, urgency order


def test_mean_times_per_department_are_hand_computed(desk, make_ticket, frozen_now):
    from portal import clock
    from portal.tickets import queries

    tech, service, department = desk["tech"], desk["service"], desk["tech_department"]
    for confirm_at, resolve_at in ((datetime(2026, 11, 24, 11, 30), datetime(2026, 11, 25, 10, 0)),
                                   (datetime(2026, 11, 24, 12, 30), None)):
        frozen_now.move_to(datetime(2026, 11, 24, 10, 0, tzinfo=clock.LOCAL_TZ))
        ticket = make_ticket(desk["customer"], service)
        ticket.dispatch(department, tech, service)
        frozen_now.move_to(confirm_at.replace(tzinfo=clock.LOCAL_TZ))
        ticket.confirm(tech)
        ticket.start(tech)
        if resolve_at:
            frozen_now.move_to(resolve_at.replace(tzinfo=clock.LOCAL_TZ))
            ticket.resolve(tech, "处理", "其他", "原因")
    db.session.commit()
    rows = queries.department_times(service, date_from=datetime(2026, 11, 24).date())
    # fresh (dispatched, never confirmed) + the two above: responses 1.5 h and 2.5 h, one resolution 24 h.
    assert rows == [{"department": "技术部", "tickets": 3, "respond_hours": 2.0, "resolve_hours": 24.0, "resolved": 1}]


def test_ticket_page_and_fragment(desk, login_as, hx):
    client = login_as(desk["tech"])
    page = client.get(f"/tickets/{desk['fresh'].id}")
    fragment = client.get(f"/tickets/{desk['fresh'].id}", headers=hx)
    assert "<html" in page.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert 'id="ticket-detail"' in fragment.get_data(as_text=True)
    assert "HX-Request" in page.headers["Vary"]
    assert 'data-action="confirm"' in fragment.get_data(as_text=True)  # tech is the assignee: may confirm
    assert 'data-action="start"' not in fragment.get_data(as_text=True)
