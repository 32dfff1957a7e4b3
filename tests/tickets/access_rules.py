"""Role × route rows for the tickets area. The ticket belongs to a customer owned by the sales user
(so sales sees it) and is dispatched to the tech department (so tech sees it); marketing is refused
by the area guard; the spare sales rep never sees it."""
from portal.extensions import db
from portal.models.customers import Customer
from portal.tickets.services import create_ticket
from tests.access import Rule

AREA = frozenset({"sales", "service", "tech", "supervisor", "admin"})
EXPORTERS = frozenset({"service", "supervisor", "admin"})


def ticket(world):
    def build():
        users = world.users
        customer = Customer(code="KH2026990001", name="矩阵测试客户有限公司", owner_id=users["sales"].id)
        db.session.add(customer)
        db.session.flush()
        record = create_ticket(customer=customer, kind="投诉", category="产品", severity="一般",
                               description="矩阵测试", by=users["service"], channel="电话")
        record.dispatch(world.departments["tech"], None, users["service"])
        db.session.commit()
        return record.id

    return world.once("ticket", build)


def ticket_args(world):
    return {"ticket_id": ticket(world)}


def attachment_args(world):
    from portal.models.tickets import TicketAttachment

    def build():
        ticket_id = ticket(world)
        item = TicketAttachment(ticket_id=ticket_id, filename="a.pdf", stored_name="0" * 32,
                                content_type="application/pdf", size=1)
        db.session.add(item)
        db.session.commit()
        return item.id

    return {"ticket_id": ticket(world), "attachment_id": world.once("attachment", build)}


RULES = [
    Rule("tickets.index", "GET", AREA),
    Rule("tickets.export", "GET", EXPORTERS, expect={"sales": 403, "tech": 403}),
    Rule("tickets.print_view", "GET", AREA),
    Rule("tickets.analysis", "GET", EXPORTERS, expect={"sales": 403, "tech": 403}),
    Rule("tickets.create", "GET", AREA),
    Rule("tickets.create", "POST", AREA),
    Rule("tickets.customer_options", "GET", AREA),
    Rule("tickets.detail", "GET", AREA, url_values=ticket_args),
    # Transitions: a POST with no body is refused by role (403) or fails validation (422).
    Rule("tickets.dispatch", "POST", AREA, url_values=ticket_args, expect={"sales": 403, "tech": 403}),
    Rule("tickets.transition", "POST", AREA, url_values=lambda w: {**ticket_args(w), "action": "confirm"},
         expect={"sales": 403, "service": 403}),
    Rule("tickets.resolve", "POST", AREA, url_values=ticket_args, expect={"sales": 403}),
    Rule("tickets.close", "POST", AREA, url_values=ticket_args, expect={"sales": 403, "tech": 403}),
    Rule("tickets.reopen", "POST", AREA, url_values=ticket_args, expect={"sales": 403, "tech": 403}),
    Rule("tickets.comment", "POST", AREA, url_values=ticket_args),
    Rule("tickets.attachment_upload", "POST", AREA, url_values=ticket_args),
    Rule("tickets.attachment", "GET", AREA, url_values=attachment_args),
]
