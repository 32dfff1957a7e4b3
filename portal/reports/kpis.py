"""THE module that computes review KPIs (DESIGN.md 考核), used by the web view, the PDF and the export.

Each KPI is defined by two queries, its numerator rows and its denominator rows, each selecting
(record_id, owner_id, value). Figures are `SUM(value) GROUP BY owner_id` of those queries, and the
drill-down lists are exactly the rows of the same queries, so a number and its list always agree.
"""
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, and_, exists, extract, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from flask_babel import gettext as _

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import Department, User
from portal.models.customers import Customer
from portal.models.followups import FollowUp
from portal.models.sales import Order
from portal.models.revisits import (
    SPOT_CHECK_PASS,
    SPOT_CHECK_PENDING,
    SPOT_CHECK_UNTRUE,
    RevisitRecord,
    RevisitTask,
    SpotCheck,
)
from portal.models.tickets import DONE_STATUSES, Ticket
from portal.reports import health_kpis, sales_kpis
from portal.reports.customer_kpis import (  # noqa: F401  (the routes read KEY_FIELD_LABELS from here)
    KEY_FIELD_LABELS,
    active_customers,
    completeness_fields,
    completeness_filled,
    conversion_base,
    conversion_won,
    customer_part_sums,
    retention_base,
    retention_kept,
)
from portal.reports.one_pass import sums_in_one_pass
from portal.reports.periods import Period, add_months
from portal.rules import kpi as rules

PERCENT, MEAN = "percent", "mean"


@dataclass(frozen=True)
class Scope:
    """What a review covers: the company, one department, or one employee."""

    kind: str
    label: str
    department: Department | None = None
    user: User | None = None

    @property
    def key(self) -> str:
        return {"company": "company", "department": f"d{self.department.id if self.department else ''}",
                "employee": f"u{self.user.id if self.user else ''}"}[self.kind]

    def owner_condition(self, owner_column):
        """Restrict a record's responsible-person column to this scope (company: no restriction)."""
        if self.kind == "employee":
            return owner_column == self.user.id
        if self.kind == "department":
            return owner_column.in_(select(User.id).where(User.department_id == self.department.id))
        return literal(True)


@dataclass
class Figure:
    """One KPI value with the counts it was computed from."""

    code: str
    numerator: Decimal
    denominator: Decimal
    value: Decimal | None
    available: bool = True

    @property
    def text(self) -> str:
        if not self.available:
            return rules.EMPTY
        if KPIS[self.code].display == MEAN:
            return rules.format_score(self.value, 2)
        return rules.format_percent(self.value)

    def as_json(self) -> dict:
        return {"numerator": str(self.numerator), "denominator": str(self.denominator), "text": self.text}


@dataclass(frozen=True)
class KpiSpec:
    code: str
    record: str  # what the drill-down lists: customer, ticket, revisit_task, revisit_record, spot_check
    numerator: Callable[[Period, Scope], Select]
    denominator: Callable[[Period, Scope], Select]
    display: str = PERCENT
    evaluate: Callable[[Decimal, Decimal], Decimal | None] = rules.ratio
    available: bool = True
    numerator_label: str = N_("分子")
    denominator_label: str = N_("分母")
    weighted: bool = True

    @property
    def name(self) -> str:
        return KPI_NAMES.get(self.code, rules.KPI_DEFINITIONS.get(self.code, (self.code, ""))[0])

    @property
    def definition(self) -> str:
        return rules.KPI_DEFINITIONS.get(self.code, ("", KPI_EXTRA_DEFINITIONS.get(self.code, "")))[1]


# --- the KPIs ------------------------------------------------------------------------------------


def ticket_rows(owner_column, period, scope):
    """Tickets attributed to `owner_column` within the scope."""
    return select(Ticket.id.label("record_id"), owner_column.label("owner_id"), literal(1).label("value")).where(
        scope.owner_condition(owner_column)
    )


