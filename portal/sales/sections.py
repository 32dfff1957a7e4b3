"""What the sales area puts on 我的工作台: quotes waiting for approval (managers), instalments due
within 7 days (their owner) and overdue ones (the owner's supervisor). A count and the first rows each."""
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from portal.access import sales as access
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer
from portal.auth.permissions import can_name_after_sales_owner
from portal.models.sales import AfterSalesHandover, Order, PaymentInstalment, Quote
from portal.rules.ageing import DUE_SOON_DAYS
from portal.workbench.sections import WorkItem, WorkSection, register_work_section

FIRST_ROWS = 8


def count_of(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


def count_instalments(*conditions) -> int:
    """How many unsettled instalments match, from the instalment indexes alone (no joins)."""
    return db.session.scalar(select(func.count(PaymentInstalment.id))
                             .where(PaymentInstalment.settled.is_(False), *conditions)) or 0


@register_work_section(20)
def quotes_to_approve(user: User, today: date) -> WorkSection | None:
    """待审批报价: quotes with a line below floor price, for supervisors and admins."""
    if user.role not in {"supervisor", "admin"}:
        return None
    query = (access.approvable_quotes(user).join(Quote.customer).options(contains_eager(Quote.customer))
             .where(Quote.status == "待审批", Quote.owner_id != user.id))
    rows = db.session.scalars(query.order_by(Quote.created_at, Quote.id).limit(FIRST_ROWS)).all()
    items = [WorkItem(title=_("%(customer)s · 报价 ¥%(amount)s", customer=q.customer.name, amount=format(q.total, ",.2f")),
                      url=url_for("sales.quote", quote_id=q.id), due=q.quoted_on, status_word=_("待审批"), tone="amber",
                      detail=_("含低于底价的报价行")) for q in rows]
    return WorkSection(key="quotes_to_approve", title=_("待审批报价（低于底价）"), total=count_of(query), items=items,
                       empty_text=_("没有待审批的报价。"))


def instalment_rows(query, total: int) -> list:
    """The first rows by due date, read only when the (cheap, owner-indexed) count found any: with none,
    SQLite would walk the due-date index over every open instalment looking for the team's (27 ms)."""
    if not total:
        return []
    return db.session.execute(query.order_by(PaymentInstalment.due_on, PaymentInstalment.id).limit(FIRST_ROWS)).all()


def instalment_query():
    return (select(PaymentInstalment, Order.number, Customer.name)
            .join(Order, Order.id == PaymentInstalment.order_id).join(Customer, Customer.id == Order.customer_id)
            .where(PaymentInstalment.settled.is_(False)))


def instalment_item(instalment, number: str, customer_name: str, today: date) -> WorkItem:
    days = (instalment.due_on - today).days
    if days < 0:
        word, tone = _("逾期%(n)s天", n=-days), "red"
    elif days == 0:
        word, tone = _("今日到期"), "amber"
    else:
        word, tone = _("%(n)s天后到期", n=days), "grey"
    return WorkItem(title=f"{customer_name} · {number}", url=url_for("sales.order", order_id=instalment.order_id),
                    due=instalment.due_on, status_word=word, tone=tone,
                    detail=_("应收 ¥%(amount)s", amount=format(instalment.amount - instalment.paid_amount, ",.2f")))


@register_work_section(22)
def instalments_due_soon(user: User, today: date) -> WorkSection | None:
    """7天内到期回款: the owner's unsettled instalments due from today to 7 days ahead."""
    if user.role not in {"sales", "supervisor"}:
        return None
    conditions = (PaymentInstalment.owner_id == user.id, PaymentInstalment.due_on >= today,
                  PaymentInstalment.due_on <= today + timedelta(days=DUE_SOON_DAYS))
    total = count_instalments(*conditions)
    rows = instalment_rows(instalment_query().where(*conditions), total)
    return WorkSection(key="instalments_due", title=_("%(n)s天内到期回款", n=DUE_SOON_DAYS), total=total,
                       items=[instalment_item(*row, today) for row in rows], more_url=url_for("sales.receivables"),
                       empty_text=_("%(n)s天内没有到期的回款计划。", n=DUE_SOON_DAYS))


@register_work_section(24)
def instalments_overdue(user: User, today: date) -> WorkSection | None:
    """逾期回款（主管）: overdue instalments of the department's orders."""
    if user.role != "supervisor":
        return None
    conditions = (PaymentInstalment.due_on < today, access.instalment_owner_condition(user))
    total = count_instalments(*conditions)
    rows = instalment_rows(instalment_query().where(*conditions), total)
    return WorkSection(key="instalments_overdue", title=_("团队逾期回款"), total=total,
                       items=[instalment_item(*row, today) for row in rows], more_url=url_for("sales.receivables"),
                       empty_text=_("团队没有逾期回款。"))


@register_work_section(26)
def after_sales_to_name(user: User, today: date) -> WorkSection | None:
    """待指定售后跟踪责任人: customers whose first order was signed and who have no after-sales owner yet."""
    if user.role not in {"supervisor", "admin"} or not can_name_after_sales_owner(user):
        return None
    query = (select(AfterSalesHandover, Customer.name).join(Customer, Customer.id == AfterSalesHandover.customer_id)
             .where(AfterSalesHandover.owner_id.is_(None)))
    rows = db.session.execute(query.order_by(AfterSalesHandover.created_at, AfterSalesHandover.customer_id)
                              .limit(FIRST_ROWS)).all()
    items = [WorkItem(title=name, url=url_for("sales.after_sales_owner", customer_id=h.customer_id),
                      due=h.created_at, status_word=_("待指定"), tone="amber",
                      detail=_("首单已签约，请指定客服部的售后跟踪责任人")) for h, name in rows]
    return WorkSection(key="after_sales_to_name", title=_("成交客户跟踪：待指定售后责任人"), total=count_of(query),
                       items=items, empty_text=_("没有待指定售后跟踪责任人的成交客户。"))
