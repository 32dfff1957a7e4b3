"""Read queries of the customer-health area; every list starts from portal.access."""
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, extract, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.access.customer_health import visible_care_actions, visible_warnings
from portal.access.customers import visible_customers
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.customer_health import (
    WARNING_HANDLED,
    WARNING_OPEN,
    CareAction,
    ChurnWarning,
    CustomerHealth,
    CustomerHealthMonth,
)
from portal.models.customers import Customer
from portal.reports.periods import MONTH_NAMES
from portal.rules import health as rules
from portal.settings_store import get_setting

HISTORY_MONTHS = 12
CARE_LOOKAHEAD_DAYS = 7


@dataclass
class HealthView:
    row: CustomerHealth | None
    lines: list[str]
    history: list[tuple[str, int | None]]
    warning: ChurnWarning | None
    care_actions: list[CareAction]


def contributions(factors: dict) -> list[rules.Contribution]:
    """The stored factors as contributions, in FACTORS order (shares as weighed when scored)."""
    result = []
    for code in rules.FACTORS:
        if code not in factors:
            continue
        value, words, share = factors[code]
        factor = rules.Factor(code, value, words)
        result.append(rules.Contribution(factor, share, share * 100 * (value or 0.0)))
    return result


def month_starts(today: date, months: int = HISTORY_MONTHS) -> list[date]:
    first = today.replace(day=1)
    starts = []
    for _month in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return list(reversed(starts))


def customer_health_view(user: User, customer: Customer, today: date) -> HealthView:
    """Score, factor lines, 12 months of history, the current warning episode and recent care (4 queries)."""
    row = db.session.get(CustomerHealth, customer.id)
    months = month_starts(today)
    stored = dict(db.session.execute(select(CustomerHealthMonth.month, CustomerHealthMonth.score).where(
        CustomerHealthMonth.customer_id == customer.id, CustomerHealthMonth.month >= months[0])).all())
    history = [(_(MONTH_NAMES[m.month - 1]), stored.get(m)) for m in months]
    warning = db.session.scalar(select(ChurnWarning).where(ChurnWarning.customer_id == customer.id)
                                .order_by(ChurnWarning.raised_at.desc()).limit(1))
    care = list(db.session.scalars(visible_care_actions(user).where(CareAction.customer_id == customer.id)
                                   .options(joinedload(CareAction.author))
                                   .order_by(CareAction.done_at.desc()).limit(5)))
    lines = [rules.contribution_words(c, _) for c in contributions(row.factors)] if row else []
    return HealthView(row, lines, history, warning, care)


def warning_list(user: User, status: str, owner: str) -> Select:
    """Warnings in the user's scope: open ones (default), escalated, not yet recovered, or all."""
    query = visible_warnings(user).options(contains_eager(ChurnWarning.customer).joinedload(Customer.owner))
    if status == "open":
        query = query.where(ChurnWarning.status == WARNING_OPEN)
    elif status == "escalated":
        query = query.where(ChurnWarning.status == WARNING_OPEN, ChurnWarning.escalated_at.is_not(None))
    elif status == "active":
        query = query.where(ChurnWarning.recovered_at.is_(None))
    if owner == "me":
        query = query.where(Customer.owner_id == user.id)
    return query.order_by(ChurnWarning.handle_by, ChurnWarning.id)


def at_risk_list(user: User, level: str, today: date) -> Select:
    """A supervisor's department: customers at 风险 or in a warning episode, with last month's score for
    the trend and the last contact. Rows: (Customer, CustomerHealth, last month's score, ChurnWarning)."""
    previous_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    last_month = select(CustomerHealthMonth.customer_id, CustomerHealthMonth.score).where(
        CustomerHealthMonth.month == previous_month).subquery()
    query = (visible_customers(user)
             .join(CustomerHealth, CustomerHealth.customer_id == Customer.id)
             .outerjoin(ChurnWarning, and_(ChurnWarning.customer_id == Customer.id, ChurnWarning.recovered_at.is_(None)))
             .outerjoin(last_month, last_month.c.customer_id == Customer.id)
             .add_columns(CustomerHealth, last_month.c.score, ChurnWarning)
             .options(joinedload(Customer.owner))
             .where(Customer.archived_at.is_(None)))
    if level:
        query = query.where(CustomerHealth.level == level)
    else:
        query = query.where(or_(CustomerHealth.level == rules.AT_RISK, ChurnWarning.id.is_not(None)))
    return query.order_by(CustomerHealth.score.asc().nulls_last(), Customer.id)


def care_days(today: date) -> list[date]:
    """Today and the CARE_LOOKAHEAD_DAYS after it: the window in which a care date is worth a reminder."""
    return [today + timedelta(days=n) for n in range(CARE_LOOKAHEAD_DAYS + 1)]


def care_date_condition(days: list[date]):
    """The key contact's birthday or the company's anniversary falls on one of `days`, whatever the year
    (the work list's 关怀日期 and the care suggestions read the same window)."""
    def on_one_of(column):
        return or_(*(and_(extract("month", column) == day.month, extract("day", column) == day.day) for day in days))

    return or_(on_one_of(Customer.key_contact_birthday), on_one_of(Customer.company_anniversary))


def care_suggestions(user: User, today: date, limit: int = 5) -> tuple[int, list[tuple[Customer, str, bool]]]:
    """The user's own customers with a care date (key contact's birthday, company anniversary) within
    the next 7 days, and those with an open churn warning: (total, first rows with the reason in the
    reader's language and whether it is a warning)."""
    mine = (Customer.owner_id == user.id, Customer.archived_at.is_(None))
    dated = select(Customer).where(*mine, care_date_condition(care_days(today)))
    warned = select(Customer).join(ChurnWarning, ChurnWarning.customer_id == Customer.id).where(
        *mine, ChurnWarning.status.in_((WARNING_OPEN, WARNING_HANDLED)), ChurnWarning.recovered_at.is_(None))
    rows: list[tuple[Customer, str, bool]] = []
    # Counted first, rows read only where the count found some: most owners have no care date this
    # week, and the work list then runs two statements instead of four.
    dated_total = db.session.scalar(select(func.count()).select_from(dated.subquery())) or 0
    warned_total = db.session.scalar(select(func.count()).select_from(warned.subquery())) or 0
    # `id + 0`: ordered by the primary key, PostgreSQL walked every customer hoping for early matches
    # (78 ms when none has a care date this week); this way it reads the owner's rows and sorts those.
    first = Customer.id + 0
    if dated_total:
        for customer in db.session.scalars(dated.order_by(first).limit(limit)):
            rows.append((customer, care_date_reason(customer, today), False))
    if warned_total and len(rows) < limit:
        for customer in db.session.scalars(warned.order_by(first).limit(limit)):
            rows.append((customer, _("流失预警"), True))
    return dated_total + warned_total, rows[:limit]


def care_date_reason(customer: Customer, today: date) -> str:
    """关键联系人生日 12-05 / 公司周年 12-05 (the nearer one)."""
    for label, day in ((N_("关键联系人生日 %(day)s"), customer.key_contact_birthday),
                       (N_("公司周年 %(day)s"), customer.company_anniversary)):
        if day is None:
            continue
        if any((day.month, day.day) == (near.month, near.day) for near in care_days(today)):
            return _(label, day=day.strftime("%m-%d"))
    return _("关怀日")


def health_thresholds() -> dict[str, int]:
    return dict(get_setting("health_thresholds"))