def received(period):
    return and_(Ticket.received_at >= period.start_at, Ticket.received_at < period.end_at)


def complaints(period, scope):
    """客户投诉率 numerator: complaint tickets received in the period, for the customer's owner."""
    rows = ticket_rows(Customer.owner_id, period, scope).join(Customer, Customer.id == Ticket.customer_id)
    return rows.where(received(period), Ticket.kind == "投诉")


def tickets_raised(period, scope):
    """问题解决率 denominator: tickets received in the period, for their assignee."""
    return ticket_rows(Ticket.assignee_id, period, scope).where(received(period))


def tickets_resolved_of_raised(period, scope):
    """问题解决率 numerator: of those, resolved (已解决/已回访关闭) by period end."""
    return tickets_raised(period, scope).where(
        Ticket.status.in_(DONE_STATUSES), Ticket.resolved_at < period.end_at
    )


def tickets_resolved(period, scope):
    """处理及时率 denominator: tickets resolved in the period."""
    return ticket_rows(Ticket.assignee_id, period, scope).where(
        Ticket.resolved_at >= period.start_at, Ticket.resolved_at < period.end_at
    )


def tickets_resolved_in_sla(period, scope):
    """处理及时率 numerator: of those, resolved by the resolve deadline and never marked breached."""
    return tickets_resolved(period, scope).where(
        Ticket.resolve_breached_at.is_(None),
        or_(Ticket.resolve_due_at.is_(None), Ticket.resolved_at <= Ticket.resolve_due_at),
    )


def revisit_scored(value):
    """客户满意度 rows: completed revisit records with a score in the period, valued by `value`."""
    def rows(period, scope):
        return select(
            RevisitRecord.id.label("record_id"), RevisitRecord.staff_id.label("owner_id"), value.label("value")
        ).where(
            scope.owner_condition(RevisitRecord.staff_id),
            RevisitRecord.revisited_at >= period.start_at,
            RevisitRecord.revisited_at < period.end_at,
            RevisitRecord.outcome == "完成",
            RevisitRecord.satisfaction.is_not(None),
            ~found_untrue(RevisitRecord.id),
        )

    return rows


def found_untrue(record_id):
    """A spot-check found this revisit record 不真实: it counts as not done and leaves 客户满意度."""
    return exists().where(SpotCheck.record_id == record_id, SpotCheck.result == SPOT_CHECK_UNTRUE)


def satisfied_records(period, scope):
    """满意占比 numerator: scored records with 4 or 5."""
    return revisit_scored(literal(1))(period, scope).where(RevisitRecord.satisfaction >= 4)


def satisfaction_part_sums(period, scope) -> dict[tuple[str, str], dict[int | None, Decimal]]:
    """The four parts of 客户满意度 and 满意占比 count the same scored revisit records: one pass, not four
    (each part re-read the period's records and their spot-checks: ≈40 ms apiece for the company)."""
    facts = revisit_scored(RevisitRecord.satisfaction)(period, scope).subquery()
    return sums_in_one_pass(facts, {
        ("satisfaction", "numerator"): (true(), facts.c.value),
        ("satisfaction", "denominator"): (true(), 1),
        ("satisfaction_share", "numerator"): (facts.c.value >= 4, 1),
        ("satisfaction_share", "denominator"): (true(), 1),
    })


def revisit_tasks_due(period, scope):
    """回访完成率 denominator: tasks due in the period (cancelled ones excluded)."""
    return select(
        RevisitTask.id.label("record_id"), RevisitTask.assignee_id.label("owner_id"), literal(1).label("value")
    ).where(
        scope.owner_condition(RevisitTask.assignee_id),
        RevisitTask.due_on >= period.start,
        RevisitTask.due_on < period.end,
        RevisitTask.status != "已取消",
    )


