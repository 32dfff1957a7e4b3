"""Opportunities lost to a 竞争对手 record: linked when the winner is named like the record, counted and
summed per competitor within the reader's opportunity scope, listed on the competitor's page."""
from decimal import Decimal

from portal.extensions import db
from portal.models.marketing import Competitor
from portal.models.sales import Opportunity
from portal.sales import services
from tests.sales.conftest import sales_world  # noqa: F401  (fixture)


def lost(w, customer, owner, name: str, amount: str, winner: str) -> Opportunity:
    opportunity = services.create_opportunity(customer, owner, {"name": name, "expected_amount": Decimal(amount)}, owner)
    db.session.flush()
    services.lose_opportunity(opportunity, "竞品", winner, owner)
    db.session.commit()
    return opportunity


def test_lost_opportunities_count_for_the_competitor_named(sales_world, login_as):
    w = sales_world
    rival = Competitor(name="友商科技")
    db.session.add(rival)
    db.session.commit()
    mine = lost(w, w.customer, w.rep, "CRM升级", "50000", " 友商科技 ")
    theirs = lost(w, w.others_customer, w.other_rep, "ERP对接", "30000", "友商科技")
    unknown = lost(w, w.customer, w.rep, "数据迁移", "9000", "某不知名公司")
    assert (mine.lost_to_competitor_id, theirs.lost_to_competitor_id, unknown.lost_to_competitor_id) == (rival.id, rival.id, None)

    rep_list = login_as(w.rep).get("/marketing/competitors/").get_data(as_text=True)
    assert '<td class="num">1</td><td class="num">¥50,000.00</td>' in rep_list  # the rep's own loss only
    boss_list = login_as(w.supervisor).get("/marketing/competitors/").get_data(as_text=True)
    assert '<td class="num">2</td><td class="num">¥80,000.00</td>' in boss_list

    rep_page = login_as(w.rep).get(f"/marketing/competitors/{rival.id}").get_data(as_text=True)
    assert "CRM升级" in rep_page and "ERP对接" not in rep_page and "数据迁移" not in rep_page
    opportunity_page = login_as(w.rep).get(f"/sales/opportunities/{mine.id}").get_data(as_text=True)
    assert f'/marketing/competitors/{rival.id}"' in opportunity_page


def test_lose_form_offers_competitor_names(sales_world, login_as):
    w = sales_world
    db.session.add_all([Competitor(name="友商科技"), Competitor(name="华新软件")])
    db.session.commit()
    opportunity = services.create_opportunity(w.customer, w.rep, {"name": "CRM升级", "expected_amount": Decimal("1")}, w.rep)
    db.session.commit()
    html = login_as(w.rep).get(f"/sales/opportunities/{opportunity.id}/lose").get_data(as_text=True)
    assert 'list="competitor-names"' in html and '<option value="华新软件">' in html and '<option value="友商科技">' in html


def test_opportunity_page_links_the_competitors_it_names(sales_world, login_as):
    w = sales_world
    rival = Competitor(name="友商科技")
    db.session.add(rival)
    db.session.commit()
    opportunity = services.create_opportunity(w.customer, w.rep, {"name": "CRM升级", "expected_amount": Decimal("1"),
                                                                  "competitors": "友商科技、某小厂"}, w.rep)
    db.session.commit()
    html = login_as(w.rep).get(f"/sales/opportunities/{opportunity.id}").get_data(as_text=True)
    assert f'<a href="/marketing/competitors/{rival.id}">友商科技</a>' in html
    assert "某小厂" in html and "某小厂</a>" not in html  # a name without a record stays text
