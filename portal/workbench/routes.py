"""The home page every role lands on: 我的工作台, and the top-bar reminder count."""
from flask import Blueprint
from flask_login import current_user

from portal import clock
from portal.auth.permissions import guard_area
from portal.web import render_page_or_fragment
from portal.workbench import followups as followup_sections  # noqa: F401  (registers its sections)
from portal.workbench import reminders
from portal.workbench.sections import work_sections

bp = Blueprint("workbench", __name__)
guard_area(bp, "workbench")


@bp.get("/")
def index():
    """我的工作台: each area's work sections for the signed-in user (supervisors: their team too)."""
    today = clock.today()
    return render_page_or_fragment("workbench/index.html", "workbench/_sections.html",
                                   sections=work_sections(current_user, today), today=today)


@bp.get("/reminders/count")
def reminders_count():
    """The top-bar reminder count (everything waiting for the signed-in user), polled every minute."""
    count = reminders.reminders_total(current_user, clock.today())
    return render_page_or_fragment("workbench/reminders.html", "workbench/_reminders_count.html", count=count)
