"""节假日安排: the company's holidays and make-up workdays, which take precedence over the
chinese-calendar package (it knows 2004–2026; the State Council publishes each year in November)."""
from datetime import date

from flask import Blueprint, abort, flash, make_response, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal import clock
from portal.admin.holiday_forms import HolidayRangeForm
from portal.auth.permissions import guard_area
from portal.calendar import work_calendar, LOOKAHEAD_DAYS, is_provisional, provisional_reason, unknown_years
from portal.extensions import db, htmx
from portal.followups.services import move_due_dates_off_days_off
from portal.tickets.services import recompute_open_deadlines
from portal.models.settings import HolidayOverride
from portal.rules.workdays import known_by_package
from portal.web import redirect_after_post, render_page_or_fragment

bp = Blueprint("holidays", __name__, url_prefix="/admin/holidays")
guard_area(bp, "admin")


@bp.app_context_processor
def calendar_warning_helpers():
    def unknown_calendar_years() -> list[int]:
        return unknown_years(clock.today(), LOOKAHEAD_DAYS)

    return {"unknown_calendar_years": unknown_calendar_years}


# Globals (not context) so the 暂定 macro works inside imported macros and fragments alike.
bp.add_app_template_global(is_provisional, "is_provisional_date")
bp.add_app_template_global(provisional_reason, "provisional_reason")


def selected_year() -> int:
    year = request.args.get("year", type=int) or clock.today().year
    return year if 2000 <= year <= 2100 else clock.today().year


def page_context(form: HolidayRangeForm, year: int) -> dict:
    rows = db.session.scalars(
        select(HolidayOverride).where(HolidayOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(HolidayOverride.day)
    ).all()
    return {
        "form": form, "year": year, "rows": rows, "package_knows": known_by_package(year),
        "years": range(clock.today().year - 1, clock.today().year + 3),
    }


@bp.route("/", methods=["GET", "POST"])
def index():
    """The year's entered holidays and make-up workdays, and a form to add a range; admins only."""
    form = HolidayRangeForm()
    year = selected_year()
    if form.validate_on_submit():
        is_workday = form.kind.data == "workday"
        for day in form.days():
            row = db.session.get(HolidayOverride, day)
            if row is None:
                db.session.add(HolidayOverride(day=day, is_workday=is_workday, note=form.note.data or ""))
            else:
                row.is_workday, row.note = is_workday, form.note.data or ""
        db.session.flush()
        if not is_workday:
            move_due_dates_off_days_off(form.days(), work_calendar())
        recompute_open_deadlines(min(form.days()))
        db.session.commit()
        flash(_("已保存 %(n)s 天的安排", n=len(form.days())), "success")
        return redirect_after_post(url_for("holidays.index", year=form.start.data.year))
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("admin/holidays.html", "admin/_holiday_table.html", status,
                                   **page_context(form, year))


@bp.post("/<day>/delete")
def delete(day: str):
    """Remove one entered day (the package or Monday–Friday applies again); admins only."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    row = db.session.get(HolidayOverride, parsed)
    if row is None:
        abort(404)
    db.session.delete(row)
    db.session.flush()
    recompute_open_deadlines(parsed)
    db.session.commit()
    if htmx:
        return make_response("", 200)
    flash(_("已删除 %(day)s 的安排", day=parsed.isoformat()), "success")
    return redirect_after_post(url_for("holidays.index", year=parsed.year))