def revisit_tasks_done(period, scope):
    """回访完成率 numerator: of those, 已完成 (and not found 不真实 by a spot-check)."""
    untrue = exists().where(RevisitRecord.task_id == RevisitTask.id, found_untrue(RevisitRecord.id))
    return revisit_tasks_due(period, scope).where(RevisitTask.status == "已完成", ~untrue)


def spot_checks_made(period, scope):
    """抽查合格率 denominator: concluded spot-checks of revisit records made in the period (a Q3
    revisit checked in October counts in Q3), for the staff member checked."""
    return select(
        SpotCheck.id.label("record_id"), SpotCheck.staff_id.label("owner_id"), literal(1).label("value")
    ).join(RevisitRecord, RevisitRecord.id == SpotCheck.record_id).where(
        scope.owner_condition(SpotCheck.staff_id),
        SpotCheck.result != SPOT_CHECK_PENDING,
        RevisitRecord.revisited_at >= period.start_at,
        RevisitRecord.revisited_at < period.end_at,
    )


def spot_checks_passed(period, scope):
    """抽查合格率 numerator: of those, 合格."""
    return spot_checks_made(period, scope).where(SpotCheck.result == SPOT_CHECK_PASS)


def order_amounts(period, scope):
    """Totals of the orders signed in the period (cancelled ones left out), for the order's owner."""
    return select(Order.id.label("record_id"), Order.owner_id.label("owner_id"), Order.total.label("value")).where(
        scope.owner_condition(Order.owner_id), Order.signed_on >= period.start, Order.signed_on < period.end,
        Order.status != "已取消",
    )


def orders_this_period(period, scope):
    """业务增长率 numerator: this period's order amounts."""
    return order_amounts(period, scope)


def orders_previous_period(period, scope):
    """业务增长率 denominator: the previous period's order amounts."""
    return order_amounts(period.previous(), scope)


def followups_due(period, scope):
    """Follow-ups whose recorded next action fell due in the period, counted for their author.

    Only due dates before today count: a next action due later (or today) can still be met."""
    return select(FollowUp.id.label("record_id"), FollowUp.author_id.label("owner_id"), literal(1).label("value")).where(
        scope.owner_condition(FollowUp.author_id),
        FollowUp.next_action_on >= period.start,
        FollowUp.next_action_on < min(period.end, clock.today()),
    )


def followups_on_time(period, scope):
    """跟进及时率 numerator: of those, followed by another contact on the customer by the due date."""
    later = aliased(FollowUp)
    # The customer's next contact after this one: a single seek on (customer_id, contacted_at).
    next_contact = (
        select(func.min(later.contacted_at))
        .where(later.customer_id == FollowUp.customer_id, later.contacted_at > FollowUp.contacted_at)
        .correlate(FollowUp)
        .scalar_subquery()
    )
    return followups_due(period, scope).where(func.date(next_contact) <= FollowUp.next_action_on)


def nothing(period, scope):
    """No rows (a KPI whose records do not exist yet)."""
    return select(literal(0).label("record_id"), literal(None).label("owner_id"), literal(0).label("value")).where(
        literal(False)
    )


KPI_NAMES = {"satisfaction_share": N_("满意占比（4分及以上）")} | health_kpis.HEALTH_KPI_NAMES
KPI_EXTRA_DEFINITIONS = {"satisfaction_share": N_("统计期内满意度评分为4分或5分的回访记录数 ÷ 有评分的回访记录数。")} | \
    health_kpis.HEALTH_KPI_DEFINITIONS

