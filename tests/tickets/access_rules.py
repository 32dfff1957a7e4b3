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


def ticket_at(world, step: str) -> dict:
    """A ticket dispatched to 技术部 and confirmed by tech, then in progress or resolved by the spare user."""

    def build():
        from portal.models.tickets import Ticket

        users = world.users
        customer = db.session.get(Ticket, ticket(world)).customer
        record = create_ticket(customer=customer, kind="投诉", category="服务", severity="重大",
                               description=f"矩阵测试 {step}", by=users["service"], channel="电话")
        record.dispatch(world.departments["tech"], users["tech"], users["service"])
        record.confirm(users["tech"])
        record.start(users["tech"])
        if step == "resolved":
            record.resolve(world.spare_user, "已处理", "其他", "矩阵测试")
        db.session.commit()
        return record.id

    return {"ticket_id": world.once(f"ticket-{step}", build)}


def attachment_args(world):
    from portal.models.tickets import TicketAttachment

    def build():
        ticket_id = ticket(world)
        from pathlib import Path

        from flask import current_app

        store = Path(current_app.config["FILE_STORE"]) / "tickets"
        store.mkdir(parents=True, exist_ok=True)
        (store / ("0" * 32)).write_bytes(b"%PDF-1.4\n")
        item = TicketAttachment(ticket_id=ticket_id, filename="a.pdf", stored_name="0" * 32,
                                content_type="application/pdf", size=9)
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
    Rule("tickets.customer_search", "GET", AREA),
    Rule("tickets.detail", "GET", AREA, url_values=ticket_args),
    # Transitions: a POST with no body is refused by role (403) or fails validation (422).
    Rule("tickets.dispatch", "POST", AREA, url_values=ticket_args, expect={"sales": 403, "tech": 403}),
    # Roles run in order on one ticket: tech (in 技术部) confirms it first; after that the ticket is
    # no longer awaiting confirmation, so supervisor and admin are refused too (state, not role).
    Rule("tickets.transition", "POST", AREA, url_values=lambda w: {**ticket_args(w), "action": "confirm"},
         expect={"sales": 403, "service": 403, "tech": 303, "supervisor": 403, "admin": 403}),
    # Empty bodies: allowed roles get 422 and nothing changes, so every role meets the same state.
    Rule("tickets.resolve", "POST", AREA, url_values=lambda w: ticket_at(w, "in_progress"),
         expect={"sales": 403, "service": 403}),  # service is not the handler (not in 技术部)
    Rule("tickets.close", "POST", AREA, url_values=lambda w: ticket_at(w, "resolved"), expect={"sales": 403, "tech": 403}),
    Rule("tickets.reopen", "POST", AREA, url_values=lambda w: ticket_at(w, "resolved"), expect={"sales": 403, "tech": 403}),
    Rule("tickets.comment", "POST", AREA, url_values=ticket_args),
    Rule("tickets.attachment_upload", "POST", AREA, url_values=ticket_args),
    Rule("tickets.attachment", "GET", AREA, url_values=attachment_args),
]
