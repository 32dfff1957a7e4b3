"""Which complaint tickets a user may see (DESIGN.md "Who uses it")."""
from sqlalchemy import Select, false, or_, select

from portal.access.departments import department_roles
from portal.models.auth import User
from portal.models.tickets import Ticket

ALL_TICKET_ROLES = {"admin", "service"}


def tech_ticket_condition(user: User):
    """Tickets dispatched to this user or to their department."""
    if user.department_id is None:
        return Ticket.assignee_id == user.id
    return or_(Ticket.assignee_id == user.id, Ticket.department_id == user.department_id)


def visible_tickets(user: User) -> Select:
    """Tickets in the user's scope: service/admin all; tech dispatched to them or their department;
    sales those of customers they see; supervisors their department's customers' or dispatched there."""
    from portal.access.customers import visible_customer_ids

    query = select(Ticket)
    if user.role in ALL_TICKET_ROLES:
        return query
    if user.role == "tech":
        return query.where(tech_ticket_condition(user))
    if user.role == "sales":
        return query.where(Ticket.customer_id.in_(visible_customer_ids(user)))
    if user.role == "supervisor":
        # At least what the department's staff see: service staff see every ticket.
        if user.department_id is None or department_roles(user.department_id) & ALL_TICKET_ROLES:
            return query
        return query.where(or_(Ticket.customer_id.in_(visible_customer_ids(user)),
                               Ticket.department_id == user.department_id))
    return query.where(false())
