"""Which customers a user may see (DESIGN.md "Who uses it")."""
from sqlalchemy import CompoundSelect, Select, func, or_, select, union_all

from portal.access.departments import department_members, department_roles
from portal.access.tickets import tech_ticket_condition
from portal.database import on_sqlite
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer, customer_collaborator
from portal.models.tickets import Ticket

ALL_CUSTOMER_ROLES = {"admin", "service", "marketing"}
TICKET_SCOPE_PROBE_ROWS = 2_000


def owned_by_department(department_id: int):
    return Customer.owner_id.in_(select(User.id).where(User.department_id == department_id))


def visible_customers(user: User, for_sorted_list: bool = False) -> Select:
    """Customers in the user's scope, archived included (lists filter those out themselves).

    `for_sorted_list`: a list that walks its sort index and stops after a page. A rep's scope (~13,500
    of 100,000 customers) is then written so the database can test it row by row instead of driving
    the query from the id list and sorting the whole scope: SQLite as `customer.id + 0 IN (...)` (page
    50: 37 → 9 ms), PostgreSQL as a test on the row (customer_row_in_scope; page 1: 53 → see bench).
    A technician's ticket customers are then tested the same way (ticket_customers)."""
    query = select(Customer)
    if user.role in ALL_CUSTOMER_ROLES:
        return query
    if user.role == "supervisor":
        condition = supervisor_condition(user, for_sorted_list)
        return query if condition is None else query.where(condition)
    if user.role == "sales":
        if for_sorted_list and not on_sqlite():
            return query.where(customer_row_in_scope(user))
        member = Customer.id + 0 if for_sorted_list else Customer.id
        return query.where(member.in_(sales_customer_ids(user)))
    # tech: the customers of the tickets dispatched to them or their department.
    return query.where(ticket_customers(tech_ticket_condition(user), for_sorted_list))


def ticket_customers(tickets, for_sorted_list: bool = False, customer_id=Customer.id):
    """Customers of the tickets matching `tickets` (what technicians and their supervisor see).

    A tech department is dispatched most tickets (bench: 39,000 of 100,000 customers). Built as an id
    list, that scope costs a full read of the ticket table and a 39,000-entry list on every request; a
    list that walks its sort index instead tests each row with an EXISTS on ix_ticket_customer_received
    and stops after a page (技术支持 page 50: 37 → 12 ms of CPU; 技术主管 follow-ups: 448 → 28 ms of SQL).
    When few tickets match (a technician outside a department, a small department), the walk would read
    the whole index to fill a page (155 ms for an empty scope), so a capped probe keeps those on the id
    list. `customer_id`: the column tested, the customer's own id or another record's (a technician's
    order list: 技术支持 157 → see bench ms over HTTP)."""
    if for_sorted_list and matches_many_tickets(tickets):
        return select(Ticket.id).where(Ticket.customer_id == customer_id, tickets).exists()
    return customer_id.in_(select(Ticket.customer_id).where(tickets))


def matches_many_tickets(tickets) -> bool:
    """More than TICKET_SCOPE_PROBE_ROWS tickets match: a wide scope stops there (0.5 ms); a narrow one
    reads what its id list reads anyway."""
    probe = select(Ticket.id).where(tickets).limit(TICKET_SCOPE_PROBE_ROWS + 1)
    return db.session.scalar(select(func.count()).select_from(probe.subquery())) > TICKET_SCOPE_PROBE_ROWS


def sees_every_customer(user: User) -> bool:
    """No customer is out of this user's scope (service, marketing, admin; a supervisor of such staff)."""
    return user.role in ALL_CUSTOMER_ROLES or (user.role == "supervisor" and supervisor_condition(user) is None)


def supervisor_condition(user: User, for_sorted_list: bool = False):
    """A supervisor sees at least what their department's staff see (None: every customer): the
    department's customers and the pool, plus whatever the staff's roles add — all customers when
    the department has service or marketing staff, the staff's collaborations, the customers of
    tickets dispatched to the department or its technicians."""
    if user.department_id is None:
        return None
    roles = department_roles(user.department_id)
    if roles & ALL_CUSTOMER_ROLES:
        return None
    members = department_members(user.department_id)
    conditions = [Customer.owner_id.in_(members), Customer.owner_id.is_(None)]
    if "sales" in roles:
        conditions.append(Customer.id.in_(
            select(customer_collaborator.c.customer_id).where(customer_collaborator.c.user_id.in_(members))))
    if "tech" in roles:
        dispatched = or_(Ticket.department_id == user.department_id, Ticket.assignee_id.in_(members))
        conditions.append(ticket_customers(dispatched, for_sorted_list))
    return or_(*conditions)


def sales_customer_ids(user: User) -> CompoundSelect:
    """A rep's customers as one id list from three index lookups (own, pool, collaborations): an OR
    with a correlated EXISTS cannot use an index, so counting a rep's customers would scan them all."""
    return union_all(
        select(Customer.id).where(Customer.owner_id == user.id),
        select(Customer.id).where(Customer.owner_id.is_(None)),
        select(customer_collaborator.c.customer_id).where(customer_collaborator.c.user_id == user.id),
    )


def customer_row_in_scope(user: User):
    """The user's scope as a test on a customer row the query already joins (None: every customer).
    Lists of other records that walk their own sort index use it on PostgreSQL: each candidate's
    customer is checked by primary key and the walk stops after a page, where an IN list of a rep's
    13,500 customer ids becomes a hash join over all of them and a sort (follow-ups: 155 ms)."""
    if user.role == "sales":
        collaborations = select(customer_collaborator.c.customer_id).where(customer_collaborator.c.user_id == user.id)
        return or_(Customer.owner_id == user.id, Customer.owner_id.is_(None), Customer.id.in_(collaborations))
    return visible_customers(user, for_sorted_list=True).whereclause


def customer_in_scope(user: User, customer_id):
    """The user's scope as a test on another record's customer id column (None: every customer): a
    correlated lookup of that customer by primary key. Lists that walk their own sort index use it on
    SQLite, where the same test on a joined customer row makes SQLite build a Bloom filter over the
    whole customer table first (技术主管's follow-ups: 50 ms before the first row)."""
    condition = customer_row_in_scope(user)
    if condition is None:
        return None
    return select(Customer.id).where(Customer.id == customer_id, condition).correlate_except(Customer).exists()


def visible_customer_ids(user: User) -> Select | CompoundSelect:
    """Ids of the customers in the user's scope, for IN (...) filters on other records. For a rep, the id
    list itself: wrapped in a customer-table select it costs ~12 ms more per query at 100k customers."""
    if user.role == "sales":
        return sales_customer_ids(user)
    return visible_customers(user).with_only_columns(Customer.id).order_by(None)
