"""暂定: working-day due dates in a year nobody has entered (2027 on 2026-11-24) are marked where shown,
with the reason for their owners; the admins' banner looks 90 days ahead whatever the other settings."""
from datetime import date, datetime

from portal.calendar import is_provisional, provisional_reason
from portal.extensions import db
from portal.models.revisits import RevisitTask
from portal.models.settings import HolidayOverride
from portal.settings_store import save_setting
from portal.tickets.services import create_ticket

BANNER = "2027 年的法定节假日与调休安排尚未录入"
REASON = "2027 年的法定节假日与调休安排尚未录入，此期限暂按周一至周五计算"
MARK = "status status-amber provisional"


def enter_2027(day=date(2027, 1, 1)):
    db.session.add(HolidayOverride(day=day, is_workday=False, note="元旦"))
    db.session.commit()


def test_one_module_answers_is_this_date_provisional(app, frozen_now):
    assert is_provisional(date(2027, 1, 5)) is True
    assert is_provisional(datetime(2027, 1, 5, 10, 0)) is True
    assert is_provisional(date(2026, 12, 31)) is False
    assert is_provisional(None) is False
    assert provisional_reason(date(2026, 12, 31)) == ""
    assert REASON in provisional_reason(date(2027, 1, 5))
    enter_2027()
    assert is_provisional(date(2027, 1, 5)) is False


def test_banner_looks_ninety_days_ahead_for_admins_only(app, frozen_now, login_as, make_user):
    save_setting("dormant_days", 10)  # the look-ahead is its own, not borrowed from another rule
    db.session.commit()
    admin = login_as(make_user("admin"))
    assert BANNER in admin.get("/").get_data(as_text=True)
    assert BANNER not in login_as(make_user("service")).get("/").get_data(as_text=True)
    frozen_now.move_to(datetime(2026, 9, 1, 10, 0))  # + 90 days = 2026-11-30: nothing unknown yet
    assert BANNER not in login_as(make_user("admin")).get("/").get_data(as_text=True)


def test_ticket_deadline_in_2027_is_marked_for_its_people(app, frozen_now, login_as, make_user, new_customer,
                                                         make_department):
    frozen_now.move_to(datetime(2026, 12, 28, 10, 0))
    service = make_user("service")
    customer = new_customer(service)
    late = create_ticket(customer=customer, kind="投诉", category="产品", severity="一般", description="年底报修",
                         by=service, received_at=datetime(2026, 12, 28, 10, 0))
    early = create_ticket(customer=customer, kind="投诉", category="产品", severity="重大", description="今日报修",
                          by=service, received_at=datetime(2026, 12, 24, 10, 0))
    db.session.commit()
    assert late.resolve_due_at == datetime(2027, 1, 4, 10, 0) and early.resolve_due_at == datetime(2026, 12, 28, 10, 0)
    client = login_as(service)
    detail = client.get(f"/tickets/{late.id}").get_data(as_text=True)
    assert MARK in detail and REASON in detail
    assert MARK not in client.get(f"/tickets/{early.id}").get_data(as_text=True)
    ledger = client.get("/tickets/").get_data(as_text=True)
    assert ledger.count(MARK) == 1 and f'title="{REASON}' in ledger
    assert MARK in client.get("/tickets/print").get_data(as_text=True)
    enter_2027()
    assert MARK not in login_as(service).get(f"/tickets/{late.id}").get_data(as_text=True)


def test_follow_up_next_due_in_2027_is_marked_on_list_and_file(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    due_2027 = new_customer(sales, next_due_on=date(2027, 1, 4))
    due_2026 = new_customer(sales, next_due_on=date(2026, 12, 4))
    client = login_as(sales)
    listing = client.get("/customers/").get_data(as_text=True)
    assert listing.count(MARK) == 1
    page = client.get(f"/customers/{due_2027.id}").get_data(as_text=True)
    assert MARK in page and REASON in page
    assert MARK not in client.get(f"/customers/{due_2026.id}").get_data(as_text=True)


def test_revisit_due_date_in_2027_is_marked(app, frozen_now, login_as, make_user, new_customer):
    service = make_user("service")
    customer = new_customer(service)
    task = RevisitTask(customer=customer, assignee=service, due_on=date(2027, 1, 6), trigger="registration",
                       unique_key="test:provisional")
    db.session.add(task)
    db.session.commit()
    client = login_as(service)
    page = client.get(f"/revisits/tasks/{task.id}").get_data(as_text=True)
    assert MARK in page and REASON in page
    assert MARK in client.get("/revisits/?due=all").get_data(as_text=True)


def test_entering_the_year_recounts_open_ticket_deadlines(app, frozen_now, login_as, make_user, new_customer):
    frozen_now.move_to(datetime(2026, 12, 28, 10, 0))
    service = make_user("service")
    ticket = create_ticket(customer=new_customer(service), kind="投诉", category="产品", severity="一般",
                           description="年底报修", by=service, received_at=datetime(2026, 12, 28, 10, 0))
    db.session.commit()
    assert ticket.resolve_due_at == datetime(2027, 1, 4, 10, 0)  # 12-29, 12-30, 12-31, 01-01 (Fri), 01-04
    admin = login_as(make_user("admin"))
    assert admin.post("/admin/holidays/", data={"start": "2027-01-01", "kind": "holiday", "note": "元旦"}).status_code == 303
    db.session.refresh(ticket)
    assert ticket.resolve_due_at == datetime(2027, 1, 5, 10, 0)
    assert any(e.kind == "调整时限" and "2027-01-05 10:00" in e.note for e in ticket.events)
    assert admin.post("/admin/holidays/2027-01-01/delete").status_code == 303
    db.session.refresh(ticket)
    assert ticket.resolve_due_at == datetime(2027, 1, 4, 10, 0)
