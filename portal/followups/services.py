"""Follow-up writes, and the customer-row dates they maintain. Nothing here commits.

`last_contacted_at` and `next_due_on` live on the customer row and are refreshed on every
follow-up write and every grade change, so lists and overdue queries never aggregate follow-ups.
"""
from datetime import date, datetime, time, timedelta

from sqlalchemy import event, func, inspect, select, update
from sqlalchemy.orm import Session

from portal import clock, events
from portal.customers import services as customer_services
from portal.calendar import work_calendar
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.followups import FollowUp
from portal.rules import cadence
from portal.rules.workdays import WorkCalendar
from portal.settings_store import get_setting

INACTIVE_STAGES = ("沉睡", "流失")


def on_or_next_workday(day: date | None, calendar: WorkCalendar) -> date | None:
    """A due date that falls on a holiday or weekend moves to the next working day (调休 counts)."""
    if day is None or calendar.is_workday(day):
        return day
    return calendar.add_workdays(day, 1)


def move_due_dates_off_days_off(days, calendar: WorkCalendar) -> int:
    """Days the admin just made holidays: stored next-due dates on them move to the next working day
    (set-based, like the rule applied at write time). Returns how many customers moved."""
    moved = 0
    for day in sorted(set(days)):
        if not calendar.is_workday(day):
            moved += db.session.execute(
                update(Customer).where(Customer.next_due_on == day)
                .values(next_due_on=calendar.add_workdays(day, 1))
            ).rowcount or 0
    return moved


def compute_next_due(grade: str | None, last_contacted_on: date | None, next_action_on: date | None,
                     calendar: WorkCalendar, cadence_days: dict) -> date | None:
    """Earlier of the next-action date and last contact + grade cadence, moved onto a working day."""
    raw = cadence.next_due_on(grade, last_contacted_on, next_action_on, cadence_days)
    return on_or_next_workday(raw, calendar)


def latest_followup(customer: Customer) -> FollowUp | None:
    with db.session.no_autoflush:
        return db.session.scalar(
            select(FollowUp)
            .where(FollowUp.customer_id == customer.id)
            .order_by(FollowUp.contacted_at.desc(), FollowUp.id.desc())
            .limit(1)
        )


def refresh_contact_dates(customer: Customer, calendar: WorkCalendar | None = None) -> None:
    """Recompute the customer's last contact and next due date from its latest follow-up."""
    latest = latest_followup(customer)
    customer.last_contacted_at = latest.contacted_at if latest else None
    customer.next_due_on = compute_next_due(
        customer.grade,
        latest.contacted_at.date() if latest else None,
        latest.next_action_on if latest else None,
        calendar or work_calendar(),
        get_setting("cadence_days"),
    )


def change_stage(customer: Customer, to_stage: str, reason: str, by: User | None) -> None:
    """Stage change with history, through the customers area's service."""
    from portal.customers.services import change_stage as customers_change_stage

    customers_change_stage(customer, to_stage, reason, by)


def apply_followup_fields(followup: FollowUp, data: dict) -> None:
    for name in ("contacted_at", "method", "participants", "content", "result", "next_action", "next_action_on"):
        if name in data:
            setattr(followup, name, data[name])
    followup.is_late = cadence.is_late_record(
        followup.contacted_at, followup.recorded_at, int(get_setting("late_record_minutes"))
    )


def record_followup(customer: Customer, author: User, data: dict, stage_to: str | None = None,
                    stage_reason: str = "") -> FollowUp:
    """Add a follow-up written now by `author`; 补录 if more than the allowed minutes after contact."""
    followup = FollowUp(customer=customer, author=author, recorded_at=clock.now())
    apply_followup_fields(followup, data)
    if stage_to and stage_to != customer.stage:
        followup.stage_from, followup.stage_to = customer.stage, stage_to
    db.session.add(followup)
    db.session.flush()
    refresh_contact_dates(customer)
    if followup.stage_to:
        change_stage(customer, stage_to, stage_reason, author)
    events.customer_activity.send(customer, kind="跟进", by=author, at=followup.contacted_at)
    return followup


def update_followup(followup: FollowUp, data: dict) -> None:
    """Edit a follow-up (audited); timeliness is re-judged against the original recording time."""
    apply_followup_fields(followup, data)
    db.session.flush()
    refresh_contact_dates(followup.customer)


def move_merged_followups(kept: Customer, merged: Customer, _by: User) -> dict[str, int]:
    """Follow-ups of a merged file follow it to the kept file, whose last contact and next due date
    are then recomputed (orders move in portal.sales.services). No commit."""
    counts = {}
    for model, label in ((FollowUp, N_("跟进记录")),):
        result = db.session.execute(update(model).where(model.customer_id == merged.id).values(customer_id=kept.id)
                                    .execution_options(synchronize_session="fetch"))
        if result.rowcount:
            counts[label] = result.rowcount
    if counts:
        refresh_contact_dates(kept)
    return counts


customer_services.merge_movers.append(move_merged_followups)


def dormant_cutoff(today: date, dormant_days: int) -> datetime:
    """Last interaction strictly before this moment means dormant today (rules.cadence.is_dormant)."""
    return datetime.combine(today - timedelta(days=dormant_days) + timedelta(days=1), time.min)


def mark_dormant(today: date) -> list[Customer]:
    """Flag customers with no interaction for `dormant_days` as 沉睡 and announce each; idempotent."""
    dormant_days = int(get_setting("dormant_days"))
    last_interaction = func.coalesce(Customer.last_contacted_at, Customer.created_at)
    query = select(Customer).where(
        Customer.archived_at.is_(None),
        Customer.merged_into_id.is_(None),
        Customer.stage.not_in(INACTIVE_STAGES),
        last_interaction < dormant_cutoff(today, dormant_days),
    ).order_by(Customer.id)
    customers = list(db.session.scalars(query))
    for customer in customers:
        change_stage(customer, "沉睡", f"超过{dormant_days}天无互动，系统自动标记", None)
        events.customer_went_dormant.send(customer)
    return customers


# Grade changes (made by the customers area) recompute the next due date in the same flush.
@event.listens_for(Session, "before_flush", insert=True)
def recompute_next_due_on_grade_change(session, _flush_context, _instances):
    for obj in list(session.dirty):
        if isinstance(obj, Customer) and inspect(obj).attrs.grade.history.has_changes():
            refresh_contact_dates(obj)

