"""What customer health adds to 我的工作台: my churn warnings with their reasons, the warnings that
reached me as supervisor, and care suggestions. Each section runs a count and one page of rows."""
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from portal.access.customer_health import visible_warnings
from portal.customer_health import queries
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.customer_health import WARNING_OPEN, ChurnWarning
from portal.models.customers import Customer
from portal.rules.health import translated_words
from portal.web import count_rows
from portal.workbench.sections import WorkItem, WorkSection, register_work_section

SHOWN = 5
OWNER_ROLES = frozenset({"sales", "service", "supervisor", "admin"})


def reasons_text(reasons: list[str]) -> str:
    """A warning's stored reasons in the reader's language, as one line."""
    return _("；").join(translated_words(reason, _) for reason in reasons)


def warning_item(warning: ChurnWarning, today: date) -> WorkItem:
    if warning.handle_by < today:
        word, tone = _("逾期%(n)s天", n=(today - warning.handle_by).days), "red"
    else:
        word, tone = _("%(date)s前处理", date=warning.handle_by.isoformat()), "amber"
    return WorkItem(title=_("流失预警 %(name)s", name=warning.customer.name),
                    url=url_for("customers.detail", customer_id=warning.customer_id),
                    due=warning.handle_by, status_word=word, tone=tone, detail=reasons_text(warning.reasons))


@register_work_section(15)
def my_churn_warnings(user, today: date) -> WorkSection | None:
    """My customers' open churn warnings, with reasons; a follow-up or care action handles one."""
    if user.role not in OWNER_ROLES:
        return None
    # The customer's current owner: a handover moves its open warning with it.
    query = (select(ChurnWarning).join(ChurnWarning.customer).options(contains_eager(ChurnWarning.customer))
             .where(Customer.owner_id == user.id, Customer.archived_at.is_(None),
                    ChurnWarning.status == WARNING_OPEN))
    total = count_rows(query)
    if not total:
        return None
    warnings = db.session.scalars(query.order_by(ChurnWarning.handle_by, ChurnWarning.id).limit(SHOWN))
    return WorkSection(key="churn_warnings", title=N_("流失预警（请跟进或关怀）"), total=total,
                       items=[warning_item(w, today) for w in warnings],
                       more_url=url_for("customer_health.warnings"))


@register_work_section(16)
def escalated_churn_warnings(user, today: date) -> WorkSection | None:
    """Warnings of my department left unhandled for 5 working days reach me as supervisor."""
    if user.role not in {"supervisor", "admin"}:
        return None
    query = visible_warnings(user).options(contains_eager(ChurnWarning.customer)).where(
        ChurnWarning.status == WARNING_OPEN, ChurnWarning.escalated_at.is_not(None))
    total = count_rows(query)
    if not total:
        return None
    warnings = db.session.scalars(query.order_by(ChurnWarning.handle_by, ChurnWarning.id).limit(SHOWN))
    return WorkSection(key="escalated_churn_warnings", title=N_("流失预警（超5个工作日未处理）"), total=total,
                       items=[warning_item(w, today) for w in warnings],
                       more_url=url_for("customer_health.warnings", status="escalated", owner="all"))


@register_work_section(17)
def care_suggestions(user: User, today: date) -> WorkSection | None:
    """客户关怀 suggestions: care dates in the coming week and customers with a churn warning."""
    if user.role not in OWNER_ROLES:
        return None
    total, rows = queries.care_suggestions(user, today, SHOWN)
    if not total:
        return None
    items = [WorkItem(title=_("关怀 %(name)s", name=customer.name),
                      url=url_for("customer_health.care_create", customer_id=customer.id),
                      status_word=reason, tone="amber" if warned else "green", detail=reason)
             for customer, reason, warned in rows]
    return WorkSection(key="care_suggestions", title=N_("客户关怀建议"), total=total, items=items)
