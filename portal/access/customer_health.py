"""Which churn warnings, care actions and health rows a user may see: those of customers in scope."""
from sqlalchemy import Select, select

from portal.access.customers import visible_customer_ids
from portal.models.auth import User
from portal.models.customer_health import CareAction, ChurnWarning
from portal.models.customers import Customer


def visible_warnings(user: User) -> Select:
    """Churn warnings of the customers the user may see, customer joined."""
    return (select(ChurnWarning).join(ChurnWarning.customer)
            .where(ChurnWarning.customer_id.in_(visible_customer_ids(user)), Customer.archived_at.is_(None)))


def visible_care_actions(user: User) -> Select:
    """Care actions of the customers the user may see."""
    return select(CareAction).where(CareAction.customer_id.in_(visible_customer_ids(user)))
