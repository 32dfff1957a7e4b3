"""Acting on a 我的工作台 row in place, for any area's section.

A section gives a WorkItem a `row_id` and `actions` (sections.RowAction). The work list renders each
action as a link that opens the area's own form under the row (htmx GET with `worklist=1`) or as a
POST button. The area's view answers a valid work-list save with `row_done(...)`: the row leaves (or
is replaced, e.g. by the next task's form), a confirmation with a link to the record is announced in
the page's aria-live region, and every section count and the 提醒 badge are swapped out of band.

Without JS the same URLs are plain pages: the form carries `worklist=1` and the view redirects back to
the work list with a flash message (`redirect_to_worklist`).
"""
from flask import flash, make_response, render_template, request, url_for
from flask_login import current_user

from portal import clock
from portal.web import redirect_after_post
from portal.workbench.sections import WorkSection, work_sections

WORKLIST_FIELD = "worklist"
SHOWN_FIELD = "work_sections"  # the section keys on screen, sent along by every row action


def from_worklist() -> bool:
    """The form was opened from (and is being posted back to) a work-list row."""
    return request.values.get(WORKLIST_FIELD) == "1"


def redirect_to_worklist(message: str):
    """The no-JS answer to a work-list save: back to 我的工作台 with the confirmation."""
    flash(message, "success")
    return redirect_after_post(url_for("workbench.index"))


def row_done(message: str, record_url: str | None = None, record_label: str = "", replacement: str = "",
             remove_ids: tuple[str, ...] = ()):
    """The htmx answer to a work-list save: `replacement` takes the row's place (empty: the row
    leaves); the confirmation, all section counts and the 提醒 badge ride along out of band."""
    sections = work_sections(current_user, clock.today())
    # Sections on screen that no longer apply (a builder returns None when nothing waits) drop to 0.
    shown = {key for key in request.values.get(SHOWN_FIELD, "").split(",") if key}
    emptied = sorted(shown - {section.key for section in sections})
    html = replacement + render_template(
        "workbench/_row_done.html", message=message, record_url=record_url, record_label=record_label,
        sections=sections + [WorkSection(key=key, title="", total=0) for key in emptied],
        reminders=sum(section.total for section in sections if section.reminder), remove_ids=remove_ids)
    response = make_response(html)
    response.headers["HX-Retarget"] = "closest .work-item"
    response.headers["HX-Reswap"] = "outerHTML"
    return response