KPI_LIST = (
    KpiSpec("satisfaction", "revisit_record", revisit_scored(RevisitRecord.satisfaction), revisit_scored(literal(1)),
            display=MEAN, evaluate=rules.mean, numerator_label=N_("评分合计"), denominator_label=N_("有评分的回访记录")),
    KpiSpec("satisfaction_share", "revisit_record", satisfied_records, revisit_scored(literal(1)),
            numerator_label=N_("4分及以上记录"), denominator_label=N_("有评分的回访记录"), weighted=False),
    KpiSpec("retention", "customer", retention_kept, retention_base,
            numerator_label=N_("期末仍在保的客户"), denominator_label=N_("期初成交客户")),
    KpiSpec("complaint_rate", "customer", complaints, active_customers,
            numerator_label=N_("受理的投诉工单"), denominator_label=N_("活跃客户")),
    KpiSpec("growth", "order", orders_this_period, orders_previous_period, evaluate=rules.growth,
            numerator_label=N_("本期成交金额"), denominator_label=N_("上期成交金额")),
    KpiSpec("completeness", "customer", completeness_filled, completeness_fields,
            numerator_label=N_("已填关键字段"), denominator_label=N_("关键字段总数")),
    KpiSpec("revisit_completion", "revisit_task", revisit_tasks_done, revisit_tasks_due,
            numerator_label=N_("已完成回访任务"), denominator_label=N_("到期回访任务")),
    KpiSpec("resolution_rate", "ticket", tickets_resolved_of_raised, tickets_raised,
            numerator_label=N_("已解决工单"), denominator_label=N_("受理工单")),
    KpiSpec("timeliness_sla", "ticket", tickets_resolved_in_sla, tickets_resolved,
            numerator_label=N_("SLA内解决"), denominator_label=N_("已解决工单")),
    KpiSpec("conversion", "customer", conversion_won, conversion_base,
            numerator_label=N_("转为成交的客户"), denominator_label=N_("期初潜在/意向客户")),
    KpiSpec("followup_timeliness", "followup", followups_on_time, followups_due,
            numerator_label=N_("按时跟进"), denominator_label=N_("应跟进")),
    KpiSpec("spot_check_pass", "spot_check", spot_checks_passed, spot_checks_made,
            numerator_label=N_("抽查合格"), denominator_label=N_("抽查总数")),
    KpiSpec("warning_timeliness", "churn_warning", health_kpis.warnings_handled_in_time, health_kpis.warnings_due,
            numerator_label=N_("按期处理的预警"), denominator_label=N_("应处理的预警"), weighted=False),
    KpiSpec("win_back", "churn_warning", health_kpis.warnings_won_back, health_kpis.warnings_raised,
            numerator_label=N_("90天内挽回"), denominator_label=N_("发出的预警"), weighted=False),
)
# The selling KPIs (回款率, 目标完成率) are defined beside this module (portal.reports.sales_kpis).
KPI_LIST += tuple(KpiSpec(**parts) for parts in sales_kpis.SALES_KPI_PARTS)
KPIS = {spec.code: spec for spec in KPI_LIST}
# Which part of complaint_rate lists which record: numerator tickets, denominator customers.
DRILL_RECORDS = {("complaint_rate", "numerator"): "ticket", **sales_kpis.DRILL_RECORDS}


def drill_record(code: str, part: str) -> str:
    return DRILL_RECORDS.get((code, part), KPIS[code].record)


def part_query(code: str, part: str, period: Period, scope: Scope) -> Select:
    """The rows one part (numerator/denominator) of a KPI counts: the drill-down list's source."""
    spec = KPIS[code]
    return (spec.numerator if part == "numerator" else spec.denominator)(period, scope)


def sums_by_owner(query: Select) -> dict[int | None, Decimal]:
    """SUM(value) of a KPI part's rows per responsible person, in one grouped query."""
    rows = query.subquery()
    grouped = select(rows.c.owner_id, func.sum(rows.c.value)).group_by(rows.c.owner_id)
    return {owner: Decimal(str(total or 0)) for owner, total in db.session.execute(grouped)}


