"""Scoring customers, keeping the monthly history and the churn-warning episodes. Nothing here commits
except `score_all`, the nightly job, which writes in short batches of its own.

The inputs are read set-based (portal.customer_health.inputs: one GROUP BY per input), the rules of
portal.rules.health judge each customer in memory, and the results are written with bulk upserts. The
same path rescores one customer when an event changes it (`rescore`), inside the caller's transaction.
"""
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, select, text, update

from portal import clock, events
from portal.calendar import work_calendar
from portal.customer_health import inputs
from portal.database import long_read, on_sqlite, upsert
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.customer_health import (
    WARNING_OPEN,
    WARNING_RECOVERED,
    CareAction,
    ChurnWarning,
    CustomerHealth,
    CustomerHealthMonth,
)
from portal.rules import health as rules
from portal.settings_store import get_setting

# Rows per write transaction of the nightly job: on SQLite each holds the write lock for a moment only
# (≈0.1 s on a loaded 2-core machine), so pages' writes wait at most that long between batches.
BATCH = 1_000
NO_WARNING_STAGES = ("流失",)  # already lost: nothing left to warn about


@dataclass
class Scored:
    customer_id: int
    owner_id: int | None
    stage: str
    score: int | None
    level: str | None
    factors: dict
    last_90d: int
    previous_90d: int
    peak: int | None
    peak_on: date | None
    previous_level: str | None
    reasons: list[str] = field(default_factory=list)


def health_settings() -> tuple[dict, dict, dict]:
    return dict(get_setting("health_weights")), dict(get_setting("health_thresholds")), dict(get_setting("cadence_days"))


def stored_rows(ids=None) -> dict[int, tuple]:
    """(level, peak_score, peak_on) of the customers' current health rows."""
    query = select(CustomerHealth.customer_id, CustomerHealth.level, CustomerHealth.peak_score, CustomerHealth.peak_on)
    if ids is not None:
        query = query.where(CustomerHealth.customer_id.in_(ids))
    return {row[0]: row[1:] for row in db.session.execute(query)}


def factors_json(assessment: rules.Assessment) -> dict:
    """{code: [value, words, share of the score]} — what the page shows and the weights preview reuses."""
    return {c.factor.code: [None if c.factor.value is None else round(c.factor.value, 4), c.factor.words,
                            round(c.weight, 4)] for c in assessment.contributions}


def assess_customers(now: datetime, ids=None) -> list[Scored]:
    """Score the customers (all, or `ids`) as of `now` from set-based aggregates; nothing is written."""
    today = now.date()
    weights, thresholds, cadence_days = health_settings()
    customers = inputs.scored_customers(ids)
    interactions = inputs.interaction_counts(now, ids)
    complaints = inputs.complaint_counts(now, ids)
    satisfaction = inputs.satisfaction_means(now, ids)
    amounts = inputs.cooperation_amounts(today)
    payments = inputs.payment_positions(today, ids)
    stored = stored_rows(ids)
    ranked = sorted(amounts.values())
    expected_90d = {grade: rules.expected_interactions(grade, cadence_days, rules.INTERACTION_WINDOW_DAYS)
                    for grade in cadence_days}
    # Most customers share their inputs (same grade, a handful of contacts, no complaints): judging each
    # distinct set of inputs once keeps 100,000 customers to a few thousand rule evaluations.
    judged: dict[tuple, tuple] = {}
    scored = []
    for customer_id, grade, created_at, total_deal_amount, owner_id, stage in customers:
        last, previous = interactions.get(customer_id, (0, 0))
        amount = amounts.get(customer_id)
        created_on = created_at.date() if created_at else today
        days_on_file = (today - created_on).days
        key = (grade, amount, bool(total_deal_amount), last, previous, rules.observed_days(created_on, today),
               min(days_on_file, 2 * rules.INTERACTION_WINDOW_DAYS),
               tuple(sorted(complaints.get(customer_id, {}).items())), satisfaction.get(customer_id),
               payments.get(customer_id))
        if key not in judged:
            percentile = bisect_right(ranked, amount) / len(ranked) if amount is not None else None
            factors = [
                rules.scale_factor(amount, percentile, bool(total_deal_amount)),
                rules.interaction_factor(last, grade, cadence_days, key[5]),
                rules.complaints_factor(complaints.get(customer_id, {})),
                rules.satisfaction_factor(*(key[8] or (None, 0))),
                rules.payment_factor(*(key[9] or (None, None))),
                rules.trend_factor(last, previous, days_on_file),
            ]
            assessment = rules.assess(factors, weights, thresholds)
            judged[key] = (assessment.score, assessment.level, factors_json(assessment))
        score, level, factors_stored = judged[key]
        previous_level, peak, peak_on = stored.get(customer_id, (None, None, None))
        peak, peak_on = rules.roll_peak(peak, peak_on, score, today)
        reasons = rules.warning_reasons(
            level=level, previous_level=previous_level, score=score, peak_30d=peak,
            last_90d=last, previous_90d=previous, grade=grade, expected_90d=expected_90d.get(grade, 0))
        scored.append(Scored(customer_id, owner_id, stage, score, level, factors_stored, last, previous, peak,
                             peak_on, previous_level, reasons))
    return scored


