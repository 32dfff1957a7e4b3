"""节假日安排: admins enter a year's holidays and make-up workdays; the banner warns until then."""
from datetime import date

from sqlalchemy import select

from portal.calendar import unknown_years, work_calendar
from portal.extensions import db
from portal.models.settings import HolidayOverride

BANNER = "2027 年的法定节假日与调休安排尚未录入"


def test_banner_for_admins_until_2027_is_entered(app, frozen_now, login_as, make_user):
    admin = login_as(make_user("admin"))
    # Today 2026-11-24 + 90 days (dormant_days) runs into 2027, which chinese-calendar 1.11.0 does not know.
    assert unknown_years(date(2026, 11, 24), 90) == [2027]
    assert BANNER in admin.get("/").get_data(as_text=True)
    assert BANNER not in login_as(make_user("sales")).get("/").get_data(as_text=True)

    response = admin.post("/admin/holidays/", data={"start": "2027-01-01", "end": "2027-01-03", "kind": "holiday",
                                                    "note": "元旦"})
    assert response.status_code == 303
    response = admin.post("/admin/holidays/", data={"start": "2027-02-20", "kind": "workday", "note": "春节调休"})
    assert response.status_code == 303
    rows = db.session.scalars(select(HolidayOverride).order_by(HolidayOverride.day)).all()
    assert [(r.day, r.is_workday, r.note) for r in rows] == [
        (date(2027, 1, 1), False, "元旦"), (date(2027, 1, 2), False, "元旦"), (date(2027, 1, 3), False, "元旦"),
        (date(2027, 2, 20), True, "春节调休")]
    assert BANNER not in admin.get("/").get_data(as_text=True)
    calendar = work_calendar()
    assert calendar.is_workday(date(2027, 2, 20)) is True  # a Saturday made a workday
    assert calendar.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)

    page = admin.get("/admin/holidays/?year=2027").get_data(as_text=True)
    assert "2027-02-20" in page and "调休上班" in page


def test_invalid_range_is_422(app, frozen_now, login_as, make_user):
    admin = login_as(make_user("admin"))
    response = admin.post("/admin/holidays/", data={"start": "2027-01-05", "end": "2027-01-01", "kind": "holiday"})
    assert response.status_code == 422
    assert "结束日期不能早于开始日期" in response.get_data(as_text=True)
    assert db.session.scalar(select(HolidayOverride)) is None


def test_delete_entered_day(app, frozen_now, login_as, make_user, hx):
    db.session.add(HolidayOverride(day=date(2027, 1, 1), is_workday=False, note="元旦"))
    db.session.commit()
    admin = login_as(make_user("admin"))
    response = admin.post("/admin/holidays/2027-01-01/delete", headers=hx)
    assert response.status_code == 200 and response.get_data(as_text=True) == ""
    assert db.session.scalar(select(HolidayOverride)) is None
    assert admin.post("/admin/holidays/not-a-date/delete").status_code == 404


def test_entering_a_holiday_moves_follow_up_due_dates_on_it(app, frozen_now, login_as, make_user, new_customer):
    # A C-grade cadence (30 calendar days) from 2026-12-02 lands on Friday 2027-01-01, counted Mon–Fri.
    sales = make_user("sales")
    on_new_year = new_customer(sales, next_due_on=date(2027, 1, 1))
    next_week = new_customer(sales, next_due_on=date(2027, 1, 5))
    admin = login_as(make_user("admin"))
    assert admin.post("/admin/holidays/", data={"start": "2027-01-01", "end": "2027-01-01", "kind": "holiday",
                                                "note": "元旦"}).status_code == 303
    db.session.refresh(on_new_year)
    db.session.refresh(next_week)
    assert on_new_year.next_due_on == date(2027, 1, 4)  # the holiday's due date moves to the next working day
    assert next_week.next_due_on == date(2027, 1, 5)