@dataclass
class KpiCounts:
    """Numerator and denominator sums per responsible person for every KPI in one period."""

    numerators: dict[str, dict] = field(default_factory=dict)
    denominators: dict[str, dict] = field(default_factory=dict)

    def figure(self, code: str, owners=None) -> Figure:
        """The KPI over the given owners (None: every row, unowned included)."""
        spec = KPIS[code]
        if not spec.available:
            return Figure(code, Decimal(0), Decimal(0), None, available=False)
        # A snapshot counted before a KPI existed has no sums for it: no data, not an error.
        numerator = total(self.numerators.get(code, {}), owners)
        denominator = total(self.denominators.get(code, {}), owners)
        return Figure(code, numerator, denominator, spec.evaluate(numerator, denominator))


def total(by_owner: dict, owners) -> Decimal:
    """The sum over some owners (None: all, unowned included)."""
    if owners is None:
        return sum(by_owner.values(), Decimal(0))
    # Only the owners with rows: a company review sums ≈20,000 figures per page view.
    return sum([by_owner[owner] for owner in owners if owner in by_owner], Decimal(0))


def count_kpis(period: Period, scope: Scope) -> KpiCounts:
    """The customer, satisfaction and collection parts in one pass each (portal.reports.one_pass), then
    two grouped aggregate queries per other available KPI, whatever the number of staff or records."""
    counts = KpiCounts()
    for one_pass in (customer_part_sums, satisfaction_part_sums, sales_kpis.collection_part_sums):
        for (code, part), sums in one_pass(period, scope).items():
            (counts.numerators if part == "numerator" else counts.denominators)[code] = sums
    for spec in KPI_LIST:
        if spec.available and spec.code not in counts.numerators:
            counts.numerators[spec.code] = sums_by_owner(spec.numerator(period, scope))
        if spec.available and spec.code not in counts.denominators:
            counts.denominators[spec.code] = sums_by_owner(spec.denominator(period, scope))
    return counts


class FiguresOf(Mapping):
    """Each KPI's figure over some owners, worked out when first read: the web page of a company
    review shows the previous period's figures for one page of its ≈200 employees, not all of them."""

    def __init__(self, counts: KpiCounts, owners):
        self._counts, self._owners, self._figures = counts, owners, {}

    def __getitem__(self, code: str) -> Figure:
        if code not in self._figures:
            if code not in KPIS:
                raise KeyError(code)
            self._figures[code] = self._counts.figure(code, self._owners)
        return self._figures[code]

    def __iter__(self) -> Iterator[str]:
        return iter(KPIS)

    def __len__(self) -> int:
        return len(KPIS)


@dataclass
class Row:
    """A line of the review: the company, a department or an employee, with score and rank."""

    key: str
    label: str
    figures: dict[str, Figure]
    previous: Mapping[str, Figure]
    department: str = ""
    score: Decimal | None = None
    rank: int | None = None

    @property
    def score_text(self) -> str:
        return rules.format_score(self.score)

    def change_text(self, code: str) -> str:
        return change_text(code, self.figures[code], self.previous[code])


def change_text(code: str, current: Figure, previous: Figure) -> str:
    """Change against the previous period: percentage points for rates, points for satisfaction."""
    if current.value is None or previous.value is None:
        return rules.EMPTY
    delta = current.value - previous.value
    if KPIS[code].display == MEAN:
        text = rules.format_score(delta, 2)
    else:
        text = _("%(points)s个百分点", points=rules.format_score(delta * 100, 1))
    return text if text.startswith("-") or delta == 0 else "+" + text


def assessment_score(figures: dict[str, Figure], weights: dict) -> Decimal | None:
    """Weighted score 0–100 of the weighted KPIs present (portal.rules.kpi), rounded to 0.1."""
    points = {code: rules.score_points(code, f.value) for code, f in figures.items() if KPIS[code].weighted}
    score = rules.weighted_score(points, {code: weights.get(code, 0) for code in points})
    return None if score is None else score.quantize(Decimal("0.1"))


