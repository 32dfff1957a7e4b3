"""Next-due arithmetic on the customer row: cadence, next action, 调休 weekends, national holidays,
deadlines running into 2027 with and without the admin's calendar, and grade changes."""
from datetime import date, datetime

import pytest

from portal.calendar import work_calendar
from portal.extensions import db
from portal.followups import services
from portal.models.settings import HolidayOverride
from portal.workbench.followups import escalation_cutoff


def record(customer, author, contacted_at, next_action_on=None):
    data = {"contacted_at": contacted_at, "method": "电话", "content": "电话沟通需求",
            "next_action": "发送报价" if next_action_on else "", "next_action_on": next_action_on}
    followup = services.record_followup(customer, author, data)
    db.session.commit()
    return followup


@pytest.mark.parametrize(
    ("grade", "contacted", "next_action_on", "expected"),
    [
        # 2026-09-13 + 7 days = Sunday 2026-09-20, a make-up workday (调休): stays on the Sunday.
        ("A", datetime(2026, 9, 13, 10, 0), None, date(2026, 9, 20)),
        # An ordinary Sunday rolls to Monday: 2026-11-08 (Sun) -> 2026-11-09.
        ("A", datetime(2026, 11, 1, 10, 0), None, date(2026, 11, 9)),
        # 2026-09-24 + 7 = 2026-10-01, National Day; 10-01..10-07 are holidays -> Thursday 2026-10-08.
        ("A", datetime(2026, 9, 24, 10, 0), None, date(2026, 10, 8)),
        # 2026-10-03 + 7 = Saturday 2026-10-10, a make-up workday: stays.
        ("A", datetime(2026, 10, 3, 10, 0), None, date(2026, 10, 10)),
        # Next action on Mid-Autumn Friday 2026-09-25 is earlier than cadence; 09-26/27 weekend -> Monday 09-28.
        ("B", datetime(2026, 9, 22, 10, 0), date(2026, 9, 25), date(2026, 9, 28)),
        # Cadence earlier than the recorded next action: C 30 days from 2026-11-02 = 2026-12-02 (Wed).
        ("C", datetime(2026, 11, 2, 10, 0), date(2026, 12, 20), date(2026, 12, 2)),
    ],
)
def test_next_due_across_holidays(app, new_customer, make_user, grade, contacted, next_action_on, expected):
    sales = make_user("sales")
    customer = new_customer(sales, grade=grade)
    record(customer, sales, contacted, next_action_on)
    assert customer.last_contacted_at == contacted
    assert customer.next_due_on == expected


def test_deadline_into_2027_without_admin_calendar_uses_weekdays(app, new_customer, make_user):
    sales = make_user("sales")
    customer = new_customer(sales, grade="C")
    record(customer, sales, datetime(2026, 12, 2, 10, 0))  # + 30 days = Friday 2027-01-01
    assert work_calendar().year_is_known(2027) is False
    assert customer.next_due_on == date(2027, 1, 1)


def test_deadline_into_2027_with_admin_calendar(app, new_customer, make_user):
    sales = make_user("sales")
    db.session.add(HolidayOverride(day=date(2027, 1, 1), is_workday=False, note="元旦"))
    db.session.commit()
    customer = new_customer(sales, grade="C")
    record(customer, sales, datetime(2026, 12, 2, 10, 0))
    # 2027-01-01 entered as holiday; 01-02/03 weekend -> Monday 2027-01-04.
    assert customer.next_due_on == date(2027, 1, 4)


def test_admin_make_up_workday_in_2027_is_honoured(app, new_customer, make_user):
    sales = make_user("sales")
    db.session.add(HolidayOverride(day=date(2027, 1, 9), is_workday=True, note="调休上班"))
    db.session.commit()
    customer = new_customer(sales, grade="A")
    record(customer, sales, datetime(2026, 12, 30, 10, 0),
           next_action_on=date(2027, 1, 9))
    # Cadence: 2026-12-30 + 7 = Wednesday 2027-01-06, earlier than the Saturday next action.
    assert customer.next_due_on == date(2027, 1, 6)
    assert work_calendar().is_workday(date(2027, 1, 9)) is True


def test_grade_change_recomputes_next_due(app, new_customer, make_user):
    sales = make_user("sales")
    customer = new_customer(sales, grade="C")
    record(customer, sales, datetime(2026, 11, 24, 9, 0))
    assert customer.next_due_on == date(2026, 12, 24)  # Thursday
    customer.grade = "A"
    db.session.commit()
    assert customer.next_due_on == date(2026, 12, 1)  # Tuesday
    customer.grade = "B"
    db.session.commit()
    assert customer.next_due_on == date(2026, 12, 8)


def test_later_record_of_an_earlier_contact_does_not_move_last_contact_back(app, new_customer, make_user):
    sales = make_user("sales")
    customer = new_customer(sales, grade="A")
    record(customer, sales, datetime(2026, 11, 20, 9, 0))
    record(customer, sales, datetime(2026, 11, 10, 9, 0))
    assert customer.last_contacted_at == datetime(2026, 11, 20, 9, 0)
    assert customer.next_due_on == date(2026, 11, 27)


def test_escalation_cutoff_plain_week(app):
    # Tuesday 11-24 counts 11-24, 11-23 (Mon), 11-20 (Fri): a due date of 11-19 or earlier is 3+ working days late.
    assert escalation_cutoff(work_calendar(), date(2026, 11, 24), 3) == date(2026, 11, 19)
    assert work_calendar().workdays_between(date(2026, 11, 19), date(2026, 11, 24)) == 3
    assert work_calendar().workdays_between(date(2026, 11, 20), date(2026, 11, 24)) == 2


def test_escalation_cutoff_across_national_day(app):
    # Friday 2026-10-09: working days 10-09, 10-08, then 10-01..10-07 are holidays, then 09-30.
    assert escalation_cutoff(work_calendar(), date(2026, 10, 9), 3) == date(2026, 9, 29)
    calendar = work_calendar()
    assert calendar.workdays_between(date(2026, 9, 29), date(2026, 10, 9)) == 3
    assert calendar.workdays_between(date(2026, 9, 30), date(2026, 10, 9)) == 2
