"""What the marketing area adds to the work list: the user's own activities running now or starting soon."""
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import N_
from portal.models.marketing import PLANNED, RUNNING, Activity
from portal.web import count_rows
from portal.workbench.sections import WorkItem, WorkSection, register_work_section

SHOWN = 5
SOON_DAYS = 7


@register_work_section(50)
def my_activities_section(user, today: date) -> WorkSection | None:
    """Marketing staff: their activities in progress, or planned to start within a week (or overdue to start)."""
    if user.role != "marketing":
        return None
    query = select(Activity).where(
        Activity.owner_id == user.id,
        ((Activity.status == RUNNING) | ((Activity.status == PLANNED) & (Activity.starts_on <= today + timedelta(days=SOON_DAYS)))))
    total = count_rows(query)
    items = []
    for activity in db.session.scalars(query.order_by(Activity.starts_on, Activity.id).limit(SHOWN)):
        if activity.status == RUNNING:
            word, tone = (_("进行中，已过结束日期") if activity.ends_on < today else _("进行中")), ("red" if activity.ends_on < today else "green")
        elif activity.starts_on < today:
            word, tone = _("已过开始日期，尚未开始"), "red"
        else:
            days = (activity.starts_on - today).days
            word, tone = (_("今日开始") if days == 0 else _("%(days)s天后开始", days=days)), ("amber" if days <= 1 else "grey")
        items.append(WorkItem(title=activity.theme, url=url_for("marketing.detail", activity_id=activity.id),
                              due=activity.starts_on, status_word=word, tone=tone,
                              detail=f"{_(activity.kind)} · {activity.region or '—'}"))
    # Title and empty text are msgids: the work list translates them when it renders the section.
    return WorkSection(key="marketing_activities", title=N_("我的市场活动（进行中及7天内开始）"), total=total, items=items,
                       more_url=url_for("marketing.index", owner=user.id), empty_text=N_("近期没有进行中或即将开始的活动"))
