"""Which complaint tickets a user may see (DESIGN.md "Who uses it")."""
from sqlalchemy import Select, false, or_, select

from portal.access.departments import department_roles
from portal.database import on_sqlite
from portal.models.auth import User
from portal.models.customers import Customer
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


def visible_ticket_rows(user: User, *columns) -> Select:
    """select(*columns) over the same tickets as visible_tickets(user), the scope written as a test on each
    ticket row and its customer (joined by primary key) instead of an IN list of customer ids. For lists
    that walk their own order index and stop after a page: the IN list of a sales supervisor's 36,500
    customers drove the ledger from the customers and sorted their 18,000 tickets (120 ms); the
    department's own tickets are tested first so a technical supervisor never builds the list at all."""
    from portal.access.customers import customer_row_in_scope, sales_customer_ids, supervisor_condition

    query = select(*columns)
    if user.role in ALL_TICKET_ROLES:
        return query
    if user.role == "tech":
        return query.where(tech_ticket_condition(user))
    with_customer = query.join(Customer, Customer.id == Ticket.customer_id)
    if user.role == "sales":
        if on_sqlite():
            # SQLite would drive from the rep's customers (an OR of three customer indexes) and sort
            # their tickets; `+ 0` leaves it an IN list tested per ticket (as visible_customers does).
            return query.where((Ticket.customer_id + 0).in_(sales_customer_ids(user)))
        return with_customer.where(customer_row_in_scope(user))
    if user.role == "supervisor":
        if user.department_id is None or department_roles(user.department_id) & ALL_TICKET_ROLES:
            return query
        customers = supervisor_condition(user)
        if customers is None:
            return query
        return with_customer.where(or_(Ticket.department_id == user.department_id, customers))
    return query.where(false())
