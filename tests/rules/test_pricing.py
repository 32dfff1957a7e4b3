"""Line amounts, the floor-price rule and the money limits, without an app."""
from decimal import Decimal as D

import pytest

from portal.rules import pricing


def test_line_amount_and_effective_price():
    assert pricing.line_amount(D("3"), D("19999.99")) == D("59999.97")
    assert pricing.line_amount(D("2"), D("100"), D("50")) == D("150.00")
    assert pricing.effective_unit_price(D("2"), D("100"), D("50")) == D("75.00")
    with pytest.raises(ValueError):
        pricing.line_amount(D("1"), D("100"), D("100.01"))
    with pytest.raises(ValueError):
        pricing.effective_unit_price(D("0"), D("100"))


@pytest.mark.parametrize("quantity,price,floor,discount,below", [
    (D("1"), D("8000"), D("8000"), D("0"), False),     # exactly at floor: no approval
    (D("1"), D("7999.99"), D("8000"), D("0"), True),
    (D("4"), D("8000"), D("8000"), D("0.04"), True),   # the discount takes it 0.01 under floor per unit
    (D("4"), D("8100"), D("8000"), D("400"), False),   # 8,000.00 after discount
    (D("4"), D("8100"), D("8000"), D("400.04"), True),
])
def test_floor_price_rule(quantity, price, floor, discount, below):
    assert pricing.below_floor(quantity, price, floor, discount) is below


def test_quote_needs_approval_when_any_line_is_below_floor():
    assert not pricing.needs_approval([(D("1"), D("10"), D("9"), D("0")), (D("2"), D("5"), D("5"), D("0"))])
    assert pricing.needs_approval([(D("1"), D("10"), D("9"), D("0")), (D("2"), D("4.99"), D("5"), D("0"))])


def test_payment_limits():
    assert pricing.payment_refusal(D("100"), D("100"), D("0")) is None
    assert pricing.payment_refusal(D("0.01"), D("100"), D("99.99")) is None
    assert "超过应收余额" in pricing.payment_refusal(D("0.02"), D("100"), D("99.99"))
    assert pricing.payment_refusal(D("0"), D("100"), D("0")) == "回款金额应大于0"
    assert pricing.refund_refusal(D("50"), D("50")) is None
    assert "超过已回款" in pricing.refund_refusal(D("50.01"), D("50"))


def test_invoice_and_order_edit_limits():
    assert pricing.invoice_refusal(D("60"), D("100"), D("40")) is None
    assert "可开票余额 40.00" in pricing.invoice_refusal(D("40.01"), D("100"), D("60"))
    assert pricing.order_edit_refusal(D("100"), D("100"), D("0")) is None
    assert "已回款" in pricing.order_edit_refusal(D("99.99"), D("100"), D("0"))
    assert "已开票" in pricing.order_edit_refusal(D("99.99"), D("0"), D("100"))


def test_allocation_pays_instalments_in_due_order():
    assert pricing.allocate(D("150"), [D("100"), D("100"), D("50")]) == [D("100"), D("50"), D("0")]
    assert pricing.allocate(D("0"), [D("100")]) == [D("0")]
    assert pricing.allocate(D("250"), [D("100"), D("100"), D("50")]) == [D("100"), D("100"), D("50")]
