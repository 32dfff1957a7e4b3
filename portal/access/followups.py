"""Which follow-up records a user may see: those of the customers in their scope."""
from sqlalchemy import Select, select

from portal.access.customers import visible_customer_ids
from portal.models.auth import User
from portal.models.followups import FollowUp


def visible_followups(user: User) -> Select:
    """Follow-ups of the customers the user may see (sales: own, collaborated and pool customers)."""
    return select(FollowUp).where(FollowUp.customer_id.in_(visible_customer_ids(user)))
