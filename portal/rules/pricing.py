"""Quote and order arithmetic (DESIGN.md "Quotes", "Orders"): line amounts, the floor-price rule,
gross profit, and the limits on payments and invoices. Decimal in, Decimal out; no app.

A refusal is written as a msgid with placeholders and formatted by the `gettext` the caller passes
(flask_babel's in a request, so the user reads it in their language); without one it reads in 简体."""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def plain(message: str, **values) -> str:
    """The 简体 msgid with its placeholders filled (no catalogue)."""
    return message % values if values else message


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def line_amount(quantity: Decimal, unit_price: Decimal, discount: Decimal = Decimal("0")) -> Decimal:
    """Quantity × unit price − discount, to the cent; never below zero."""
    amount = (quantity * unit_price - discount).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("折扣不能超过行金额")
    return amount


def effective_unit_price(quantity: Decimal, unit_price: Decimal, discount: Decimal = Decimal("0")) -> Decimal:
    """The price per unit after the line discount (what the floor rule compares)."""
    if quantity <= 0:
        raise ValueError("数量应大于0")
    return (unit_price - discount / quantity).quantize(CENT, rounding=ROUND_HALF_UP)


def below_floor(quantity: Decimal, unit_price: Decimal, floor_price: Decimal, discount: Decimal = Decimal("0")) -> bool:
    """A line sold under the product's floor price 底价 (after discount) needs a supervisor's approval."""
    return effective_unit_price(quantity, unit_price, discount) < floor_price


def needs_approval(lines) -> bool:
    """A quote needs approval when any line is below floor; lines are (quantity, unit price, floor, discount)."""
    return any(below_floor(q, p, f, d) for q, p, f, d in lines)


def gross_profit(total: Decimal, cost: Decimal) -> Decimal:
    return total - cost


def receivable(total: Decimal, received: Decimal) -> Decimal:
    """应收 = order total − received (refunds are negative receipts)."""
    return total - received


def payment_refusal(amount: Decimal, total: Decimal, received: Decimal, gettext=plain) -> str | None:
    """Why a payment of `amount` cannot be recorded, or None: it must be positive and within the receivable."""
    if amount <= 0:
        return gettext("回款金额应大于0")
    if amount > receivable(total, received):
        return gettext("回款金额超过应收余额 %(amount)s 元", amount=money(receivable(total, received)))
    return None


def refund_refusal(amount: Decimal, received: Decimal, gettext=plain) -> str | None:
    """A refund is positive and at most what was received."""
    if amount <= 0:
        return gettext("退款金额应大于0")
    if amount > received:
        return gettext("退款金额超过已回款 %(amount)s 元", amount=money(received))
    return None


def invoice_refusal(amount: Decimal, total: Decimal, invoiced: Decimal, gettext=plain) -> str | None:
    """Invoiced (not voided) never exceeds the order total."""
    if amount <= 0:
        return gettext("发票金额应大于0")
    if invoiced + amount > total:
        return gettext("开票金额超过可开票余额 %(amount)s 元", amount=money(total - invoiced))
    return None


def order_edit_refusal(new_total: Decimal, received: Decimal, invoiced: Decimal, gettext=plain) -> str | None:
    """An edited order whose total would fall below what was received or invoiced is refused."""
    if new_total < received:
        return gettext("订单金额不能低于已回款金额 %(amount)s 元", amount=money(received))
    if new_total < invoiced:
        return gettext("订单金额不能低于已开票金额 %(amount)s 元", amount=money(invoiced))
    return None


def allocate(received: Decimal, instalments: list[Decimal]) -> list[Decimal]:
    """What each instalment has been paid when `received` is spread over the plan in due order
    (refunds are negative receipts, so they take back from the latest instalments first)."""
    shares = []
    left = max(received, Decimal("0"))
    for amount in instalments:
        take = min(left, amount)
        shares.append(take)
        left -= take
    return shares
