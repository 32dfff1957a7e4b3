"""Rescoring at once: an event on one customer (follow-up, revisit, ticket, care action; later payment)
rescores that customer inside the sender's transaction; a follow-up or care action answers its open
churn warning. Receivers never commit. Imported by portal.customer_health.routes so they are connected
when the app starts."""
from sqlalchemy import event

from portal import clock, events
from portal.customer_health import services
from portal.models.customer_health import CustomerHealth
from portal.models.customers import Customer

HANDLING_KINDS = ("跟进", "关怀")


@events.customer_activity.connect
def on_customer_activity(customer, kind: str = "", by=None, **_extra):
    """Answer the open warning (follow-up, care action), then rescore the customer."""
    if kind in HANDLING_KINDS:
        services.handle_warning(customer.id, by, kind, clock.now())
    services.rescore([customer.id])


@event.listens_for(Customer, "after_insert")
def unscored_row_for_new_customer(_mapper, connection, customer):
    """A new file gets an empty health row at once (scored by the next event or nightly run), so the
    customer list sorted or filtered by health, which joins the row, never loses it."""
    connection.execute(CustomerHealth.__table__.insert().values(
        customer_id=customer.id, score=None, level=None, computed_at=clock.now(), factors={},
        interactions_90d=0, interactions_prev_90d=0))
