"""Revisit triggers (DESIGN.md): each business event creates exactly one revisit task.

Receivers run inside the sender's transaction and never commit. Imported by portal.revisits.routes
so the receivers are connected when the app starts.
"""
from datetime import date, datetime

from portal import clock, events
from portal.revisits.services import registration_revisit_due, trigger_task


def event_day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else clock.today()


@events.customer_registered.connect
def on_customer_registered(customer, **_extra):
    """First revisit within N working days of registration (one per customer): non-members always,
    members only when the admin turned that on."""
    if not registration_revisit_due(customer):
        return
    trigger_task(customer, "registration", event_day(customer.registered_on),
                 unique_key=f"registration:{customer.id}", source_ref=customer.code or "")


@events.order_signed.connect
def on_order_signed(order, **_extra):
    """After-sales revisit within N working days of signing, for the customer's 售后跟踪责任人 when one is
    named (one per order; orders kept the ids of the
    成交记录 they replaced, so `deal:<id>` keys of older tasks still point at the same sale)."""
    from portal.sales.services import after_sales_owner

    trigger_task(order.customer, "deal", event_day(order.signed_on), unique_key=f"deal:{order.id}",
                 source_ref=order.number, assignee=after_sales_owner(order.customer.id))


@events.ticket_closed.connect
def on_ticket_closed(ticket, **_extra):
    """Event revisit within N working days after a ticket is closed (one per ticket)."""
    trigger_task(ticket.customer, "ticket_closed", event_day(getattr(ticket, "closed_at", None)),
                 unique_key=f"ticket_closed:{ticket.id}", source_ref=getattr(ticket, "number", "") or "")


@events.customer_went_dormant.connect
def on_customer_went_dormant(customer, **_extra):
    """A customer that just became 沉睡 gets a revisit task (one per customer and day)."""
    today = clock.today()
    trigger_task(customer, "dormant", today, unique_key=f"dormant:{customer.id}:{today.isoformat()}")


def event_revisit(customer, kind: str, reference: str) -> None:
    """For activity/consultation events raised elsewhere: one task per (kind, reference)."""
    trigger_task(customer, "event", clock.today(), unique_key=f"event:{kind}:{reference}"[:96],
                 source_ref=f"{kind}:{reference}"[:64])
