"""Read queries of the followups area; every one starts from the scoped queries in portal.access."""
from datetime import datetime, time, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager

from portal.access.followups import visible_deals, visible_followups
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.followups import Deal, FollowUp

CUSTOMER_SECTION_LIMIT = 10
EXPORT_LIMIT = 20000
AUTHOR_ROLES = ("sales", "service", "supervisor", "admin")


def filtered_followups(user: User, filters: dict) -> Select:
    """Follow-ups in the user's scope matching the list filters, newest contact first, with customer and author."""
    query = (
        visible_followups(user)
        .join(FollowUp.customer)
        .outerjoin(FollowUp.author)
        .options(contains_eager(FollowUp.customer), contains_eager(FollowUp.author))
    )
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
    """The customer's latest follow-ups with their authors (one query), for its page."""
    query = (
        visible_followups(user)
        .where(FollowUp.customer_id == customer.id)
        .outerjoin(FollowUp.author)
        .options(contains_eager(FollowUp.author))
        .order_by(FollowUp.contacted_at.desc(), FollowUp.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def customer_deals(user: User, customer: Customer) -> list[Deal]:
    """The customer's deals, newest signed first, with owners (one query)."""
    query = (
        visible_deals(user)
        .where(Deal.customer_id == customer.id)
        .outerjoin(Deal.owner)
        .options(contains_eager(Deal.owner))
        .order_by(Deal.signed_on.desc(), Deal.id.desc())
    )
    return list(db.session.scalars(query))
