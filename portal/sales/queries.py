"""Read side of the sales area: lists with filters and sorts, the funnel, the ageing table, the
customer page's section. Every query starts from portal.access.sales; sums are SQL SUMs of NUMERIC."""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Date, and_, case, cast, extract, func, literal, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.access import sales as access
from portal.access.customers import visible_customer_ids
from portal.database import on_sqlite
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.sales import (
    AfterSalesHandover,
    LOST, OPEN_STAGES, WON, Opportunity, OpportunityStageChange, Order, Payment, PaymentInstalment, Product, Quote,
)
from portal.rules import ageing, funnel
from portal.settings_store import get_setting

ZERO = Decimal("0.00")

OPPORTUNITY_SORTS = {
    "updated": (Opportunity.updated_at, Opportunity.id),
    "close": (Opportunity.expected_close_on, Opportunity.id),
    "amount": (Opportunity.expected_amount, Opportunity.id),
    "stage": (Opportunity.stage, Opportunity.id),
}
ORDER_SORTS = {
    "signed": (Order.signed_on, Order.id),
    "total": (Order.total, Order.id),
    "receivable": (Order.total - Order.received_amount, Order.id),
}


def sort_clause(sorts: dict, key: str | None, default: str):
    """ORDER BY from an allow-list; '-key' is descending (SECURITY.md #15)."""
    key = key or default
    descending = key.startswith("-")
    columns = sorts[sort_key(sorts, key, default)]
    if key.lstrip("-") not in sorts:
        descending = default.startswith("-")
    return [column.desc() if descending else column.asc() for column in columns]


def sort_key(sorts: dict, key: str | None, default: str) -> str:
    """The column key a list is sorted by: the asked one if allowed, else the default's."""
    key = (key or default).lstrip("-")
    return key if key in sorts else default.lstrip("-")


def seller_choices(user: User) -> list[tuple[str, str]]:
    """Owners offered in list filters: the user's department's sellers (everyone for admins)."""
    query = select(User.id, User.display_name).where(User.role.in_(("sales", "supervisor"))).order_by(User.display_name)
    if user.role == "sales":
        query = query.where(User.id == user.id)
    elif user.role == "supervisor" and user.department_id is not None:
        query = query.where(User.department_id == user.department_id)
    return [("", _("全部"))] + [(str(uid), name) for uid, name in db.session.execute(query)]


def like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# --- opportunities --------------------------------------------------------------------------------

def filtered_opportunities(user: User, form):
    filtered = any(getattr(form, name).data for name in ("q", "stage", "owner_id", "close_from", "close_to"))
    walks = not filtered and sort_key(OPPORTUNITY_SORTS, form.sort.data, "-updated") == "updated"
    query = (access.visible_opportunities_for_list(user, walks_sort_index=walks)
             .join(Opportunity.customer).outerjoin(Opportunity.owner)
             .options(contains_eager(Opportunity.customer), contains_eager(Opportunity.owner))
             .where(Opportunity.archived_at.is_(None)))
    if form.q.data:
        term = like(form.q.data.strip())
        query = query.where(or_(Opportunity.name.like(term, escape="\\"), Customer.name.like(term, escape="\\")))
    if form.stage.data:
        query = query.where(Opportunity.stage == form.stage.data)
    if form.owner_id.data and form.owner_id.data.isdigit():
        query = query.where(Opportunity.owner_id == int(form.owner_id.data))
    if form.close_from.data:
        query = query.where(Opportunity.expected_close_on >= form.close_from.data)
    if form.close_to.data:
        query = query.where(Opportunity.expected_close_on <= form.close_to.data)
    return query.order_by(*sort_clause(OPPORTUNITY_SORTS, form.sort.data, "-updated"))


def probabilities() -> dict:
    return get_setting("opportunity_probabilities")


def weighted_sum_expression():
    """Σ expected amount × the stage's probability, in SQL (probabilities are the admin's settings)."""
    table = probabilities()
    factor = case(*[(Opportunity.stage == stage, literal(funnel.probability(stage, table)))
                    for stage in funnel.STAGES], else_=literal(Decimal("0")))
    return func.coalesce(func.sum(Opportunity.expected_amount * factor), 0)


@dataclass
class Funnel:
    columns: list = field(default_factory=list)   # (stage, count, amount, weighted, conversion into it)
    won: int = 0
    lost: int = 0
    loss_rate: Decimal | None = None
    days_to_win: Decimal | None = None
    loss_reasons: list = field(default_factory=list)
    weighted_pipeline: Decimal = ZERO
    by_owner: list = field(default_factory=list)  # (owner name, open count, open amount, weighted)
    forecast: list = field(default_factory=list)  # (YYYY-MM or None: 未定, open count, amount, weighted) by close month