def chunks(rows: list, size: int = BATCH):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def write_scores(scored: list[Scored], now: datetime, commit: bool) -> float:
    """Upsert the current rows and this month's history row, in batches (each its own short
    transaction when `commit`). Returns the longest batch in seconds."""
    month = now.date().replace(day=1)
    current = upsert(CustomerHealth.__table__)
    current = current.on_conflict_do_update(index_elements=["customer_id"], set_={
        name: current.excluded[name] for name in ("score", "level", "computed_at", "factors", "interactions_90d",
                                                  "interactions_prev_90d", "peak_score", "peak_on")})
    history = upsert(CustomerHealthMonth.__table__)
    history = history.on_conflict_do_update(index_elements=["customer_id", "month"], set_={
        "score": history.excluded.score, "level": history.excluded.level})
    longest = 0.0
    for batch in chunks(scored):
        started = time.perf_counter()
        db.session.execute(current, [dict(
            customer_id=s.customer_id, score=s.score, level=s.level, computed_at=now, factors=s.factors,
            interactions_90d=s.last_90d, interactions_prev_90d=s.previous_90d, peak_score=s.peak, peak_on=s.peak_on,
        ) for s in batch])
        db.session.execute(history, [dict(customer_id=s.customer_id, month=month, score=s.score, level=s.level)
                                     for s in batch])
        if commit:
            db.session.commit()
        longest = max(longest, time.perf_counter() - started)
    return longest


def open_episodes(ids=None) -> dict[int, tuple[int, list]]:
    """customer_id -> (id, reasons) of its unrecovered warning episode."""
    query = select(ChurnWarning.customer_id, ChurnWarning.id, ChurnWarning.reasons).where(
        ChurnWarning.recovered_at.is_(None))
    if ids is not None:
        query = query.where(ChurnWarning.customer_id.in_(ids))
    return {customer_id: (warning_id, reasons) for customer_id, warning_id, reasons in db.session.execute(query)}


def update_warnings(scored: list[Scored], now: datetime, episodes: dict[int, tuple[int, list]],
                    commit: bool) -> dict[str, int]:
    """Raise a warning for a customer with reasons and no episode; end the episode of one without reasons;
    keep an ongoing episode's reasons current (the page shows them beside today's factors).

    The partial unique index on churn_warning keeps it to one unrecovered episode per customer."""
    today = now.date()
    handle_by = rules.escalation_due_on(today, work_calendar().add_workdays)
    raised = [dict(customer_id=s.customer_id, owner_id=s.owner_id, raised_at=now, raised_on=today,
                   handle_by=handle_by, score=s.score, level=s.level, reasons=s.reasons, status=WARNING_OPEN,
                   handled_via="", created_at=now, updated_at=now)
              for s in scored if s.reasons and s.customer_id not in episodes and s.owner_id is not None
              and s.stage not in NO_WARNING_STAGES]
    recovered = [episodes[s.customer_id][0] for s in scored if not s.reasons and s.customer_id in episodes]
    changed = [{"id": episodes[s.customer_id][0], "reasons": s.reasons, "updated_at": now} for s in scored
               if s.reasons and s.customer_id in episodes and episodes[s.customer_id][1] != s.reasons]
    for batch in chunks(raised):
        db.session.execute(ChurnWarning.__table__.insert(), batch)
        if commit:
            db.session.commit()
    for batch in chunks(changed):
        db.session.execute(update(ChurnWarning), batch)
        if commit:
            db.session.commit()
    for batch in chunks(recovered, 500):
        db.session.execute(update(ChurnWarning).where(ChurnWarning.id.in_(batch)).values(
            recovered_at=now, updated_at=now,
            status=case((ChurnWarning.status == WARNING_OPEN, WARNING_RECOVERED), else_=ChurnWarning.status)),
            execution_options={"synchronize_session": False})
        if commit:
            db.session.commit()
    return {"raised": len(raised), "recovered": len(recovered), "reasons_updated": len(changed)}


