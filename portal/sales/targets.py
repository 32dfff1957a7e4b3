"""Monthly sales targets 销售目标 and 目标完成率 (orders signed in the month ÷ target)."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.auth import User
from portal.models.sales import Order, SalesTarget
from portal.rules.funnel import ratio
from portal.sales.services import Refused


def next_month(first: date) -> date:
    return first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)


def team(user: User) -> list[User]:
    """Whose targets the user sees: a rep their own; a supervisor their department's reps; admins every rep."""
    query = select(User).where(User.role == "sales", User.is_active_user.is_(True)).order_by(User.display_name)
    if user.role == "sales":
        query = query.where(User.id == user.id)
    elif user.role == "supervisor" and user.department_id is not None:
        query = query.where(User.department_id == user.department_id)
    return list(db.session.scalars(query))


def target_rows(user: User, first: date) -> list[tuple[User, Decimal | None, Decimal, Decimal | None]]:
    """(rep, target, actual, 目标完成率) for the month; two queries."""
    people = team(user)
    ids = [person.id for person in people]
    targets = dict(db.session.execute(select(SalesTarget.user_id, SalesTarget.amount)
                                      .where(SalesTarget.month == first, SalesTarget.user_id.in_(ids))).all())
    actual = dict(db.session.execute(
        select(Order.owner_id, func.sum(Order.total))
        .where(Order.owner_id.in_(ids), Order.signed_on >= first, Order.signed_on < next_month(first),
               Order.status != "已取消").group_by(Order.owner_id)).all())
    rows = []
    for person in people:
        target = targets.get(person.id)
        done = Decimal(actual.get(person.id) or 0).quantize(Decimal("0.01"))
        rows.append((person, target, done, ratio(done, target) if target else None))
    return rows


def save_targets(user: User, first: date, form) -> int:
    """Write the posted `target-<user id>` amounts for the team (others ignored); audited. No commit."""
    saved = 0
    for person in team(user):
        raw = (form.get(f"target-{person.id}") or "").strip().replace(",", "")
        if not raw:
            continue
        try:
            amount = Decimal(raw).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise Refused(_("%(name)s 的目标金额无效", name=person.display_name)) from None
        if amount < 0 or amount > Decimal("999999999999"):
            raise Refused(_("%(name)s 的目标金额应在0到9999亿之间", name=person.display_name))
        row = db.session.scalar(select(SalesTarget).where(SalesTarget.user_id == person.id, SalesTarget.month == first))
        if row is None:
            db.session.add(SalesTarget(user_id=person.id, month=first, amount=amount, set_by_id=user.id))
        elif row.amount != amount:
            row.amount, row.set_by_id = amount, user.id
        saved += 1
    return saved
