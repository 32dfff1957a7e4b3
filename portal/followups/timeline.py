"""Follow-ups on the customer timeline (one query each, however long the history)."""
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models.followups import FollowUp
from portal.timeline import TimelineEvent, register_timeline_source


@register_timeline_source
def followup_events(customer, limit: int) -> list[TimelineEvent]:
    """The customer's follow-ups, newest contact first; 补录 ones say so."""
    query = (
        select(FollowUp).where(FollowUp.customer_id == customer.id).options(joinedload(FollowUp.author))
        .order_by(FollowUp.contacted_at.desc(), FollowUp.id.desc()).limit(limit)
    )
    return [
        TimelineEvent(
            at=f.contacted_at,
            kind="跟进",
            title=f"{f.method}跟进" + ("（补录）" if f.is_late else ""),
            detail=f.content[:200] + (f"；下一步：{f.next_action}" if f.next_action else ""),
            url=url_for("followups.detail", followup_id=f.id),
            actor=f.author.display_name if f.author else "",
        )
        for f in db.session.scalars(query)
    ]