def funnel_view(user: User, start: date, end: date) -> Funnel:
    """Opportunities created in [start, end): count and amount per stage, conversion between
    consecutive stages (from the furthest stage each reached), 丢单率, days to win, loss reasons.

    Stages, loss reasons and days to win come from one grouped pass over the period's scope: as three
    queries, the 赢单 and 输单 ones read every won or lost opportunity of the company through
    ix_opportunity_stage_close and tested each against a rep's customer list (40 + 55 ms for the busy
    rep; admin 44 + 59 ms), where the rep's period costs 13 ms through ix_opportunity_customer."""
    scoped = access.visible_opportunities(user).where(Opportunity.archived_at.is_(None),
                                                       Opportunity.created_at >= start, Opportunity.created_at < end)
    view = Funnel()
    at_stage, furthest_counts, lost_reasons, (won_days, won_dated) = period_figures(scoped)
    reached = funnel.reached_counts(furthest_counts)
    conversion = funnel.conversion_rates(reached)
    table = probabilities()
    for stage in funnel.STAGES:
        count, amount = at_stage[stage]
        view.columns.append((stage, count, amount, funnel.weighted_amount(amount, stage, table), conversion.get(stage),
                             reached.get(stage)))
    view.won, view.lost = at_stage[WON][0], at_stage[LOST][0]
    view.loss_rate = funnel.loss_rate(view.won, view.lost)
    view.weighted_pipeline = sum((funnel.weighted_amount(at_stage[s][1], s, table) for s in OPEN_STAGES), ZERO)
    view.days_to_win = (Decimal(str(won_days)) / won_dated).quantize(Decimal("0.1")) if won_dated else None
    view.loss_reasons = funnel.ranked_loss_reasons(lost_reasons)
    owner_rows = db.session.execute(
        scoped.where(open_stage(by_stage_index=False)).join(User, User.id == Opportunity.owner_id)
        .with_only_columns(User.display_name, func.count(Opportunity.id),
                           func.coalesce(func.sum(Opportunity.expected_amount), 0), weighted_sum_expression())
        .group_by(User.display_name).order_by(User.display_name)).all()
    view.by_owner = [(name, n, Decimal(amount), Decimal(weighted).quantize(Decimal("0.01"))) for name, n, amount, weighted in owner_rows]
    view.forecast = forecast_by_month(user)
    return view


def period_figures(scoped) -> tuple[dict, dict, dict, tuple]:
    """From one grouped query: [count, amount] per stage, counts per furthest stage reached, lost ones
    per loss reason, and (Σ days, number) of the won ones with a close date."""
    base = scoped.subquery()
    furthest = case((base.c.stage == LOST, base.c.lost_at_stage), else_=base.c.stage)
    days = days_to_win(base.c.created_at, base.c.closed_on)
    won_days = case((base.c.stage == WON, days))
    rows = db.session.execute(
        select(base.c.stage, furthest, base.c.loss_reason, func.count(), func.coalesce(func.sum(base.c.expected_amount), 0),
               func.coalesce(func.sum(won_days), 0), func.count(won_days))
        .group_by(base.c.stage, furthest, base.c.loss_reason)).all()
    at_stage = {stage: [0, ZERO] for stage in funnel.STAGES}
    furthest_counts: dict[str, int] = {}
    lost_reasons: dict[str, int] = {}
    total_days, dated = 0, 0
    for stage, reached, reason, count, amount, stage_days, stage_dated in rows:
        at_stage[stage][0] += count
        at_stage[stage][1] += Decimal(amount)
        if reached:
            furthest_counts[reached] = furthest_counts.get(reached, 0) + count
        if stage == LOST:
            lost_reasons[reason or "其他"] = lost_reasons.get(reason or "其他", 0) + count
        total_days, dated = total_days + stage_days, dated + stage_dated
    return at_stage, furthest_counts, lost_reasons, (total_days, dated)


def days_to_win(created_at, closed_on):
    """Days from an opportunity's creation day to its close date, in SQL."""
    if on_sqlite():
        return func.julianday(closed_on) - func.julianday(func.date(created_at))
    return closed_on - cast(created_at, Date)


def open_stage(by_stage_index: bool):
    """Open stages; `by_stage_index=False` writes the stage as an expression so no stage index applies.

    Where the query has a better way in, the stage index is a trap: the period's open ones by owner
    come from the covering period indexes (ix_opportunity_funnel, ix_opportunity_owner_created), and a
    rep's scope is a customer list (~3,800 customers, ~1,100 opportunities for the busy rep) answered
    through ix_opportunity_customer in 5-10 ms, where walking ix_opportunity_stage_close tests every
    open opportunity of the company against the list (71 ms per query)."""
    stage = Opportunity.stage if by_stage_index else Opportunity.stage + ""
    return stage.in_(OPEN_STAGES)


