"""Business events one area raises and others react to, so areas stay decoupled.

Receivers run inside the sender's transaction and must not commit.
"""
from blinker import Namespace

business_events = Namespace()

# sender: the Customer; first revisit due within N working days of registration (DESIGN.md triggers).
customer_registered = business_events.signal("customer-registered")
# sender: the Order just signed (keyword `first`: the customer's first order); after-sales revisit and
# the 成交客户跟踪 handover.
order_signed = business_events.signal("order-signed")
# sender: the Ticket once its closing revisit is recorded; event-triggered revisit.
ticket_closed = business_events.signal("ticket-closed")
# sender: the Customer that just became 沉睡; it gets a revisit task.
customer_went_dormant = business_events.signal("customer-went-dormant")
# sender: the Customer; kind: 跟进/回访/工单/关怀 (later 回款), by: the User or None. Something that
# changes the customer's health was recorded: customer health rescores it at once and a 跟进/关怀
# answers its open churn warning.
customer_activity = business_events.signal("customer-activity")
