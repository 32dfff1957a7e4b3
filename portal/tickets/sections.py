"""What the tickets area adds to other areas: customer timeline, 我的工作台 sections, handover and merge movers."""
from flask import has_request_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from portal import clock
from portal.access.tickets import visible_tickets
from portal.extensions import db
from portal.i18n import N_
from portal.customers import services as customer_services
from portal.models.tickets import CLOSED, DISPATCHED, Ticket
from portal.tickets import queries
from portal.timeline import TimelineEvent, register_timeline_source
from portal.web import count_rows
from portal.workbench.sections import RowAction, WorkItem, WorkSection, register_work_section

SECTION_ROWS = 5
DUE_ORDER = (Ticket.resolve_due_at.is_(None), Ticket.resolve_due_at, Ticket.id)
HANDLER_ROLES = {"tech", "service", "supervisor", "admin"}


@register_timeline_source
def ticket_timeline(customer, limit: int) -> list[TimelineEvent]:
    """The customer's tickets (those the signed-in user may see), newest first, one query."""
    query = visible_tickets(current_user) if has_request_context() and current_user.is_authenticated else select(Ticket)
    tickets = db.session.scalars(
        query.where(Ticket.customer_id == customer.id).order_by(Ticket.received_at.desc()).limit(limit)
    )
    return [
        TimelineEvent(at=t.received_at, kind=_("工单"),
                      title=_("%(number)s %(kind)s·%(category)s（%(status)s）", number=t.number, kind=_(t.kind),
                              category=_(t.category), status=_(t.status)),
                      detail=t.description[:120], url=url_for("tickets.detail", ticket_id=t.id) if has_request_context() else None)
        for t in tickets
    ]


def first_rows_and_total(query, limit: int) -> tuple[list[Ticket], int]:
    """The first `limit` tickets by resolution due time and the number matching, in one query.

    The total rides along as a window count: these queries scan the visible tickets once (a
    supervisor's OR scope has no single index), and a separate COUNT would scan them a second time."""
    total = func.count().over().label("total")
    result = db.session.execute(
        query.add_columns(total).options(selectinload(Ticket.customer)).order_by(*DUE_ORDER).limit(limit)
    ).all()
    return [row[0] for row in result], (result[0].total if result else 0)


def first_rows_after_count(query, limit: int) -> tuple[list[Ticket], int]:
    """The number matching, then the first `limit` tickets only if there are any: for a query whose
    count an index answers alone (超时与升级工单: ix_ticket_attention, 3.3 ms where the window count
    scanned 50,000 ticket rows in 39 ms to find none)."""
    total = count_rows(query)
    if not total:
        return [], 0
    rows = db.session.scalars(query.options(selectinload(Ticket.customer)).order_by(*DUE_ORDER).limit(limit))
    return list(rows), total


def section_from(key: str, title: str, query, more_url: str, empty_text: str, reminder: bool = False,
                 confirm: bool = False, counted_first: bool = False) -> WorkSection:
    """A ticket section; with `confirm`, each row carries 确认派工 (done in place on the work list)."""
    rows, total = (first_rows_after_count if counted_first else first_rows_and_total)(query, SECTION_ROWS)
    now = clock.now()
    items = []
    for ticket in rows:
        word, tone = queries.sla_badge(ticket, now)
        actions = (RowAction(_("确认派工"), url_for("tickets.transition", ticket_id=ticket.id, action="confirm"),
                             opens_form=False),) if confirm else ()
        items.append(WorkItem(title=f"{ticket.number} {ticket.customer.name}", url=url_for("tickets.detail", ticket_id=ticket.id),
                              due=ticket.resolve_due_at, working_day_due=True, status_word=word, tone=tone,
                              detail=f"{_(ticket.kind)} · {_(ticket.status)} · {_(ticket.dispatch_state)}",
                              row_id=f"work-{key}-{ticket.id}", actions=actions))
    return WorkSection(key=key, title=title, total=total, items=items, more_url=more_url, empty_text=empty_text,
                       reminder=reminder)


@register_work_section(39)
def tickets_to_confirm(user, _today) -> WorkSection | None:
    """待确认的派工: dispatched to me (or to my department with nobody named), not yet confirmed."""
    if user.role not in {"tech", "service"}:
        return None
    section = section_from("tickets_to_confirm", _("待确认的派工"), queries.my_open_tickets(user)
                           .where(Ticket.dispatch_state == DISPATCHED), url_for("tickets.index", assignee_id=user.id),
                           "", reminder=True, confirm=True)
    return section if section.total else None


@register_work_section(40)
def my_tickets(user, _today) -> WorkSection | None:
    """指派给我的工单 (and my department's unassigned dispatches) that are confirmed and being handled."""
    if user.role not in {"tech", "service"}:
        return None
    return section_from("tickets_mine", _("我的工单"), queries.my_open_tickets(user)
                        .where(Ticket.dispatch_state != DISPATCHED),
                        url_for("tickets.index", assignee_id=user.id), _("暂无指派给您的工单"), reminder=True)


@register_work_section(41)
def tickets_near_sla(user, _today) -> WorkSection | None:
    """Tickets of mine or my department due within a day."""
    if user.role not in HANDLER_ROLES:
        return None
    return section_from("tickets_near_sla", _("即将超时的工单"), queries.near_sla_tickets(user, clock.now()),
                        url_for("tickets.index", status="处理中"), _("没有即将超时的工单"))


@register_work_section(42)
def tickets_needing_supervisor(user, _today) -> WorkSection | None:
    """Breached, escalated or long-unconfirmed tickets for supervisors; escalated dispatches for department heads."""
    if user.role in {"supervisor", "admin"}:
        query = queries.supervisor_attention_tickets(user)
        return section_from("tickets_breached", _("超时与升级工单"), query, url_for("tickets.index", breached="1"),
                            _("没有超时或升级的工单"), reminder=True, counted_first=True)
    section = section_from("tickets_escalated", _("待部门确认的派工（已升级）"), queries.head_escalated_dispatches(user),
                           url_for("tickets.index"), "", reminder=True)
    return section if section.total else None


def hand_over_tickets(from_user, _to_user_for_customer: dict[int, int], dry_run: bool) -> dict[str, int]:
    """A leaving handler's unclosed tickets go back to their department unassigned (改派, to be
    confirmed by a colleague); the SLA clock is kept. No commit."""
    tickets = list(db.session.scalars(
        select(Ticket).where(Ticket.assignee_id == from_user.id, Ticket.status != CLOSED).order_by(Ticket.id)
    ))
    if not dry_run:
        for ticket in tickets:
            if ticket.department is not None:
                ticket.dispatch(ticket.department, None, None, f"{from_user.display_name} 离岗交接")
            else:
                ticket.assignee, ticket.assignee_id = None, None
    return {N_("工单"): len(tickets)} if tickets else {}


def move_merged_tickets(kept, merged, _by) -> dict[str, int]:
    """Tickets of a merged customer file follow it to the kept file. No commit."""
    result = db.session.execute(
        update(Ticket).where(Ticket.customer_id == merged.id).values(customer_id=kept.id)
        .execution_options(synchronize_session=False)
    )
    return {N_("工单"): result.rowcount} if result.rowcount else {}


customer_services.handover_movers.append(hand_over_tickets)
customer_services.merge_movers.append(move_merged_tickets)
