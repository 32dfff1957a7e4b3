"""Handover 交接 of selling work: a leaving rep's open opportunities, live orders and unsettled
instalments follow their customers to the receivers; a leaving 售后跟踪责任人's customers go to the
colleague who received their after-sales revisits (else the least busy 客服). No commit."""
from sqlalchemy import select

from portal.customers import services as customer_services
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.sales import OPEN_STAGES, AfterSalesHandover, Opportunity, Order, PaymentInstalment


def hand_over_selling(from_user: User, to_user_for_customer: dict[int, int], dry_run: bool) -> dict[str, int]:
    counts = {}
    opportunities = list(db.session.scalars(select(Opportunity).where(
        Opportunity.owner_id == from_user.id, Opportunity.stage.in_(OPEN_STAGES),
        Opportunity.customer_id.in_(to_user_for_customer))))
    orders = list(db.session.scalars(select(Order).where(
        Order.owner_id == from_user.id, Order.status == "执行中", Order.customer_id.in_(to_user_for_customer))))
    if opportunities:
        counts[N_("进行中商机")] = len(opportunities)
    if orders:
        counts[N_("执行中订单")] = len(orders)
    if not dry_run:
        for opportunity in opportunities:
            opportunity.owner_id = to_user_for_customer[opportunity.customer_id]
        for order in orders:
            order.owner_id = to_user_for_customer[order.customer_id]
            for instalment in db.session.scalars(select(PaymentInstalment).where(
                    PaymentInstalment.order_id == order.id, PaymentInstalment.settled.is_(False))):
                instalment.owner_id = order.owner_id
    return counts


def hand_over_after_sales(from_user: User, _to_user_for_customer: dict[int, int], dry_run: bool) -> dict[str, int]:
    from portal.models.revisits import TASK_OPEN, RevisitTask
    from portal.revisits.movers import colleagues_by_load

    handovers = list(db.session.scalars(select(AfterSalesHandover).where(AfterSalesHandover.owner_id == from_user.id)))
    if handovers and not dry_run:
        colleagues = colleagues_by_load(from_user)
        for handover in handovers:
            receiver = db.session.scalar(select(RevisitTask.assignee_id).where(
                RevisitTask.customer_id == handover.customer_id, RevisitTask.trigger == "deal",
                RevisitTask.status == TASK_OPEN, RevisitTask.assignee_id.is_not(None)).limit(1))
            handover.owner_id = receiver or (colleagues[0].id if colleagues else None)
    return {N_("售后跟踪客户"): len(handovers)} if handovers else {}


customer_services.handover_movers.append(hand_over_selling)
customer_services.handover_movers.append(hand_over_after_sales)
