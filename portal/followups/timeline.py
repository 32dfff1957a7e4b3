"""Follow-ups on the customer timeline (one query each, however long the history)."""
from flask import url_for
from flask_babel import gettext as _
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
            kind=_("跟进"),
            title=(_("%(method)s跟进（补录）", method=_(f.method)) if f.is_late
                   else _("%(method)s跟进", method=_(f.method))),
            detail=(_("%(content)s；下一步：%(next)s", content=f.content[:200], next=f.next_action) if f.next_action
                    else f.content[:200]),
            url=url_for("followups.detail", followup_id=f.id),
            actor=f.author.display_name if f.author else "",
        )
        for f in db.session.scalars(query)
    ]
