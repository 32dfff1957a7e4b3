"""What customer health adds to 我的工作台: my churn warnings with their reasons, the warnings that
reached me as supervisor, and care suggestions. Each section runs a count and one page of rows."""
from datetime import date

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from portal.access.customer_health import visible_warnings
from portal.customer_health import queries
from portal.extensions import db
from portal.models.auth import User
from portal.models.customer_health import WARNING_OPEN, ChurnWarning
from portal.models.customers import Customer
from portal.web import count_rows
from portal.workbench.sections import WorkItem, WorkSection, register_work_section

SHOWN = 5
OWNER_ROLES = frozenset({"sales", "service", "supervisor", "admin"})


def warning_item(warning: ChurnWarning, today: date) -> WorkItem:
    if warning.handle_by < today:
        word, tone = f"逾期{(today - warning.handle_by).days}天", "red"
    else:
        word, tone = f"{warning.handle_by.isoformat()}前处理", "amber"
    return WorkItem(title=f"流失预警 {warning.customer.name}",
                    url=url_for("customers.detail", customer_id=warning.customer_id),
                    due=warning.handle_by, status_word=word, tone=tone, detail="；".join(warning.reasons))


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
    return WorkSection(key="churn_warnings", title="流失预警（请跟进或关怀）", total=total,
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
    return WorkSection(key="escalated_churn_warnings", title="流失预警（超5个工作日未处理）", total=total,
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
    items = [WorkItem(title=f"关怀 {customer.name}", url=url_for("customer_health.care_create", customer_id=customer.id),
                      status_word=reason, tone="amber" if reason == "流失预警" else "green", detail=reason)
             for customer, reason in rows]
    return WorkSection(key="care_suggestions", title="客户关怀建议", total=total, items=items)
