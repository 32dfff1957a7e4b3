"""Rescoring at once: an event on one customer (follow-up, revisit, ticket, care action; later payment)
rescores that customer inside the sender's transaction; a follow-up or care action answers its open
churn warning. Receivers never commit. Imported by portal.customer_health.routes so they are connected
when the app starts."""
from portal import clock, events
from portal.customer_health import services

HANDLING_KINDS = ("跟进", "关怀")


@events.customer_activity.connect
def on_customer_activity(customer, kind: str = "", by=None, **_extra):
    """Answer the open warning (follow-up, care action), then rescore the customer."""
    if kind in HANDLING_KINDS:
        services.handle_warning(customer.id, by, kind, clock.now())
    services.rescore([customer.id])
