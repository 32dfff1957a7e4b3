"""KPI parts counted in one pass (portal.reports.one_pass: the customer parts, the satisfaction parts)
against their own part queries, which the drill-downs list."""
from datetime import date

import pytest

from portal.reports.customer_kpis import customer_part_sums
from portal.reports.kpis import Scope, count_kpis, part_query, satisfaction_part_sums, sums_by_owner
from portal.reports.periods import Period

PERIODS = (Period.of("quarter", 2026, 2), Period.of("quarter", 2026, 3), Period.of("quarter", 2026, 4),
           Period.of("month", 2026, 10), Period.of("year", 2026, 1), Period.custom(date(2026, 8, 15), date(2026, 9, 20)))


def scopes(world):
    return (Scope("company", "全公司"), Scope("department", "销售一部", department=world.sales_dept),
            Scope("department", "客服部", department=world.service_dept),
            Scope("employee", "张伟", department=world.sales_dept, user=world.a))


CUSTOMER_PARTS = {("retention", "numerator"), ("retention", "denominator"), ("conversion", "numerator"),
                  ("conversion", "denominator"), ("complaint_rate", "denominator"), ("completeness", "numerator"),
                  ("completeness", "denominator")}
SATISFACTION_PARTS = {("satisfaction", "numerator"), ("satisfaction", "denominator"),
                      ("satisfaction_share", "numerator"), ("satisfaction_share", "denominator")}


@pytest.mark.parametrize("one_pass, parts", [(customer_part_sums, CUSTOMER_PARTS),
                                             (satisfaction_part_sums, SATISFACTION_PARTS)])
@pytest.mark.parametrize("period", PERIODS, ids=lambda period: f"{period.kind}-{period.start}")
def test_one_pass_equals_the_part_queries(review_world, period, one_pass, parts):
    for scope in scopes(review_world):
        sums = one_pass(period, scope)
        assert set(sums) == parts
        for (code, part), by_owner in sums.items():
            assert by_owner == sums_by_owner(part_query(code, part, period, scope)), (scope.key, code, part)


@pytest.mark.parametrize("one_pass", [customer_part_sums, satisfaction_part_sums])
def test_the_hand_built_world_has_figures_in_every_part(review_world, one_pass):
    sums = one_pass(Period.of("quarter", 2026, 3), Scope("company", "全公司"))
    assert all(sum(by_owner.values()) > 0 for by_owner in sums.values())  # the comparison above compares numbers


def test_stage_history_and_revisit_scores_are_read_by_one_statement_each(review_world, count_queries):
    with count_queries() as counter:
        count_kpis(Period.of("quarter", 2026, 3), Scope("company", "全公司"))
    assert sum("stage_change" in statement for statement in counter.statements) == 1
    assert sum("revisit_record.satisfaction" in statement for statement in counter.statements) == 1


def test_collection_in_one_pass_equals_its_part_queries(app, frozen_now, make_user, make_department, new_customer):
    from decimal import Decimal

    from portal.extensions import db
    from portal.reports.sales_kpis import collection_part_sums
    from portal.sales.services import LineInput, record_order, record_payment, set_payment_plan

    department = make_department("销售部")
    rep, other = make_user("sales", department=department), make_user("sales", department=department)
    for owner, paid in ((rep, Decimal("3000")), (other, None)):
        order = record_order(new_customer(owner), owner, date(2026, 7, 10),
                             [LineInput(None, "实施", Decimal("1"), Decimal("10000"))], owner)
        set_payment_plan(order, [(date(2026, 8, 31), Decimal("6000"), ""), (date(2026, 10, 31), Decimal("4000"), "")])
        if paid:
            record_payment(order, paid, date(2026, 9, 1), "银行转账", "", f"k{owner.id}", owner)
    db.session.commit()
    for period in (Period.of("quarter", 2026, 3), Period.of("quarter", 2026, 4)):
        for scope in (Scope("company", "全公司"), Scope("employee", "x", department=department, user=rep)):
            for (code, part), by_owner in collection_part_sums(period, scope).items():
                assert by_owner == sums_by_owner(part_query(code, part, period, scope)), (period.label, scope.key, part)
    sums = collection_part_sums(Period.of("quarter", 2026, 3), Scope("company", "全公司"))
    assert sums[("collection_rate", "numerator")] == {rep.id: Decimal("3000.00")}  # nothing paid: not listed
    assert sums[("collection_rate", "denominator")] == {rep.id: Decimal("6000.00"), other.id: Decimal("6000.00")}
