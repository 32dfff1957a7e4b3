"""Stored XSS stays inert on the customers surfaces; CSRF is enforced on the area's POSTs."""
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.customers import Customer

PAYLOADS = ('<script>alert(1)</script>', '<div hx-get="/logout" hx-trigger="load">x</div>', '"><img src=x onerror=alert(1)>')


def test_payloads_render_inert_on_list_detail_duplicates_and_print(app, login_as, sales_team, make_customer, hx):
    zhang = sales_team["zhang"]
    for number, payload in enumerate(PAYLOADS):
        make_customer(f"{payload}公司{number}", owner=zhang, main_business=payload, tags=payload,
                      contacts=[{"name": payload[:60], "position": payload[:60]}])
    client = login_as(zhang)
    customer_ids = db.session.scalars(select(Customer.id)).all()
    pages = [client.get("/customers/"), client.get("/customers/?q=公司", headers=hx)]
    pages += [client.get(f"/customers/{i}") for i in customer_ids]
    pages += [client.get(f"/customers/{i}/print") for i in customer_ids]
    pages += [client.post("/customers/duplicates", data={"name": f"{PAYLOADS[0]}公司0"}, headers=hx)]
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        for payload in PAYLOADS:
            assert payload not in html
        assert "&lt;script&gt;" in html or "&lt;div hx-get" in html or "&#34;&gt;&lt;img" in html


def test_csrf_is_required_on_customer_posts(csrf_app, sales_team, make_customer):
    from tests.auth.test_csrf_and_headers import login_with_csrf

    customer = make_customer("公海客户有限公司", owner=None)
    client = login_with_csrf(csrf_app, sales_team["zhang"])
    for path in ("/customers/new", f"/customers/{customer.id}/claim", "/customers/duplicates",
                 f"/customers/{customer.id}/edit"):
        response = client.post(path, data={"name": "x", "csrf_token": "forged"})
        assert response.status_code == 400, path
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).owner_id is None
    assert db.session.scalar(select(func.count(Customer.id))) == 1


def test_a_valid_token_claims(csrf_app, sales_team, make_customer):
    from tests.auth.test_csrf_and_headers import csrf_token, login_with_csrf

    customer = make_customer("公海客户有限公司", owner=None)
    client = login_with_csrf(csrf_app, sales_team["zhang"])
    token = csrf_token(client, "/customers/")
    assert client.post(f"/customers/{customer.id}/claim", data={"csrf_token": token}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Customer, customer.id).owner_id == sales_team["zhang"].id
