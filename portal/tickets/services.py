"""Ticket services: intake with numbering and SLA deadlines, transitions, attachments. Never commit."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal import clock, events
from portal.calendar import work_calendar
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.tickets import MAX_REOPENS_BEFORE_ESCALATION, OPEN_STATUSES, Ticket, TicketAttachment
from portal.rules import sla
from portal.rules.customer_codes import format_ticket_number
from portal.rules.workdays import DEFAULT_WORK_HOURS, WorkHours
from portal.settings_store import get_setting

NUMBER_ATTEMPTS = 8


def sla_terms(severity: str) -> sla.SlaTerms:
    """The admin-tuned SLA terms for a severity (settings "sla"), defaults otherwise."""
    configured = (get_setting("sla") or {}).get(severity)
    if not configured:
        return sla.DEFAULT_SLA[severity]
    return sla.SlaTerms(respond_hours=int(configured["respond_hours"]), resolve_workdays=int(configured["resolve_workdays"]))


def pauses_of(ticket: Ticket) -> list[tuple[datetime, datetime | None]]:
    """The 待客户反馈 intervals from the ticket's timeline (an open one while paused)."""
    pauses, start = [], None
    for event in sorted(ticket.events, key=lambda e: (e.at, e.id or 0)):
        if event.kind == "暂停计时":
            start = event.at
        elif event.kind == "恢复计时" and start is not None:
            pauses.append((start, event.at))
            start = None
    if start is not None:
        pauses.append((start, None))
    return pauses


def work_hours() -> WorkHours:
    """The office hours working time is counted in (settings "work_hours")."""
    configured = get_setting("work_hours") or {}
    try:
        return WorkHours.parse(configured["start"], configured["end"])
    except (KeyError, TypeError, ValueError):
        return DEFAULT_WORK_HOURS


def respond_deadline_for(received_at: datetime, terms: sla.SlaTerms) -> datetime:
    """The response deadline: wall-clock, or working hours when the admin chose so."""
    if get_setting("respond_in_working_hours"):
        return sla.respond_deadline(received_at, terms, work_calendar(), work_hours())
    return sla.respond_deadline(received_at, terms)


def resolve_deadline_for(ticket: Ticket, pauses=None) -> datetime | None:
    """The resolution deadline with every closed pause's working time added; None while paused."""
    return sla.resolve_deadline(ticket.received_at, sla_terms(ticket.severity), work_calendar(),
                                pauses_of(ticket) if pauses is None else pauses, work_hours())


def recompute_open_deadlines(since: date) -> int:
    """The admin changed the calendar from `since` on: open, running tickets whose resolution deadline
    lies on or after it are counted again, and the timeline says so. Returns how many moved."""
    tickets = db.session.scalars(
        select(Ticket).options(selectinload(Ticket.events))
        .where(Ticket.status.in_(OPEN_STATUSES), Ticket.resolve_due_at.is_not(None),
               Ticket.resolve_due_at >= datetime.combine(since, time.min))
    ).all()
    moved = 0
    for ticket in tickets:
        deadline = resolve_deadline_for(ticket)
        if deadline is not None and deadline != ticket.resolve_due_at:
            ticket.resolve_due_at = deadline
            ticket.log("调整时限", None, f"节假日安排变更，解决时限调整为 {deadline:%Y-%m-%d %H:%M}")
            moved += 1
    return moved


def next_ticket_number(day) -> str:
    """TS + date + the next free sequence of that day."""
    prefix = f"TS{day:%Y%m%d}-"
    last = db.session.scalar(select(func.max(Ticket.number)).where(Ticket.number.like(prefix + "%")))
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return format_ticket_number(day, seq)


def create_ticket(*, customer: Customer, kind: str, category: str, severity: str, description: str, by: User,
                  received_at: datetime | None = None, channel: str = "回访", complainant: str = "",
                  contact: str = "") -> Ticket:
    """File a ticket (状态 新建, 未派工) with its number and SLA deadlines; flushed, not committed.

    Two intakes racing for the same number: the loser's insert fails on the unique number inside a
    savepoint and retries with the next sequence.
    """
    received_at = received_at or clock.now()
    terms = sla_terms(severity)
    ticket = Ticket(
        customer=customer, customer_id=customer.id, kind=kind, category=category, severity=severity,
        description=description, channel=channel, complainant=complainant, contact=contact,
        received_at=received_at, created_by=by, created_by_id=by.id if by else None,
        respond_due_at=respond_deadline_for(received_at, terms),
        resolve_due_at=sla.resolve_deadline(received_at, terms, work_calendar(), hours=work_hours()),
    )
    for attempt in range(NUMBER_ATTEMPTS):
        ticket.number = next_ticket_number(received_at.date())
        try:
            with db.session.begin_nested():
                db.session.add(ticket)
                db.session.flush()
            break
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    ticket.log("受理", by, f"{channel}受理：{kind} / {category} / {severity}")
    db.session.flush()
    events.customer_activity.send(customer, kind="工单", by=by, at=received_at)
    return ticket


def resume_ticket(ticket: Ticket, actor: User, note: str = "") -> None:
    """Customer answered: restart the resolution clock with the pause's working time added; the
    timeline states the working time the pause covered and the new deadline."""
    now = clock.now()
    pauses = [(start, now if end is None else end) for start, end in pauses_of(ticket)]
    deadline = resolve_deadline_for(ticket, pauses)
    last_pause = sla.merged_pauses(ticket.received_at, pauses[-1:]) if pauses else []
    covered = sum((work_calendar().working_time_between(start, end, work_hours()) for start, end in last_pause),
                  timedelta(0))
    ticket.resume(actor, deadline, note, paused_working_minutes=int(covered.total_seconds() // 60))


def record_closing_revisit(ticket: Ticket, actor: User, satisfaction: int, comment: str,
                           escalate: bool = False) -> bool:
    """The closing revisit; sends `ticket_closed` when the ticket closes. Returns whether it closed."""
    closed = ticket.record_closing_revisit(actor, satisfaction, comment, escalate=escalate)
    if closed:
        events.ticket_closed.send(ticket)
    return closed


def reopen_ticket(ticket: Ticket, actor: User, reason: str) -> None:
    """Reopen with a reason; past the reopen limit the ticket also goes to the supervisor."""
    ticket.reopen(actor, reason)
    if ticket.reopen_count > MAX_REOPENS_BEFORE_ESCALATION:
        ticket.escalate(actor, f"第 {ticket.reopen_count} 次重新打开，升级主管")


def attach(ticket: Ticket, upload: tuple[str, str, str, int], actor: User) -> TicketAttachment:
    """Record a stored upload on the ticket and its timeline."""
    stored_name, filename, content_type, size = upload
    item = TicketAttachment(stored_name=stored_name, filename=filename, content_type=content_type, size=size,
                            uploaded_by_id=actor.id, uploaded_at=clock.now())
    ticket.attachments.append(item)
    ticket.log("附件", actor, f"上传附件 {filename}")
    return item
