"""The inputs of the health score, one small set-based query per input.

Each returns {customer_id: value} for every customer (`ids=None`, the nightly job: one GROUP BY, no
per-customer query) or for the given ids (rescoring one customer after an event). Cooperation scale and
payment timeliness read orders 订单 and their payment plans (cancelled orders left out).
"""
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select, union_all

from portal.extensions import db
from portal.models.customer_health import CareAction
from portal.models.customers import Customer
from portal.models.sales import Order, PaymentInstalment
from portal.models.followups import FollowUp
from portal.models.revisits import RevisitRecord
from portal.models.tickets import Ticket
from portal.rules.health import COMPLAINT_WINDOW_DAYS, INTERACTION_WINDOW_DAYS, SATISFACTION_WINDOW_DAYS

COMPLETED_REVISIT = "完成"


def _only(column, ids):
    return [column.in_(ids)] if ids is not None else []


def scored_customers(ids=None) -> list:
    """Customers the job scores: not archived, not merged away. Rows (id, grade, created_at,
    total_deal_amount, owner_id, stage)."""
    query = select(Customer.id, Customer.grade, Customer.created_at, Customer.total_deal_amount, Customer.owner_id,
                   Customer.stage).where(Customer.archived_at.is_(None), Customer.merged_into_id.is_(None),
                                         *_only(Customer.id, ids))
    return list(db.session.execute(query))


def interaction_counts(now: datetime, ids=None) -> dict[int, tuple[int, int]]:
    """(last 90 days, the 90 before) of follow-ups, completed revisits and care actions per customer."""
    recent, start = now - timedelta(days=INTERACTION_WINDOW_DAYS), now - timedelta(days=2 * INTERACTION_WINDOW_DAYS)
    sources = [
        select(FollowUp.customer_id.label("customer_id"), FollowUp.contacted_at.label("at"))
        .where(FollowUp.contacted_at >= start, FollowUp.contacted_at <= now, *_only(FollowUp.customer_id, ids)),
        select(RevisitRecord.customer_id, RevisitRecord.revisited_at)
        .where(RevisitRecord.revisited_at >= start, RevisitRecord.revisited_at <= now,
               RevisitRecord.outcome == COMPLETED_REVISIT, *_only(RevisitRecord.customer_id, ids)),
        select(CareAction.customer_id, CareAction.done_at)
        .where(CareAction.done_at >= start, CareAction.done_at <= now, *_only(CareAction.customer_id, ids)),
    ]
    contacts = union_all(*sources).subquery()
    at = contacts.c.at
    query = select(contacts.c.customer_id, func.sum(case((at >= recent, 1), else_=0)),
                   func.sum(case((at < recent, 1), else_=0))).group_by(contacts.c.customer_id)
    return {customer_id: (int(last), int(previous)) for customer_id, last, previous in db.session.execute(query)}


def complaint_counts(now: datetime, ids=None) -> dict[int, dict[str, int]]:
    """Complaint tickets 投诉 received in the last 180 days, per customer and severity."""
    query = (select(Ticket.customer_id, Ticket.severity, func.count())
             .where(Ticket.kind == "投诉", Ticket.received_at >= now - timedelta(days=COMPLAINT_WINDOW_DAYS),
                    Ticket.received_at <= now, *_only(Ticket.customer_id, ids))
             .group_by(Ticket.customer_id, Ticket.severity))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for customer_id, severity, number in db.session.execute(query):
        counts[customer_id][severity] = int(number)
    return counts


def satisfaction_means(now: datetime, ids=None) -> dict[int, tuple[float, int]]:
    """Mean satisfaction score and how many scored revisits, over the last 180 days."""
    query = (select(RevisitRecord.customer_id, func.avg(RevisitRecord.satisfaction), func.count(RevisitRecord.satisfaction))
             .where(RevisitRecord.revisited_at >= now - timedelta(days=SATISFACTION_WINDOW_DAYS),
                    RevisitRecord.revisited_at <= now, RevisitRecord.satisfaction.is_not(None),
                    *_only(RevisitRecord.customer_id, ids))
             .group_by(RevisitRecord.customer_id))
    return {customer_id: (float(mean), int(number)) for customer_id, mean, number in db.session.execute(query)}


def cooperation_amounts(today: date) -> dict[int, Decimal]:
    """Order amount of the last 12 months per customer, for every customer: the percentile needs the
    whole company even when one customer is rescored."""
    query = (select(Order.customer_id, func.sum(Order.total))
             .where(Order.signed_on > today - timedelta(days=365), Order.signed_on <= today,
                    Order.status != "已取消")
             .group_by(Order.customer_id))
    return {customer_id: Decimal(amount) for customer_id, amount in db.session.execute(query)}


def payment_positions(today: date, ids=None) -> dict[int, tuple[Decimal, Decimal]]:
    """(overdue, receivable) per customer with orders: 应收 = order totals − received; overdue = the unpaid
    part of instalments whose due date has passed."""
    receivable = (select(Order.customer_id, func.sum(Order.total - Order.received_amount))
                  .where(Order.status != "已取消").group_by(Order.customer_id))
    overdue = (select(Order.customer_id, func.sum(PaymentInstalment.amount - PaymentInstalment.paid_amount))
               .join(PaymentInstalment, PaymentInstalment.order_id == Order.id)
               .where(Order.status != "已取消", PaymentInstalment.due_on < today,
                      PaymentInstalment.settled.is_(False))
               .group_by(Order.customer_id))
    if ids is not None:
        receivable, overdue = receivable.where(Order.customer_id.in_(ids)), overdue.where(Order.customer_id.in_(ids))
    overdue_by_customer = {customer_id: Decimal(amount) for customer_id, amount in db.session.execute(overdue)}
    return {customer_id: (overdue_by_customer.get(customer_id, Decimal("0")), Decimal(amount))
            for customer_id, amount in db.session.execute(receivable)}


def last_contacts(ids) -> dict[int, datetime | None]:
    """Last contact per customer, from the customer row (maintained on write)."""
    query = select(Customer.id, Customer.last_contacted_at).where(Customer.id.in_(ids))
    return dict(db.session.execute(query).all())

