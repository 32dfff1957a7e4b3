"""What the knowledge area adds to 我的工作台: unread announcements stay on the work list until read."""
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func

from portal.extensions import db
from portal.knowledge import queries
from portal.workbench.sections import WorkItem, WorkSection, register_work_section

SECTION_ROWS = 5


@register_work_section(5)
def unread_announcements(user, _today) -> WorkSection | None:
    """企业公告 the user has not read yet (every role); two queries however many there are."""
    query = queries.unread_announcements(user)
    rows = list(db.session.scalars(query.limit(SECTION_ROWS)))
    if not rows:
        return None
    total = len(rows) if len(rows) < SECTION_ROWS else db.session.scalar(
        query.with_only_columns(func.count()).order_by(None))
    items = [WorkItem(title=a.title, url=url_for("knowledge.announcement_detail", announcement_id=a.id),
                      due=a.posted_at, status_word=_("未读"), tone="amber") for a in rows]
    return WorkSection(key="announcements", title=_("企业公告"), total=total, items=items,
                       more_url=url_for("knowledge.announcements"), empty_text=_("没有未读公告"))
