"""回款率 and 目标完成率 in the review: hand-computed figures and their drill-downs."""
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.models.sales import SalesTarget
from portal.reports.kpis import Scope, count_kpis, part_query
from portal.reports.periods import Period
from portal.sales.services import LineInput, record_order, record_payment, set_payment_plan


def test_collection_rate_and_target_completion(app, frozen_now, make_user, make_department, new_customer):
    department = make_department("销售部")
    rep = make_user("sales", department=department)
    customer = new_customer(rep)
    # Q3: 10,000 signed 07-10, plan 6,000 due 08-31 + 4,000 due 10-31; 3,000 received → Q3 due 6,000, paid 3,000.
    order = record_order(customer, rep, date(2026, 7, 10), [LineInput(None, "实施", Decimal("1"), Decimal("10000"))], rep)
    set_payment_plan(order, [(date(2026, 8, 31), Decimal("6000"), ""), (date(2026, 10, 31), Decimal("4000"), "")])
    record_payment(order, Decimal("3000"), date(2026, 9, 1), "银行转账", "", "k1", rep)
    for month, amount in ((7, "10000"), (8, "5000"), (9, "5000"), (10, "99999")):
        db.session.add(SalesTarget(user_id=rep.id, month=date(2026, month, 1), amount=Decimal(amount)))
    db.session.commit()
    period = Period.of("quarter", 2026, 3)
    counts = count_kpis(period, Scope("company", "全公司"))
    collection = counts.figure("collection_rate", [rep.id])
    assert (collection.numerator, collection.denominator, collection.text) == (Decimal("3000.00"), Decimal("6000.00"), "50.0%")
    target = counts.figure("target_completion", [rep.id])
    assert (target.numerator, target.denominator, target.text) == (Decimal("10000.00"), Decimal("20000.00"), "50.0%")
    # The drill-down lists are the rows the figures sum.
    assert len(db.session.execute(part_query("target_completion", "denominator", period, Scope("company", "全公司"))).all()) == 3
    assert len(db.session.execute(part_query("collection_rate", "denominator", period, Scope("company", "全公司"))).all()) == 1