@dataclass
class Review:
    """Everything a review shows: totals, previous period, departments and employees with ranks."""

    period: Period
    previous_period: Period
    scope: Scope
    total: Row
    departments: list[Row]
    employees: list[Row]
    trend: list[tuple[str, Decimal]] = field(default_factory=list)
    as_of: datetime | None = None  # when the counts were made, if they came from a snapshot
    # The period has not ended: its data runs to this day (数据截至), and it cannot be issued.
    data_until: date | None = None

    @property
    def has_ended(self) -> bool:
        return self.data_until is None

    @property
    def kpis(self) -> tuple[KpiSpec, ...]:
        return KPI_LIST

    @property
    def ranked_employees(self) -> list[Row]:
        """Employees best first; those without a score after, in staff order."""
        return sorted(self.employees, key=lambda row: (row.rank is None, row.rank or 0))

    @property
    def ranked_departments(self) -> list[Row]:
        return sorted(self.departments, key=lambda row: (row.rank is None, row.rank or 0))

    def as_json(self) -> dict:
        """The frozen figures of an issued review."""
        def row_json(row: Row) -> dict:
            return {
                "label": row.label, "department": row.department, "score": row.score_text, "rank": row.rank,
                "figures": {code: f.as_json() for code, f in row.figures.items()},
                "previous": {code: f.as_json() for code, f in row.previous.items()},
            }

        return {
            "period": self.period.label, "scope": self.scope.label, "total": row_json(self.total),
            "departments": {row.key: row_json(row) for row in self.departments},
            "employees": {row.key: row_json(row) for row in self.employees},
        }


def build_review(period: Period, scope: Scope, staff: list[User], departments: list[Department],
                 weights: dict, count: Callable[[Period, Scope], KpiCounts] = count_kpis) -> Review:
    """Compute the review for `scope` over `period` and the period before; `staff` are the employees
    to list (already scoped to what the viewer may see); `count` supplies each period's sums (live
    by default, portal.reports.snapshots for the web page)."""
    previous_period = period.previous()
    current, previous = count(period, scope), count(previous_period, scope)

    def row(key, label, owners, department=""):
        figures = {code: current.figure(code, owners) for code in KPIS}
        before = FiguresOf(previous, owners)
        return Row(key, label, figures, before, department, assessment_score(figures, weights))

    owners_total = None if scope.kind == "company" else [u.id for u in staff]
    total_row = row(scope.key, scope.label, owners_total)
    employees = [row(f"u{u.id}", u.display_name, [u.id], u.department.name if u.department else "") for u in staff]
    # Ranking one person against themself says nothing: an employee scope leaves rank empty (the
    # assessment sheet ranks within the department instead).
    ranks = rules.rank({r.key: r.score for r in employees}) if scope.kind != "employee" else {}
    for employee in employees:
        employee.rank = ranks.get(employee.key)
    department_rows = []
    if scope.kind == "company":
        for department in departments:
            members = [u.id for u in staff if u.department_id == department.id]
            department_rows.append(row(f"d{department.id}", department.name, members, department.name))
        department_ranks = rules.rank({r.key: r.score for r in department_rows})
        for department_row in department_rows:
            department_row.rank = department_ranks[department_row.key]
    trend = monthly_order_amounts(previous_period.start, period.end, scope)
    return Review(period, previous_period, scope, total_row, department_rows, employees, trend)


def monthly_order_amounts(start, end, scope: Scope) -> list[tuple[str, Decimal]]:
    """Order amount signed per month over [start, end) in the scope (months without orders as 0), one query."""
    year, month = extract("year", Order.signed_on), extract("month", Order.signed_on)
    query = (
        select(year, month, func.sum(Order.total))
        .where(scope.owner_condition(Order.owner_id), Order.signed_on >= start, Order.signed_on < end,
               Order.status != "已取消")
        .group_by(year, month)
    )
    sums = {(int(y), int(m)): Decimal(str(total or 0)) for y, m, total in db.session.execute(query)}
    months, day = [], start.replace(day=1)
    while day < end:
        months.append((f"{day:%Y-%m}", sums.get((day.year, day.month), Decimal(0))))
        day = add_months(day, 1)
    return months
