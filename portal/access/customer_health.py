"""Which churn warnings and care actions a user may see: those of customers in scope."""
from sqlalchemy import Select, select

from portal.access.customers import customer_row_in_scope, visible_customer_ids
from portal.models.auth import User
from portal.models.customer_health import CareAction, ChurnWarning
from portal.models.customers import Customer


def visible_warnings(user: User) -> Select:
    """Churn warnings of the (not archived) customers the user may see, customer joined. The scope is a
    test on the joined customer row, so a selective warning filter (escalated, open) drives the query
    instead of an id list of every customer in scope."""
    query = select(ChurnWarning).join(ChurnWarning.customer).where(Customer.archived_at.is_(None))
    condition = customer_row_in_scope(user)
    return query if condition is None else query.where(condition)


def visible_care_actions(user: User) -> Select:
    """Care actions of the customers the user may see."""
    return select(CareAction).where(CareAction.customer_id.in_(visible_customer_ids(user)))
