"""The review's customer KPIs (留存率, 业务转化率, 信息完整率 and 客户投诉率's denominator): their parts,
one query each for the drill-down, and `customer_part_sums`, which counts all seven parts in one pass.

Each part reads every customer of the scope and most work out the customer's stage at the period's
start or end from its stage history. Counted part by part, a company quarter read the 100,000
customers seven times and worked out a stage seven times per customer: 1.6–2.2 s of CPU per quarter
on SQLite; one pass reads them once and works out each stage once: 0.47–0.55 s.
"""
from decimal import Decimal

from sqlalchemy import Select, case, exists, func, literal, or_, select

from portal.i18n import N_
from portal.models.customers import Customer, StageChange
from portal.reports.one_pass import sums_in_one_pass
from portal.reports.periods import Period

WON, LOST_STAGES, OPEN_STAGES = "成交", ("流失", "沉睡"), ("潜在", "意向")
# Key fields of a customer file for 信息完整率: the ones a review expects every file to have.
KEY_FIELDS = (
    "credit_code", "industry", "scale_employees", "address", "source_channel",
    "main_business", "decision_maker", "budget_range", "preferred_channel", "purchase_intent",
)
KEY_FIELD_LABELS = (N_("统一社会信用代码"), N_("行业"), N_("规模"), N_("地址"), N_("来源渠道"), N_("主营业务"), N_("决策人"),
                    N_("预算范围"), N_("偏好渠道"), N_("采购意向"))

# --- stage history -----------------------------------------------------------------------------


def stage_at(moment):
    """A customer's stage at `moment` from its StageChange history (NULL if it did not exist yet).

    A customer whose stage has not changed since the moment is still in its current stage: that is
    most customers, answered from the customer row alone. For the others, the first change at or
    after the moment starts from the stage the customer had then (the last change before the moment
    is the fallback for a later change recorded without from_stage). Their ids come from one range
    scan of stage_change; only they pay the two index seeks on (customer_id, changed_at).
    """
    changed_since = select(StageChange.customer_id).where(StageChange.changed_at >= moment)
    next_from = (
        select(StageChange.from_stage)
        .where(StageChange.customer_id == Customer.id, StageChange.changed_at >= moment)
        .order_by(StageChange.changed_at, StageChange.id)
        .limit(1)
        .correlate(Customer)
        .scalar_subquery()
    )
    last = (
        select(StageChange.to_stage)
        .where(StageChange.customer_id == Customer.id, StageChange.changed_at < moment)
        .order_by(StageChange.changed_at.desc(), StageChange.id.desc())
        .limit(1)
        .correlate(Customer)
        .scalar_subquery()
    )
    return case(
        (Customer.created_at >= moment, None),
        (Customer.id.in_(changed_since), func.coalesce(next_from, last, Customer.stage)),
        else_=Customer.stage,
    )


def customer_rows(value, period: Period, scope) -> Select:
    """Customers of the scope that still counted at period end (not merged, not archived before it)."""
    return select(
        Customer.id.label("record_id"), Customer.owner_id.label("owner_id"), value.label("value")
    ).where(
        scope.owner_condition(Customer.owner_id),
        Customer.merged_into_id.is_(None),
        or_(Customer.archived_at.is_(None), Customer.archived_at >= period.end_at),
    )


def retention_base(period, scope):
    """客户留存率 denominator: customers in 成交 at period start."""
    return customer_rows(literal(1), period, scope).where(stage_at(period.start_at) == WON)


def retention_kept(period, scope):
    """客户留存率 numerator: of those, not 流失/沉睡 at period end."""
    return retention_base(period, scope).where(stage_at(period.end_at).notin_(LOST_STAGES))


def conversion_base(period, scope):
    """业务转化率 denominator: customers in 潜在/意向 at period start."""
    return customer_rows(literal(1), period, scope).where(stage_at(period.start_at).in_(OPEN_STAGES))


def won_during(period):
    """The customer moved to 成交 during the period."""
    return exists().where(
        StageChange.customer_id == Customer.id,
        StageChange.to_stage == WON,
        StageChange.changed_at >= period.start_at,
        StageChange.changed_at < period.end_at,
    )


def conversion_won(period, scope):
    """业务转化率 numerator: of those, moved to 成交 during the period."""
    return conversion_base(period, scope).where(won_during(period))


def existing_customers(value, period, scope):
    """Customers of the scope created before period end."""
    return customer_rows(value, period, scope).where(Customer.created_at < period.end_at)


def filled_key_fields():
    """How many of a customer's KEY_FIELDS are filled in."""
    return sum(
        (case((func.coalesce(getattr(Customer, name), "") != "", 1), else_=0) for name in KEY_FIELDS),
        start=literal(0),
    )


def completeness_filled(period, scope):
    """信息完整率 numerator: filled key fields per customer (customers with none are left out)."""
    filled = filled_key_fields()
    return existing_customers(filled, period, scope).where(filled > 0)


def completeness_fields(period, scope):
    """信息完整率 denominator: key fields per customer."""
    return existing_customers(literal(len(KEY_FIELDS)), period, scope)


def active_customers(period, scope):
    """客户投诉率 denominator: customers existing and not 流失/沉睡 at period end."""
    return existing_customers(literal(1), period, scope).where(stage_at(period.end_at).notin_(LOST_STAGES))


# --- one pass ------------------------------------------------------------------------------------


def customer_part_sums(period: Period, scope) -> dict[tuple[str, str], dict[int | None, Decimal]]:
    """{(code, part): {owner_id: SUM(value)}} of the seven customer parts, in one grouped query.

    Each part's condition is the one its own query filters on, so the sums equal sums_by_owner of
    the part queries (tests/reports/test_one_pass.py compares them). OFFSET 0 keeps the customer
    facts a subquery (SQLite and PostgreSQL would otherwise inline it and work out each stage once per
    use)."""
    facts = customer_rows(literal(1), period, scope).with_only_columns(
        Customer.owner_id.label("owner_id"),
        stage_at(period.start_at).label("start_stage"),
        stage_at(period.end_at).label("end_stage"),
        case((Customer.created_at < period.end_at, filled_key_fields()), else_=None).label("filled"),
        case((won_during(period), 1), else_=0).label("won"),
    ).offset(0).subquery()
    kept = facts.c.end_stage.notin_(LOST_STAGES)
    opened = facts.c.start_stage.in_(OPEN_STAGES)
    return sums_in_one_pass(facts, {
        ("retention", "denominator"): (facts.c.start_stage == WON, 1),
        ("retention", "numerator"): ((facts.c.start_stage == WON) & kept, 1),
        ("conversion", "denominator"): (opened, 1),
        ("conversion", "numerator"): (opened & (facts.c.won == 1), 1),
        ("complaint_rate", "denominator"): (facts.c.filled.is_not(None) & kept, 1),
        ("completeness", "numerator"): (facts.c.filled > 0, facts.c.filled),
        ("completeness", "denominator"): (facts.c.filled.is_not(None), len(KEY_FIELDS)),
    })
