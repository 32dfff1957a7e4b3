"""Sales writes: opportunities, quotes, orders, payment plans, payments, refunds and invoices.
Nothing here commits; views and CLI commands commit once.

Money limits hold under concurrency: a payment or invoice moves the order's running figure with ONE
conditional UPDATE (`received_amount + x <= total`), which takes the order's row lock (PostgreSQL) or
runs under SQLite's write lock, so two workers cannot both pass the check; and the form's idempotency
token is unique on the payment row, so a retried or double-clicked POST records one payment.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal import clock, events
from portal.customers import services as customer_services
from portal.database import upsert
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.sales import (
    ZERO,
    AfterSalesHandover,
    IllegalTransition,
    Invoice,
    Opportunity,
    OpportunityStageChange,
    Order,
    OrderLine,
    OrderNumberSequence,
    Payment,
    PaymentInstalment,
    Product,
    Quote,
    QuoteLine,
)
from portal.rules import pricing


class Refused(ValueError):
    """A money rule refused the change; the message (in the user's language) is shown to the user as is."""


class Outdated(Refused):
    """Someone else changed the record since the form was shown (answered 409, not 422)."""


@dataclass
class LineInput:
    product: Product | None
    product_name: str
    quantity: Decimal
    unit_price: Decimal
    discount: Decimal = ZERO


# --- numbers --------------------------------------------------------------------------------------

def next_order_number(day: date) -> str:
    """DD + YYYYMMDD + three-digit sequence of that signing day (one atomic upsert)."""
    table = OrderNumberSequence.__table__
    statement = (
        upsert(table).values(day=day, last_seq=1)
        .on_conflict_do_update(index_elements=[table.c.day], set_={"last_seq": table.c.last_seq + 1})
        .returning(table.c.last_seq)
    )
    seq = db.session.execute(statement).scalar_one()
    return f"DD{day:%Y%m%d}{seq:03d}"


# --- opportunities -------------------------------------------------------------------------------

def create_opportunity(customer: Customer, owner: User, data: dict, by: User) -> Opportunity:
    """A new opportunity at 初步接洽 (or the stage given), with its first history row."""
    data = {"stage": "初步接洽", **data}
    opportunity = Opportunity(customer=customer, owner=owner, stage_changed_at=clock.now(), **data)
    db.session.add(opportunity)
    db.session.add(OpportunityStageChange(opportunity=opportunity, from_stage=None, to_stage=opportunity.stage,
                                          changed_by_id=by.id, changed_at=opportunity.stage_changed_at))
    return opportunity


def move_opportunity(opportunity: Opportunity, stage: str, by: User) -> None:
    db.session.add(opportunity.move_to(stage, by))


def lose_opportunity(opportunity: Opportunity, reason: str, lost_to: str, by: User) -> None:
    """输单; a winner named like a 竞争对手 record (the form offers their names) is linked to it."""
    from portal.models.marketing import Competitor

    db.session.add(opportunity.lose(reason, lost_to.strip(), by, clock.today()))
    opportunity.lost_to_competitor_id = db.session.scalar(
        select(Competitor.id).where(Competitor.name == opportunity.lost_to)) if opportunity.lost_to else None


def win_opportunity(opportunity: Opportunity, by: User, signed_on: date | None = None) -> Order:
    """赢单 → 订单 in one step: the lines of the latest valid quote, else one line of the expected amount."""
    signed_on = signed_on or clock.today()
    quote = db.session.scalar(
        select(Quote).where(Quote.opportunity_id == opportunity.id, Quote.status == "有效")
        .order_by(Quote.quoted_on.desc(), Quote.id.desc()).limit(1))
    if quote is not None:
        lines = [LineInput(db.session.get(Product, line.product_id) if line.product_id else None,
                           line.product_name, line.quantity, line.unit_price, line.discount) for line in quote.lines]
    else:
        if opportunity.expected_amount <= 0:
            raise Refused(_("请先填写预计金额或录入报价，再赢单"))
        lines = [LineInput(None, opportunity.products_of_interest or opportunity.name, Decimal("1"),
                           opportunity.expected_amount)]
    db.session.add(opportunity.win(by, signed_on))
    return record_order(opportunity.customer, opportunity.owner or by, signed_on, lines, by,
                        opportunity=opportunity, note=f"由商机“{opportunity.name}”赢单生成")


# --- quotes ----------------------------------------------------------------------------------------

def create_quote(customer: Customer, opportunity: Opportunity | None, owner: User, lines: list[LineInput],
                 note: str) -> Quote:
    """A quote from the price list; any line below its floor price makes it 待审批 (supervisor)."""
    quote = Quote(customer=customer, opportunity=opportunity, owner=owner, quoted_on=clock.today(), note=note)
    total = ZERO
    for item in lines:
        floor = item.product.floor_price if item.product else ZERO
        standard = item.product.standard_price if item.product else item.unit_price
        amount = pricing.line_amount(item.quantity, item.unit_price, item.discount)
        low = pricing.below_floor(item.quantity, item.unit_price, floor, item.discount)
        quote.lines.append(QuoteLine(product_id=item.product.id if item.product else None,
                                     product_name=item.product_name, quantity=item.quantity,
                                     unit_price=item.unit_price, discount=item.discount,
                                     standard_price=standard, floor_price=floor,
                                     amount=amount, below_floor=low))
        total += amount
    quote.total = total
    quote.status = "待审批" if any(line.below_floor for line in quote.lines) else "有效"
    db.session.add(quote)
    return quote


def decide_quote(quote: Quote, approve: bool, by: User, note: str) -> None:
    quote.decide(approve, by, note.strip())


# --- orders ----------------------------------------------------------------------------------------

def record_order(customer: Customer, owner: User, signed_on: date, lines: list[LineInput], by: User,
                 opportunity: Opportunity | None = None, note: str = "") -> Order:
    """A signed order with its lines and a one-instalment plan (the whole total, due on signing);
    the customer's first order moves it to 成交, and other areas hear order_signed."""
    first = not db.session.scalar(select(func.count(Order.id)).where(Order.customer_id == customer.id,
                                                                       Order.status != "已取消"))
    order = Order(number=next_order_number(signed_on), customer=customer, owner=owner, signed_on=signed_on,
                  opportunity_id=opportunity.id if opportunity else None, note=note)
    total = cost = ZERO
    for item in lines:
        amount = pricing.line_amount(item.quantity, item.unit_price, item.discount)
        unit_cost = item.product.unit_cost if item.product else ZERO
        order.lines.append(OrderLine(product_id=item.product.id if item.product else None,
                                     product_name=item.product_name, quantity=item.quantity,
                                     unit_price=item.unit_price, discount=item.discount, amount=amount,
                                     unit_cost=unit_cost))
        total += amount
        cost += (unit_cost * item.quantity).quantize(pricing.CENT)
    order.total, order.cost = total, cost
    db.session.add(order)
    db.session.flush()
    db.session.add(PaymentInstalment(order_id=order.id, customer_id=order.customer_id, owner_id=order.owner_id,
                                     due_on=signed_on, amount=total))
    customer.total_deal_amount = (customer.total_deal_amount or ZERO) + total
    if first:
        open_after_sales_handover(customer, order)
    if first and customer.stage != "成交":
        customer_services.change_stage(customer, "成交", "首次成交", owner)
    events.order_signed.send(order, first=first)
    return order


def edit_order_lines(order: Order, lines: list[LineInput], note: str) -> None:
    """Replace an order's lines. Refused (Refused, with the reason) when the new total would fall below
    what was received or invoiced, or when the plan's last open instalment cannot absorb the change.
    The lines' unit costs are kept by product name; the old lines go to the audit note. No commit."""
    from portal.audit import audit_note

    if order.status != "执行中":
        raise Refused(_("只有执行中的订单可以修改"))
    costs = {line.product_name: line.unit_cost for line in order.lines}
    new_total = sum((pricing.line_amount(i.quantity, i.unit_price, i.discount) for i in lines), ZERO)
    refusal = pricing.order_edit_refusal(new_total, order.received_amount, order.invoiced_amount, gettext=_)
    if refusal:
        raise Refused(refusal)
    difference = new_total - order.total
    instalments = list(order.instalments)
    if difference:
        last = instalments[-1] if instalments else None
        if last is None or last.amount + difference <= 0 or last.amount + difference < last.paid_amount:
            raise Refused(_("订单金额变化后回款计划无法自动调整，请先修改回款计划"))
        last.amount += difference
    audit_note("修改订单明细，原明细：" + "；".join(
        f"{line.product_name}×{line.quantity}@{line.unit_price}-{line.discount}" for line in order.lines)[:200])
    order.lines.clear()
    cost = ZERO
    for item in lines:
        unit_cost = item.product.unit_cost if item.product else costs.get(item.product_name, ZERO)
        order.lines.append(OrderLine(product_id=item.product.id if item.product else None, product_name=item.product_name,
                                     quantity=item.quantity, unit_price=item.unit_price, discount=item.discount,
                                     amount=pricing.line_amount(item.quantity, item.unit_price, item.discount),
                                     unit_cost=unit_cost))
        cost += (unit_cost * item.quantity).quantize(pricing.CENT)
    order.customer.total_deal_amount = (order.customer.total_deal_amount or ZERO) + difference
    order.total, order.cost, order.note = new_total, cost, note
    db.session.flush()
    reallocate(order.id, order.received_amount)


def set_payment_plan(order: Order, rows: list[tuple[date, Decimal, str]]) -> None:
    """Replace the plan: instalments must add up to the order total; what was received is re-allocated."""
    if sum((amount for _due, amount, _note in rows), ZERO) != order.total:
        raise Refused(_("回款计划合计应等于订单金额 %(amount)s 元", amount=format(order.total, ",.2f")))
    if any(amount <= 0 for _due, amount, _note in rows):
        raise Refused(_("每期金额应大于0"))
    for instalment in list(order.instalments):
        db.session.delete(instalment)
    db.session.flush()
    for due_on, amount, note in sorted(rows, key=lambda row: row[0]):
        db.session.add(PaymentInstalment(order_id=order.id, customer_id=order.customer_id, owner_id=order.owner_id,
                                         due_on=due_on, amount=amount, note=note))
    db.session.flush()
    db.session.expire(order, ["instalments"])
    reallocate(order.id, order.received_amount)


def reallocate(order_id: int, received: Decimal) -> None:
    """Instalments paid in due order up to what was received (after a payment, refund or new plan)."""
    instalments = list(db.session.scalars(select(PaymentInstalment).where(PaymentInstalment.order_id == order_id)
                                          .order_by(PaymentInstalment.due_on, PaymentInstalment.id)))
    shares = pricing.allocate(received, [i.amount for i in instalments])
    for instalment, share in zip(instalments, shares):
        if instalment.paid_amount != share:
            instalment.paid_amount = share
        settled = share >= instalment.amount
        if instalment.settled != settled:
            instalment.settled = settled


def token_used(model, token: str) -> bool:
    return db.session.scalar(select(model.id).where(model.token == token)) is not None


def record_payment(order: Order, amount: Decimal, paid_on: date, method: str, note: str, token: str,
                   by: User, kind: str = "回款") -> Payment | None:
    """Record a payment (or a refund): None if this token was already recorded (a double submit).
    Raises Refused when the amount is out of bounds at the moment of writing."""
    if token_used(Payment, token):
        return None
    signed = amount if kind == "回款" else -amount
    payment = Payment(order_id=order.id, kind=kind, paid_on=paid_on, amount=signed, method=method, note=note,
                      token=token, recorded_by_id=by.id)
    try:
        with db.session.begin_nested():
            db.session.add(payment)
    except IntegrityError:
        return None  # the same token won a race with us: the other submit recorded it
    limit = Order.received_amount + signed <= Order.total if kind == "回款" else Order.received_amount + signed >= 0
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status != "已取消", limit)
        .values(received_amount=Order.received_amount + signed, version=Order.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.expire(order)
        refusal = (pricing.payment_refusal(amount, order.total, order.received_amount, gettext=_) if kind == "回款"
                   else pricing.refund_refusal(amount, order.received_amount, gettext=_))
        raise Refused(refusal or _("订单已取消，不能登记回款"))
    db.session.expire(order)
    reallocate(order.id, order.received_amount)
    return payment


def issue_invoice(order: Order, number: str, kind: str, amount: Decimal, issued_on: date, token: str) -> Invoice | None:
    """Record an invoice; None on a repeated token; Refused when invoiced would exceed the total."""
    if token_used(Invoice, token):
        return None
    invoice = Invoice(order_id=order.id, number=number, kind=kind, amount=amount, issued_on=issued_on, token=token)
    try:
        with db.session.begin_nested():
            db.session.add(invoice)
    except IntegrityError:
        return None
    result = db.session.execute(
        update(Order).where(Order.id == order.id, Order.status != "已取消",
                            Order.invoiced_amount + amount <= Order.total)
        .values(invoiced_amount=Order.invoiced_amount + amount, version=Order.version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.expire(order)
        raise Refused(pricing.invoice_refusal(amount, order.total, order.invoiced_amount, gettext=_) or _("订单已取消，不能开票"))
    db.session.expire(order)
    return invoice


def void_invoice(invoice: Invoice) -> None:
    """作废: the invoice stays on file, its amount leaves the order's invoiced figure."""
    if invoice.status != "已开具":
        raise IllegalTransition(_("发票已作废"))
    invoice.status = "已作废"
    db.session.flush()
    db.session.execute(update(Order).where(Order.id == invoice.order_id)
                       .values(invoiced_amount=Order.invoiced_amount - invoice.amount, version=Order.version + 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(invoice.order)


def cancel_order(order: Order) -> None:
    """已取消: nothing is left to collect, so its instalments close (they leave receivables and reminders)."""
    order.cancel()
    order.customer.total_deal_amount = (order.customer.total_deal_amount or ZERO) - order.total
    db.session.execute(update(PaymentInstalment).where(PaymentInstalment.order_id == order.id)
                       .values(settled=True).execution_options(synchronize_session=False))


def complete_order(order: Order) -> None:
    order.complete()


# --- 成交客户跟踪: the after-sales handover -------------------------------------------------------------

def open_after_sales_handover(customer: Customer, order: Order) -> None:
    """The first order opens the handover; until a 售后跟踪责任人 is named it waits on the service
    supervisor's work list. A customer keeps one handover row (a later first-after-cancel order reuses it)."""
    if db.session.get(AfterSalesHandover, customer.id) is None:
        db.session.add(AfterSalesHandover(customer_id=customer.id, first_order_id=order.id))


def after_sales_owner(customer_id: int) -> User | None:
    """The customer's named 售后跟踪责任人, if any."""
    owner_id = db.session.scalar(select(AfterSalesHandover.owner_id).where(AfterSalesHandover.customer_id == customer_id))
    return db.session.get(User, owner_id) if owner_id else None


def name_after_sales_owner(handover: AfterSalesHandover, owner: User, by: User) -> int:
    """Name (or change) the after-sales owner; the customer's open after-sales revisits go to them.
    Returns how many open tasks moved."""
    from portal.models.revisits import TASK_OPEN, RevisitTask

    if owner.role != "service" or not owner.is_active_user:
        raise Refused(_("售后跟踪责任人应为在岗的客服人员"))
    handover.owner_id, handover.named_by_id, handover.named_at = owner.id, by.id, clock.now()
    result = db.session.execute(
        update(RevisitTask).where(RevisitTask.customer_id == handover.customer_id, RevisitTask.trigger == "deal",
                                  RevisitTask.status == TASK_OPEN)
        .values(assignee_id=owner.id).execution_options(synchronize_session=False))
    return result.rowcount


# --- products --------------------------------------------------------------------------------------

def save_product(product: Product | None, data: dict) -> Product:
    if data["floor_price"] > data["standard_price"]:
        raise Refused(_("底价不能高于标准价"))
    product = product or Product()
    for name, value in data.items():
        setattr(product, name, value)
    db.session.add(product)
    return product


# --- merge: a merged customer's selling records follow it ---------------------------------------------

def move_merged_sales(kept: Customer, merged: Customer, _by: User) -> dict[str, int]:
    counts = {}
    for model, label in ((Opportunity, N_("商机")), (Quote, N_("报价")), (Order, N_("订单")), (PaymentInstalment, None)):
        result = db.session.execute(update(model).where(model.customer_id == merged.id).values(customer_id=kept.id)
                                    .execution_options(synchronize_session="fetch"))
        if result.rowcount and label:
            counts[label] = result.rowcount
    if "订单" in counts:
        kept.total_deal_amount = db.session.scalar(
            select(func.coalesce(func.sum(Order.total), 0)).where(Order.customer_id == kept.id,
                                                                  Order.status != "已取消"))
    return counts


customer_services.merge_movers.append(move_merged_sales)