def escalate_overdue(now: datetime) -> int:
    """Open warnings past their 5th working day reach the supervisor (rules.health.is_escalated)."""
    result = db.session.execute(update(ChurnWarning).where(
        ChurnWarning.status == WARNING_OPEN, ChurnWarning.escalated_at.is_(None),
        ChurnWarning.handle_by < now.date()).values(escalated_at=now, updated_at=now),
        execution_options={"synchronize_session": False})
    return result.rowcount or 0


def score_all(now: datetime | None = None) -> dict:
    """The nightly job: score every customer, write current rows and monthly history, raise, end and
    escalate warnings. Idempotent: a second run the same night rewrites the same values and raises nothing.
    Reads run in one deferred transaction (no write lock on SQLite); writes in batches of BATCH rows."""
    now = now or clock.now()
    started = time.perf_counter()
    with long_read():
        scored = assess_customers(now)
        episodes = open_episodes()
    read_seconds = time.perf_counter() - started
    longest_write = write_scores(scored, now, commit=True)
    counts = update_warnings(scored, now, episodes, commit=True)
    counts["escalated"] = escalate_overdue(now)
    db.session.commit()
    if on_sqlite():
        # Fresh statistics, so the planner walks ix_customer_health_score for the list sorted by health.
        db.session.execute(text("ANALYZE customer_health"))
        db.session.execute(text("ANALYZE churn_warning"))
        db.session.commit()
    return counts | {"customers": len(scored), "read_seconds": round(read_seconds, 2),
                     "longest_write_seconds": round(longest_write, 3), "seconds": round(time.perf_counter() - started, 2)}


def rescore(customer_ids: list[int], now: datetime | None = None) -> list[Scored]:
    """Rescore these customers at once (an event changed them), in the caller's transaction."""
    now = now or clock.now()
    db.session.flush()
    scored = assess_customers(now, customer_ids)
    write_scores(scored, now, commit=False)
    update_warnings(scored, now, open_episodes(customer_ids), commit=False)
    return scored


def handle_warning(customer_id: int, by: User | None, via: str, at: datetime) -> ChurnWarning | None:
    """A follow-up or care action answers the customer's open warning (if any)."""
    warning = db.session.scalar(select(ChurnWarning).where(
        ChurnWarning.customer_id == customer_id, ChurnWarning.status == WARNING_OPEN))
    if warning is not None and warning.handle(by, via, at):
        return warning
    return None


def record_care(customer: Customer, author: User, data: dict) -> CareAction:
    """客户关怀, recorded like a follow-up: it counts as interaction (last contact, health) and answers
    the customer's open churn warning. Flushed, not committed."""
    warning_id = db.session.scalar(select(ChurnWarning.id).where(
        ChurnWarning.customer_id == customer.id, ChurnWarning.recovered_at.is_(None)))
    care = CareAction(customer=customer, author=author, recorded_at=clock.now(), warning_id=warning_id, **data)
    db.session.add(care)
    db.session.flush()
    if customer.last_contacted_at is None or care.done_at > customer.last_contacted_at:
        customer.last_contacted_at = care.done_at
    events.customer_activity.send(customer, kind="关怀", by=author, at=care.done_at)
    return care


def preview_rules(weights: dict, thresholds: dict) -> dict:
    """How many customers would change level under these weights and thresholds, from the factor values
    stored by the last scoring (no aggregation): {(from, to): count} and the total scored."""
    moves: dict[tuple, int] = {}
    total = 0
    query = select(CustomerHealth.level, CustomerHealth.factors).execution_options(yield_per=5_000)
    for level, factors in db.session.execute(query):
        total += 1
        stored = [rules.Factor(code, values[0], values[1]) for code, values in factors.items() if code in rules.FACTORS]
        new_level = rules.assess(stored, weights, thresholds).level
        if new_level != level:
            moves[(level, new_level)] = moves.get((level, new_level), 0) + 1
    return {"moves": moves, "total": total, "moving": sum(moves.values())}
