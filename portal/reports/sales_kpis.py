"""The selling KPIs of the review (issue 13), beside portal.reports.kpis and shaped like its parts:
each part selects (record_id, owner_id, value) so a figure and its drill-down list always agree.

- 回款率 collection_rate: of the plan instalments due in the period (live orders), the part paid ÷ the
  amount due; counted for the instalment's owner (the order's 业务员).
- 目标完成率 target_completion: orders signed in the period ÷ the monthly targets of the period's
  months; counted for the rep.
"""
from sqlalchemy import select, true

from portal.i18n import N_

from portal.models.sales import Order, PaymentInstalment, SalesTarget
from portal.reports.one_pass import sums_in_one_pass


def instalments_due(period, scope):
    """回款率 denominator: instalments due in the period, by amount."""
    return (select(PaymentInstalment.id.label("record_id"), PaymentInstalment.owner_id.label("owner_id"),
                   PaymentInstalment.amount.label("value"))
            .join(Order, Order.id == PaymentInstalment.order_id)
            .where(scope.owner_condition(PaymentInstalment.owner_id), PaymentInstalment.due_on >= period.start,
                   PaymentInstalment.due_on < period.end, Order.status != "已取消"))


def instalments_paid(period, scope):
    """回款率 numerator: of those, what has been paid."""
    return instalments_due(period, scope).with_only_columns(
        PaymentInstalment.id.label("record_id"), PaymentInstalment.owner_id.label("owner_id"),
        PaymentInstalment.paid_amount.label("value")).where(PaymentInstalment.paid_amount > 0)


def collection_part_sums(period, scope) -> dict:
    """Both parts of 回款率 read the same instalments: one pass, not two."""
    facts = instalments_due(period, scope).add_columns(PaymentInstalment.paid_amount.label("paid")).subquery()
    return sums_in_one_pass(facts, {("collection_rate", "numerator"): (facts.c.paid > 0, facts.c.paid),
                                    ("collection_rate", "denominator"): (true(), facts.c.value)})


def orders_signed(period, scope):
    """目标完成率 numerator: order totals signed in the period (cancelled ones left out)."""
    return select(Order.id.label("record_id"), Order.owner_id.label("owner_id"), Order.total.label("value")).where(
        scope.owner_condition(Order.owner_id), Order.signed_on >= period.start, Order.signed_on < period.end,
        Order.status != "已取消")


def targets_set(period, scope):
    """目标完成率 denominator: the monthly targets of the months in the period."""
    return select(SalesTarget.id.label("record_id"), SalesTarget.user_id.label("owner_id"),
                  SalesTarget.amount.label("value")).where(
        scope.owner_condition(SalesTarget.user_id), SalesTarget.month >= period.start, SalesTarget.month < period.end)


# Keyword arguments of portal.reports.kpis.KpiSpec, one dict per KPI (this module never imports kpis).
SALES_KPI_PARTS = (
    dict(code="collection_rate", record="instalment", numerator=instalments_paid, denominator=instalments_due,
         numerator_label=N_("已回款金额"), denominator_label=N_("到期应回款金额")),
    dict(code="target_completion", record="order", numerator=orders_signed, denominator=targets_set,
         numerator_label=N_("签约金额"), denominator_label=N_("销售目标")),
)
DRILL_RECORDS = {("target_completion", "denominator"): "target"}

