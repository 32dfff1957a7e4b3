"""Read queries of the followups area; every one starts from the scoped queries in portal.access."""
from datetime import datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from portal.access.customers import customer_in_scope, customer_row_in_scope, visible_customer_ids
from portal.database import on_sqlite
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.followups import FollowUp

CUSTOMER_SECTION_LIMIT = 10
EXPORT_LIMIT = 20000
AUTHOR_ROLES = ("sales", "service", "supervisor", "admin")
TICKET_SCOPED_ROLES = ("tech", "supervisor")


def scope_for_list(user: User, filters: dict):
    """visible_followups' condition, written so that an unfiltered list walks the contact-time index.

    Every role sees at least the pool's share of all follow-ups (a rep: 135k of 1M), so walking
    ix_follow_up_contacted_order newest first stops after a few hundred rows for a page of 50.
    SQLite, given a plain `customer_id IN (scope)`, reads every follow-up of every customer in scope
    through ix_follow_up_customer_contacted and sorts them (80 ms); `customer_id + 0` keeps it off that
    index. PostgreSQL hashes the id list and sorts (155 ms), or with `+ 0` loops over the list per row
    (105 ms); it walks the index when the scope is a test on the joined customer row (ms). A customer
    keyword (a rare name: few customers), a person (their own index) or 补录 only (rare: the walk would
    read the whole index, 1.6 s) is answered faster the planner's way, so those keep the plain form.
    A scope built from tickets (a technician, a supervisor of technicians: ~45,000 customers) costs
    SQLite 80 ms as an id list; it is tested per row by primary key instead (customer_in_scope)."""
    if not on_sqlite():
        return customer_row_in_scope(user)
    if filters.get("customer") or filters.get("author_id") or filters.get("timeliness") == "late":
        return FollowUp.customer_id.in_(visible_customer_ids(user))
    if user.role in TICKET_SCOPED_ROLES:
        return customer_in_scope(user, FollowUp.customer_id)
    return (FollowUp.customer_id + 0).in_(visible_customer_ids(user))


def filtered_followups(user: User, filters: dict) -> Select:
    """Follow-ups in the user's scope matching the list filters, newest contact first, with customer and author."""
    query = (
        select(FollowUp)
        .join(FollowUp.customer)
        .outerjoin(FollowUp.author)
        .options(contains_eager(FollowUp.customer), contains_eager(FollowUp.author))
    )
    scope = scope_for_list(user, filters)
    if scope is not None:
        query = query.where(scope)
    if filters.get("author_id"):
        query = query.where(FollowUp.author_id == filters["author_id"])
    if filters.get("method"):
        query = query.where(FollowUp.method == filters["method"])
    if filters.get("date_from"):
        query = query.where(FollowUp.contacted_at >= datetime.combine(filters["date_from"], time.min))
    if filters.get("date_to"):
        query = query.where(FollowUp.contacted_at < datetime.combine(filters["date_to"] + timedelta(days=1), time.min))
    if filters.get("customer"):
        keyword = filters["customer"].strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Customer.name.like(f"%{keyword}%", escape="\\") | (Customer.code == filters["customer"].strip()))
    if filters.get("timeliness") == "late":
        query = query.where(FollowUp.is_late.is_(True))
    elif filters.get("timeliness") == "on_time":
        query = query.where(FollowUp.is_late.is_(False))
    return query.order_by(FollowUp.contacted_at.desc(), FollowUp.id.desc())


def filter_values(form) -> dict:
    """Valid filter values only: a bad value in the query string is ignored, never widens scope."""
    form.validate()
    values = {name: field.data for name, field in form._fields.items() if not field.errors and field.data}
    if "author_id" in values:
        values["author_id"] = int(values["author_id"])
    return values


def author_choices(user: User) -> list[User]:
    """People the user may filter by: themselves (sales), their department (supervisor), or everyone."""
    if user.role == "sales":
        return [user]
    query = select(User).where(User.role.in_(AUTHOR_ROLES)).order_by(User.display_name)
    if user.role == "supervisor" and user.department_id is not None:
        query = query.where(User.department_id == user.department_id)
    return list(db.session.scalars(query))


def customer_followups(user: User, customer: Customer, limit: int = CUSTOMER_SECTION_LIMIT) -> list[FollowUp]:
    """The customer's latest follow-ups with their authors (one query), for its page.

    `customer` was loaded through the user's scope (its page is a 404 otherwise), and a follow-up is
    visible exactly when its customer is (portal.access.followups): filtering by the customer alone
    saves building the list of every customer in scope (a rep: 13.5k ids, 13 ms) on each page view."""
    query = (
        select(FollowUp)
        .where(FollowUp.customer_id == customer.id)
        .outerjoin(FollowUp.author)
        .options(contains_eager(FollowUp.author))
        .order_by(FollowUp.contacted_at.desc(), FollowUp.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
