"""The tickets area seen from elsewhere: customer section, customer timeline, CSRF, inert stored markup."""
import re

from flask import render_template_string

from portal.extensions import db
from portal.models.tickets import Ticket
from portal.timeline import customer_timeline
from tests.conftest import log_in

XSS = '<img src=x onerror=alert(1)><div hx-get="/admin/users/" hx-trigger="load">x</div>'


def test_customer_section_shows_recent_tickets_in_scope_and_a_prefilled_link(app, make_user, make_customer, make_ticket):
    owner, other = make_user("sales"), make_user("sales")
    customer = make_customer(owner=owner)
    ticket = make_ticket(customer, owner)
    for user, sees in ((owner, True), (other, False)):
        with app.test_request_context():
            from flask_login import login_user

            login_user(user)
            html = render_template_string('{% include "tickets/_customer_section.html" %}', customer=customer)
        assert (ticket.number in html) is sees
        assert f"/tickets/new?customer_id={customer.id}" in html


def test_new_ticket_form_is_prefilled_with_the_customer(app, login_as, make_user, make_customer):
    service = make_user("service")
    customer = make_customer(name="温州瓯江阀门有限公司")
    body = login_as(service).get(f"/tickets/new?customer_id={customer.id}").get_data(as_text=True)
    assert f'<option selected value="{customer.id}">温州瓯江阀门有限公司' in body


def test_timeline_source_lists_the_customers_tickets(app, make_user, make_customer, make_ticket):
    service = make_user("service")
    customer = make_customer()
    ticket = make_ticket(customer, service)
    with app.test_request_context():
        from flask_login import login_user

        login_user(service)
        events = [e for e in customer_timeline(customer) if e.kind == "工单"]
    assert [e.url for e in events] == [f"/tickets/{ticket.id}"] and ticket.number in events[0].title


def test_csrf_is_enforced_on_ticket_posts(csrf_app, make_user, make_customer, make_ticket):
    service = make_user("service")
    ticket = make_ticket(make_customer(), service)
    client = csrf_app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    response = client.post("/login", data={"username": service.username, "password": "correct-horse-battery", "csrf_token": token})
    assert response.status_code == 303
    response = client.post(f"/tickets/{ticket.id}/comments", data={"body": "无令牌"})
    assert response.status_code == 400
    db.session.expire_all()
    assert [e.kind for e in db.session.get(Ticket, ticket.id).events] == ["受理"]


def test_stored_markup_renders_inert(app, login_as, make_user, make_customer, make_ticket):
    service = make_user("service")
    ticket = make_ticket(make_customer(name=XSS), service)
    ticket.description = XSS
    ticket.log("评论", service, XSS)
    db.session.commit()
    client = login_as(service)
    for url in (f"/tickets/{ticket.id}", "/tickets/", "/tickets/print"):
        body = client.get(url).get_data(as_text=True)
        assert "<img src=x" not in body and 'hx-trigger="load"' not in body
        assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_handover_returns_a_leavers_tickets_to_their_department_and_merge_moves_tickets(
        app, make_user, make_department, make_customer, make_ticket, frozen_now):
    from portal.customers import services as customer_services
    from portal.tickets.sections import hand_over_tickets, move_merged_tickets

    assert hand_over_tickets in customer_services.handover_movers
    assert move_merged_tickets in customer_services.merge_movers
    department = make_department("技术部")
    leaver, service = make_user("tech", department=department), make_user("service")
    customer, duplicate = make_customer(), make_customer()
    ticket = make_ticket(customer, service)
    ticket.dispatch(department, leaver, service)
    ticket.confirm(leaver)
    due = ticket.resolve_due_at
    db.session.commit()
    assert hand_over_tickets(leaver, {}, dry_run=True) == {"工单": 1} and ticket.assignee_id == leaver.id
    assert hand_over_tickets(leaver, {}, dry_run=False) == {"工单": 1}
    assert (ticket.assignee_id, ticket.department_id, ticket.dispatch_state) == (None, department.id, "已派工未确认")
    assert ticket.resolve_due_at == due
    other = make_ticket(duplicate, service)
    assert move_merged_tickets(customer, duplicate, service) == {"工单": 1}
    db.session.expire_all()
    assert other.customer_id == customer.id
