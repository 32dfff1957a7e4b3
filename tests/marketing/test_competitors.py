"""Competitor records, their linked customers (scoped), and the customer page's marketing section."""
from sqlalchemy import select

from portal.extensions import db
from portal.models.marketing import Competitor


def test_marketer_records_a_competitor_and_links_customers(app, people, login_as, make_customer):
    client = login_as(people["marketing"])
    assert client.post("/marketing/competitors/new", data={"name": ""}).status_code == 422
    response = client.post("/marketing/competitors/new", data={"name": "远大软件", "products": "CRM 标准版",
                                                               "strengths": "价格低", "prices_seen": "每用户 300 元/年"})
    assert response.status_code == 303
    competitor = db.session.scalar(select(Competitor))
    assert client.post("/marketing/competitors/new", data={"name": "远大软件"}).status_code == 422  # unique name
    customer = make_customer(owner=people["sales"])
    assert client.post(f"/marketing/competitors/{competitor.id}/customers",
                       data={"customer_code": customer.code.lower()}).status_code == 303
    assert client.post(f"/marketing/competitors/{competitor.id}/customers", data={"customer_code": "KH0"}).status_code == 303
    db.session.expire_all()
    assert [c.id for c in db.session.get(Competitor, competitor.id).customers] == [customer.id]
    page = client.get(f"/marketing/competitors/{competitor.id}").get_data(as_text=True)
    assert customer.name in page and "每用户 300 元/年" in page
    listing = client.get("/marketing/competitors/?q=远大").get_data(as_text=True)
    assert "远大软件" in listing
    # The customer page shows the link to the competitor.
    customer_page = login_as(people["sales"]).get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "远大软件" in customer_page
    client.post(f"/marketing/competitors/{competitor.id}/customers/{customer.id}/remove")
    db.session.expire_all()
    assert db.session.get(Competitor, competitor.id).customers == []


def test_readers_see_only_linked_customers_in_their_scope(app, people, login_as, make_customer):
    competitor = Competitor(name="远大软件")
    mine = make_customer(owner=people["sales"], name="老张的客户有限公司")
    theirs = make_customer(owner=people["other_rep"], name="老王的客户有限公司")
    competitor.customers = [mine, theirs]
    db.session.add(competitor)
    db.session.commit()
    page = login_as(people["sales"]).get(f"/marketing/competitors/{competitor.id}").get_data(as_text=True)
    assert mine.name in page and theirs.name not in page
    assert login_as(people["sales"]).post(f"/marketing/competitors/{competitor.id}/edit",
                                          data={"name": "改名"}).status_code == 403


def test_stale_competitor_edit_is_refused(app, people, login_as):
    competitor = Competitor(name="远大软件")
    db.session.add(competitor)
    db.session.commit()
    client = login_as(people["marketing"])
    response = client.post(f"/marketing/competitors/{competitor.id}/edit", data={"name": "远大软件", "version": "0",
                                                                                 "notes": "覆盖"})
    assert response.status_code == 409
    assert db.session.get(Competitor, competitor.id).notes == ""
