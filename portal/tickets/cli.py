"""`flask --app wsgi tickets check-sla`: run by cron every few minutes."""
from datetime import timedelta

import click
from sqlalchemy import and_, or_, select

from portal import clock
from portal.extensions import db
from portal.models.tickets import DISPATCHED, DONE_STATUSES, OPEN_STATUSES, Ticket
from portal.settings_store import get_setting

tickets_cli = click.Group("tickets", help="投诉工单")


def check_sla(now=None) -> dict[str, int]:
    """Record each breach once on the timeline and escalate unconfirmed dispatches; does not commit."""
    now = now or clock.now()
    counts = {"response": 0, "resolve": 0, "head": 0, "supervisor": 0}
    late_response = select(Ticket).where(
        Ticket.response_breached_at.is_(None), Ticket.responded_at.is_(None),
        Ticket.status.not_in(DONE_STATUSES), Ticket.respond_due_at < now,
    )
    for ticket in db.session.scalars(late_response):
        ticket.response_breached_at = now
        ticket.log("SLA超时", None, f"响应超时：期限 {ticket.respond_due_at:%Y-%m-%d %H:%M}")
        counts["response"] += 1
    late_resolution = select(Ticket).where(
        Ticket.resolve_breached_at.is_(None), Ticket.status.in_(OPEN_STATUSES), Ticket.resolve_due_at < now,
    )
    for ticket in db.session.scalars(late_resolution):
        ticket.resolve_breached_at = now
        ticket.log("SLA超时", None, f"解决超时：期限 {ticket.resolve_due_at:%Y-%m-%d %H:%M}")
        counts["resolve"] += 1
    hours = timedelta(hours=float(get_setting("dispatch_confirm_hours")))
    unconfirmed = select(Ticket).where(
        Ticket.dispatch_state == DISPATCHED,
        or_(and_(Ticket.confirm_escalation_level == 0, Ticket.dispatched_at < now - hours),
            and_(Ticket.confirm_escalation_level == 1, Ticket.dispatched_at < now - 2 * hours)),
    )
    for ticket in db.session.scalars(unconfirmed):
        ticket.confirm_escalation_level += 1
        if ticket.confirm_escalation_level == 1:
            head = ticket.department.head if ticket.department else None
            ticket.log("派工超时", None, f"派工超过 {hours.total_seconds() / 3600:g} 小时未确认，已通知部门负责人"
                       + (f" {head.display_name}" if head else ""))
            counts["head"] += 1
        else:
            ticket.log("升级主管", None, f"派工超过 {2 * hours.total_seconds() / 3600:g} 小时仍未确认，已升级主管")
            counts["supervisor"] += 1
    db.session.flush()
    return counts


@tickets_cli.command("check-sla")
def check_sla_command():
    """Record SLA breaches (once each) and escalate unconfirmed dispatches."""
    counts = check_sla()
    db.session.commit()
    click.echo(f"响应超时 {counts['response']} 条，解决超时 {counts['resolve']} 条，"
               f"通知部门负责人 {counts['head']} 条，升级主管 {counts['supervisor']} 条")
