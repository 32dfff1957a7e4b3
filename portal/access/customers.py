"""Which customers a user may see (DESIGN.md "Who uses it")."""
from sqlalchemy import Select, or_, select, union_all

from portal.access.tickets import tech_ticket_condition
from portal.models.auth import User
from portal.models.customers import Customer, customer_collaborator
from portal.models.tickets import Ticket

ALL_CUSTOMER_ROLES = {"admin", "service", "marketing"}


def owned_by_department(department_id: int):
    return Customer.owner_id.in_(select(User.id).where(User.department_id == department_id))


def visible_customers(user: User) -> Select:
    """Customers in the user's scope, archived included (lists filter those out themselves)."""
    query = select(Customer)
    if user.role in ALL_CUSTOMER_ROLES:
        return query
    if user.role == "supervisor":
        if user.department_id is None:
            return query
        return query.where(or_(owned_by_department(user.department_id), Customer.owner_id.is_(None)))
    if user.role == "sales":
        # One id list from three index lookups (own, pool, collaborations): an OR with a correlated
        # EXISTS cannot use an index, so counting a rep's customers would scan every customer.
        scope_ids = union_all(
            select(Customer.id).where(Customer.owner_id == user.id),
            select(Customer.id).where(Customer.owner_id.is_(None)),
            select(customer_collaborator.c.customer_id).where(customer_collaborator.c.user_id == user.id),
        )
        return query.where(Customer.id.in_(scope_ids))
    # tech: the customers of the tickets dispatched to them or their department.
    return query.where(Customer.id.in_(select(Ticket.customer_id).where(tech_ticket_condition(user))))