def forecast_by_month(user: User) -> list:
    """预测: every open opportunity in scope by expected close month, with its weighted amount (one query)."""
    year, month = extract("year", Opportunity.expected_close_on), extract("month", Opportunity.expected_close_on)
    rows = db.session.execute(
        access.visible_opportunities(user).where(open_stage(by_stage_index=user.role != "sales"),
                                                  Opportunity.archived_at.is_(None))
        .with_only_columns(year, month, func.count(Opportunity.id), func.coalesce(func.sum(Opportunity.expected_amount), 0),
                           weighted_sum_expression())
        .group_by(year, month).order_by(year, month)).all()
    return [(f"{int(y):04d}-{int(m):02d}" if y is not None else None, n, Decimal(amount),
             Decimal(weighted).quantize(Decimal("0.01"))) for y, m, n, amount, weighted in rows]


def opportunity_quotes(opportunity: Opportunity) -> list[Quote]:
    return list(db.session.scalars(select(Quote).where(Quote.opportunity_id == opportunity.id)
                                   .options(joinedload(Quote.lines), joinedload(Quote.owner))
                                   .order_by(Quote.quoted_on.desc(), Quote.id.desc())).unique())


def opportunity_history(opportunity: Opportunity) -> list[OpportunityStageChange]:
    return list(db.session.scalars(select(OpportunityStageChange)
                                   .where(OpportunityStageChange.opportunity_id == opportunity.id)
                                   .options(joinedload(OpportunityStageChange.changed_by))
                                   .order_by(OpportunityStageChange.changed_at, OpportunityStageChange.id)))


def active_products() -> list[Product]:
    return list(db.session.scalars(select(Product).where(Product.status == "在售", Product.archived_at.is_(None))
                                   .order_by(Product.name, Product.product_version)))


# --- orders -----------------------------------------------------------------------------------------

def filtered_orders(user: User, form, for_totals: bool = False):
    """The order list; `for_totals`: the same rows without the joins the table shows (sums only)."""
    if for_totals:
        query = access.visible_orders(user)
        if form.q.data:
            query = query.join(Order.customer)
    else:
        query = (access.visible_orders_for_list(user).join(Order.customer).outerjoin(Order.owner)
                 .options(contains_eager(Order.customer), contains_eager(Order.owner)))
    if form.q.data:
        term = like(form.q.data.strip())
        query = query.where(or_(Order.number.like(term, escape="\\"), Customer.name.like(term, escape="\\")))
    if form.status.data:
        query = query.where(Order.status == form.status.data)
    if form.owner_id.data and form.owner_id.data.isdigit():
        query = query.where(Order.owner_id == int(form.owner_id.data))
    if form.signed_from.data:
        query = query.where(Order.signed_on >= form.signed_from.data)
    if form.signed_to.data:
        query = query.where(Order.signed_on <= form.signed_to.data)
    if form.receivable.data == "open":
        query = query.where(Order.received_amount < Order.total, Order.status != "已取消")
    elif form.receivable.data == "settled":
        query = query.where(Order.received_amount >= Order.total)
    if for_totals:
        return query
    return query.order_by(*sort_clause(ORDER_SORTS, form.sort.data, "-signed"))


def order_totals(query) -> dict:
    """Totals of a filtered order list (filtered_orders(..., for_totals=True)) in one SQL aggregate,
    cancelled orders left out."""
    total, received, invoiced, cost = db.session.execute(query.where(Order.status != "已取消").with_only_columns(
        func.coalesce(func.sum(Order.total), 0), func.coalesce(func.sum(Order.received_amount), 0),
        func.coalesce(func.sum(Order.invoiced_amount), 0), func.coalesce(func.sum(Order.cost), 0))).one()
    total, received, invoiced, cost = (Decimal(v) for v in (total, received, invoiced, cost))
    return {"total": total, "received": received, "receivable": total - received, "invoiced": invoiced,
            "gross_profit": total - cost}


def order_payments(order: Order) -> list[tuple[Payment, Decimal]]:
    """Payments oldest first with the receivable left after each (a running balance)."""
    payments = list(db.session.scalars(select(Payment).where(Payment.order_id == order.id)
                                       .options(joinedload(Payment.recorded_by))
                                       .order_by(Payment.paid_on, Payment.id)))
    running, rows = order.total, []
    for payment in payments:
        running -= payment.amount
        rows.append((payment, running))
    return rows


# --- receivables 应收账款 ------------------------------------------------------------------------------

