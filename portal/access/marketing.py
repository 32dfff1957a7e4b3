"""Which activities, participants and competitors a user may see (marketing area).

Activities and competitors are company-wide records: every role of the marketing area sees them all
(managers change them, sales and service read them). Participants are customers, so the rows a user
sees are those whose customer is in the user's own customer scope: a rep reading an activity sees
only their own (and pool) customers in it.
"""
from sqlalchemy import Select, false, select
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from portal.access.customers import customer_row_in_scope
from portal.auth.permissions import AREA_ROLES
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.marketing import Activity, ActivityParticipant, Competitor


def visible_activities(user: User) -> Select:
    """Activities a user may open: all of them for the area's roles, none otherwise."""
    query = select(Activity)
    return query if user.role in AREA_ROLES["marketing"] else query.where(false())


def tested_row_by_row(condition: ColumnElement) -> ColumnElement:
    """The same condition with each `column IN (SELECT x FROM …)` written as `EXISTS (SELECT x FROM … AND
    x = column)`: a few thousand rows are then each checked through an index instead of building the
    whole scope as a list first (技术部's supervisor: every customer with a ticket, ~40k ids, from a
    scan of 50k tickets, once per statement)."""
    def correlate(element, **_kw):
        if isinstance(element, BinaryExpression) and element.operator is operators.in_op \
                and isinstance(element.right, ScalarSelect) and len(element.right.element.selected_columns) == 1:
            subquery = element.right.element
            return subquery.where(subquery.selected_columns[0] == element.left).exists()
        return None

    return visitors.replacement_traverse(condition, {}, correlate)


def customer_in_scope(user: User) -> ColumnElement | None:
    """The user's customer scope as a row-by-row test on a joined customer (None: every customer), for
    pages that show a bounded set of customers (an activity's participants or leads)."""
    condition = customer_row_in_scope(user)
    return None if condition is None else tested_row_by_row(condition)


def visible_participants(user: User, activity_id: int) -> Select:
    """An activity's participant rows whose customer is in the user's scope.

    The rows are found from the activity and each one's customer is tested, never the scope listed first
    (5,000-person fair as 技术部's supervisor, loaded machine: participant count 333 → 16 ms, the page's
    SQL 759 → 24 ms)."""
    query = select(ActivityParticipant).where(ActivityParticipant.activity_id == activity_id)
    condition = customer_in_scope(user)
    if condition is None:
        return query  # every customer: the count stays on the participant index
    return query.join(Customer, Customer.id == ActivityParticipant.customer_id).where(condition)


def visible_competitors(user: User) -> Select:
    """Competitor records: everyone in the marketing area reads them."""
    query = select(Competitor)
    return query if user.role in AREA_ROLES["marketing"] else query.where(false())
