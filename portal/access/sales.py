"""Which selling records a user may see (issue 13 "Roles"):

- sales: records of the customers they own or collaborate on (pool customers have no sales records
  of theirs to show);
- supervisor: customers owned by their department (everything without a department);
- admin: everything;
- service and tech: orders (read-only) of the customers they may see; tech sees amounts only where the
  field-visibility mapping allows (portal.auth.permissions.can_see_order_amounts);
- marketing: no individual orders or opportunities, only totals (portal.sales.queries).
Quotes follow the customer: everyone who may see a customer sees every quote it received.
"""
from sqlalchemy import CompoundSelect, Select, false, select, union

from portal.access.customers import owned_by_department, sees_every_customer, ticket_customers, visible_customer_ids
from portal.access.tickets import tech_ticket_condition
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer, customer_collaborator
from portal.models.sales import Invoice, Opportunity, Order, Payment, PaymentInstalment, Quote

ORDER_READERS = frozenset({"service", "tech"})
FEW_ROWS = 1000


def selling_customer_ids(user: User) -> Select | CompoundSelect | None:
    """Customer ids whose selling records the user works with; None = every customer (admin, a
    supervisor without a department)."""
    if user.role == "admin" or (user.role == "supervisor" and user.department_id is None):
        return None
    if user.role == "supervisor":
        return select(Customer.id).where(owned_by_department(user.department_id))
    if user.role == "sales":
        return union(select(Customer.id).where(Customer.owner_id == user.id),
                     select(customer_collaborator.c.customer_id).where(customer_collaborator.c.user_id == user.id))
    return select(Customer.id).where(false())


def _scoped(model, user: User, walks_sort_index: bool = False) -> Select:
    """Sales: by customer (own + collaborated). Supervisors: by the record's owner 业务员 in their
    department, which the (owner_id, …) indexes answer directly; a department's customers are owned by
    its members, so the two agree except for records a colleague elsewhere owns.

    `walks_sort_index` (supervisors): for a list that walks its sort index and stops after a page, the
    owner is written `owner_id + 0` so the database tests it per row instead of reading the whole
    department's records through an owner index and sorting them."""
    if is_department_scope(user):
        owner = model.owner_id + 0 if walks_sort_index else model.owner_id
        return select(model).where(owner.in_(select(User.id).where(User.department_id == user.department_id)))
    ids = selling_customer_ids(user)
    query = select(model)
    return query if ids is None else query.where(model.customer_id.in_(ids))


def visible_opportunities(user: User) -> Select:
    """Opportunities: sales own + collaborated customers, supervisors their department, admin all."""
    return _scoped(Opportunity, user)


def visible_opportunities_for_list(user: User, walks_sort_index: bool) -> Select:
    """visible_opportunities for a paged list. A department's: listed by id when it holds few; otherwise,
    when the list is sorted by an index and not filtered, tested per row while walking that index
    (销售一部's 8,900 of 30,000 opportunities read through the owner index and sorted: 60-80 ms;
    walking ix_opportunity_updated stops after ~170 rows: 0.4 ms)."""
    query = visible_opportunities(user)
    if not is_department_scope(user):
        return query
    narrowed = by_id_when_few(query, Opportunity.id)
    return _scoped(Opportunity, user, walks_sort_index=True) if narrowed is query and walks_sort_index else narrowed


def visible_orders(user: User) -> Select:
    """Orders: the selling scope; service and tech read those of the customers they may see; marketing none."""
    if user.role in ORDER_READERS:
        if sees_every_customer(user):
            return select(Order)  # an IN over every customer would only make the list sort all orders
        return select(Order).where(Order.customer_id.in_(visible_customer_ids(user)))
    return _scoped(Order, user)


def visible_orders_for_list(user: User) -> Select:
    """visible_orders for a list that pages through a sort: listed by id when a department owns few; a
    technician's orders tested per row against their tickets while the list walks its date index (the
    customer-id list of a department's 50,000 tickets cost a scan of them on every request)."""
    if user.role == "tech":
        return select(Order).where(ticket_customers(tech_ticket_condition(user), True, Order.customer_id))
    query = visible_orders(user)
    return by_id_when_few(query, Order.id) if is_department_scope(user) else query


def is_department_scope(user: User) -> bool:
    return user.role == "supervisor" and user.department_id is not None


def by_id_when_few(scope: Select, id_column) -> Select:
    """A scoped list narrowed to its ids when the scope holds at most FEW_ROWS rows.

    A sorted page walks the sort index and tests the scope on each row until it has a page: quick when
    the scope is a good share of the table (销售一部: 0.1 ms), a walk over every row when it holds few or
    none (the 客服/技术/市场 supervisors own no orders: 60,000 orders read, 56 ms; no expenses: 80,000,
    86 ms). Reading up to FEW_ROWS ids from the scope's own index first (≤ 0.3 ms) lets the page
    read those rows by primary key and sort at most FEW_ROWS of them (≤ 3.3 ms), on either database."""
    ids = db.session.scalars(scope.with_only_columns(id_column).order_by(None).limit(FEW_ROWS + 1)).all()
    return scope if len(ids) > FEW_ROWS else scope.where(id_column.in_(ids))


def visible_order_ids(user: User) -> Select:
    return visible_orders(user).with_only_columns(Order.id).order_by(None)


def visible_quotes(user: User) -> Select:
    """Quotes of every customer the user may see (so nobody quotes a different price unknowingly)."""
    return select(Quote).where(Quote.customer_id.in_(visible_customer_ids(user)))


def visible_payments(user: User) -> Select:
    return select(Payment).where(Payment.order_id.in_(visible_order_ids(user)))


def visible_invoices(user: User) -> Select:
    return select(Invoice).where(Invoice.order_id.in_(visible_order_ids(user)))


def visible_instalments(user: User) -> Select:
    return select(PaymentInstalment).where(PaymentInstalment.order_id.in_(visible_order_ids(user)))


def approvable_quotes(user: User) -> Select:
    """Quotes a manager may decide on: those of customers in their selling scope (department)."""
    return _scoped(Quote, user)


def instalment_owner_condition(user: User):
    """Receivables by the responsible 业务员 (what the ageing table and reminders count): a rep their own
    instalments, a supervisor their department's, admins all (None). Narrower than visible_orders, and
    answered from the (owner_id, settled, due_on) index instead of a customer-id list."""
    from sqlalchemy import true

    if user.role == "admin" or (user.role == "supervisor" and user.department_id is None):
        return true()
    if user.role == "supervisor":
        return PaymentInstalment.owner_id.in_(select(User.id).where(User.department_id == user.department_id))
    if user.role == "sales":
        return PaymentInstalment.owner_id == user.id
    return false()