def open_instalments(user: User):
    """Unsettled instalments of live orders the user is responsible for (access.instalment_owner_condition)."""
    return select(PaymentInstalment).where(PaymentInstalment.settled.is_(False), access.instalment_owner_condition(user))


def ageing_by_rep(user: User, today: date) -> list:
    """One row per rep: outstanding per ageing bucket and in total (one grouped query)."""
    base = open_instalments(user).subquery()
    rows = db.session.execute(
        select(User.display_name, *[c for c in ageing_columns_for(base, today)])
        .select_from(base).outerjoin(User, User.id == base.c.owner_id)
        .group_by(User.display_name).order_by(User.display_name)).all()
    return [(name or "—", [Decimal(v) for v in values]) for name, *values in rows]


def ageing_columns_for(base, today: date):
    outstanding = base.c.amount - base.c.paid_amount
    columns = []
    for name, low, high in ageing.bucket_bounds(today):
        conditions = [literal(True)]
        if low is not None:
            conditions.append(base.c.due_on >= low)
        if high is not None:
            conditions.append(base.c.due_on <= high)
        columns.append(func.coalesce(func.sum(case((and_(*conditions), outstanding), else_=0)), 0))
    columns.append(func.coalesce(func.sum(outstanding), 0))
    return columns


CUSTOMER_AGEING_ROWS = 100


def ageing_by_customer(user: User, today: date) -> list:
    """The customers owing most (top CUSTOMER_AGEING_ROWS), per bucket. Open instalments carry their
    order's customer, so they are grouped per customer straight from ix_instalment_open_customer (an
    admin's 30,000 open instalments: 57 → see bench ms), never per order and then through the orders."""
    base = open_instalments(user).subquery()
    sums = ageing_columns_for(base, today)
    rows = db.session.execute(
        select(base.c.customer_id, *sums).group_by(base.c.customer_id)
        .order_by(sums[-1].desc(), base.c.customer_id).limit(CUSTOMER_AGEING_ROWS)).all()
    names = dict(db.session.execute(select(Customer.id, Customer.name).where(Customer.id.in_([r[0] for r in rows]))).all())
    return [(customer_id, names.get(customer_id, "—"), *[Decimal(v or 0) for v in values]) for customer_id, *values in rows]


# --- the customer page's section ------------------------------------------------------------------

def customer_sales(user: User, customer: Customer) -> dict:
    """What templates/sales/_customer_sales.html shows: opportunities (sellers), every quote the
    customer received, orders, receivable and payment history; each list one query."""
    opportunities = []
    if user.role in {"sales", "supervisor", "admin"}:
        opportunities = list(db.session.scalars(
            access.visible_opportunities(user).where(Opportunity.customer_id == customer.id)
            .options(joinedload(Opportunity.owner)).order_by(Opportunity.created_at.desc(), Opportunity.id.desc())))
    quotes = list(db.session.scalars(
        access.visible_quotes(user).where(Quote.customer_id == customer.id)
        .options(joinedload(Quote.lines), joinedload(Quote.owner))
        .order_by(Quote.quoted_on.desc(), Quote.id.desc())).unique())
    orders = list(db.session.scalars(
        access.visible_orders(user).where(Order.customer_id == customer.id)
        .options(joinedload(Order.owner)).order_by(Order.signed_on.desc(), Order.id.desc())))
    payments = list(db.session.scalars(
        access.visible_payments(user).join(Order, Order.id == Payment.order_id).where(Order.customer_id == customer.id)
        .options(contains_eager(Payment.order)).order_by(Payment.paid_on.desc(), Payment.id.desc()).limit(50)))
    live = [o for o in orders if o.status != "已取消"]
    receivable = sum((o.total - o.received_amount for o in live), ZERO)
    handover = db.session.scalar(select(AfterSalesHandover).where(AfterSalesHandover.customer_id == customer.id)
                                 .options(joinedload(AfterSalesHandover.owner)))
    return {"opportunities": opportunities, "quotes": quotes, "orders": orders, "payments": payments,
            "handover": handover,
            "receivable": receivable, "received": sum((o.received_amount for o in live), ZERO)}


def service_staff_choices() -> list[tuple[str, str]]:
    """Active 客服 staff, the people a 售后跟踪责任人 is chosen from."""
    query = (select(User.id, User.display_name).where(User.role == "service", User.is_active_user.is_(True))
             .order_by(User.display_name))
    return [(str(uid), name) for uid, name in db.session.execute(query)]


def customer_in_scope(user: User, customer_id: int) -> bool:
    return db.session.scalar(select(Customer.id).where(Customer.id == customer_id,
                                                       Customer.id.in_(visible_customer_ids(user)))) is not None
