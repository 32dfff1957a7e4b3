"""商机 → 报价（低于底价需审批）→ 赢单转订单, and the funnel over real records."""
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.models.customers import StageChange
from portal.models.revisits import RevisitTask
from portal.models.sales import Opportunity, OpportunityStageChange, Order, Quote


def create_opportunity(client, customer, **overrides):
    data = {"name": "CRM升级项目", "products_of_interest": "企业版", "expected_amount": "50000",
            "expected_close_on": "2026-12-31", "source": "老客户转介绍", "competitors": "某竞品", "next_step": "方案演示"}
    data.update(overrides)
    response = client.post(f"/sales/customers/{customer.id}/opportunities/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return db.session.scalar(select(Opportunity).order_by(Opportunity.id.desc()))


def quote(client, opportunity, product, price, quantity="2", discount=""):
    return client.post(f"/sales/opportunities/{opportunity.id}/quotes/new", data={
        "lines-0-product_id": str(product.id), "lines-0-quantity": quantity, "lines-0-unit_price": price,
        "lines-0-discount": discount, "note": "含一年运维"})


def test_below_floor_quote_waits_for_the_supervisor_then_wins_into_an_order(sales_world, login_as):
    w = sales_world
    rep, boss = login_as(w.rep), login_as(w.supervisor)
    opportunity = create_opportunity(rep, w.customer)
    assert opportunity.owner_id == w.rep.id and opportunity.stage == "初步接洽"

    assert quote(rep, opportunity, w.product, "7500").status_code == 303
    pending = db.session.scalar(select(Quote))
    assert pending.status == "待审批" and pending.total == Decimal("15000.00") and pending.lines[0].below_floor
    # The supervisor sees it on the work list; the rep may not approve it.
    assert "待审批报价" in boss.get("/").get_data(as_text=True) and "¥15,000.00" in boss.get("/").get_data(as_text=True)
    assert rep.post(f"/sales/quotes/{pending.id}/decide", data={"decision": "approve"}).status_code == 403
    assert boss.post(f"/sales/quotes/{pending.id}/decide", data={"decision": "approve", "note": "战略客户"}).status_code == 303
    db.session.refresh(pending)
    assert pending.status == "有效" and pending.decided_by_id == w.supervisor.id

    assert rep.post(f"/sales/opportunities/{opportunity.id}/win", data={"signed_on": "2026-11-24"}).status_code == 303
    order = db.session.scalar(select(Order))
    db.session.refresh(opportunity)
    assert opportunity.stage == "赢单" and order.opportunity_id == opportunity.id
    assert order.number == "DD20261124001" and order.total == Decimal("15000.00")
    assert order.cost == Decimal("6000.00") and order.gross_profit == Decimal("9000.00")
    assert [h.to_stage for h in db.session.scalars(select(OpportunityStageChange).order_by(OpportunityStageChange.id))] \
        == ["初步接洽", "方案报价", "赢单"]
    # The customer's first order: stage 成交 and an after-sales revisit.
    db.session.refresh(w.customer)
    assert w.customer.stage == "成交" and w.customer.total_deal_amount == Decimal("15000.00")
    assert db.session.scalar(select(StageChange.reason)) == "首次成交"
    assert db.session.scalar(select(RevisitTask.unique_key)) == f"deal:{order.id}"
    # Every quote the customer received is on its page, for anyone who may see the customer.
    from portal.models.auth import User

    service = User(username="kf", display_name="客服", role="service", password_hash=w.rep.password_hash)
    db.session.add(service)
    db.session.commit()
    for client in (rep, login_as(service)):
        page = client.get(f"/customers/{w.customer.id}").get_data(as_text=True)
        assert "报价记录" in page and "@ ¥7,500.00" in page and order.number in page
    assert login_as(w.other_rep).get(f"/customers/{w.customer.id}").status_code == 404


def test_quote_at_floor_needs_no_approval_and_a_rejected_one_is_not_used(sales_world, login_as):
    w = sales_world
    rep, boss = login_as(w.rep), login_as(w.supervisor)
    opportunity = create_opportunity(rep, w.customer, expected_amount="1")
    quote(rep, opportunity, w.product, "8000")
    assert db.session.scalar(select(Quote.status)) == "有效"
    quote(rep, opportunity, w.product, "100")
    low = db.session.scalar(select(Quote).where(Quote.status == "待审批"))
    boss.post(f"/sales/quotes/{low.id}/decide", data={"decision": "reject", "note": "价格过低"})
    rep.post(f"/sales/opportunities/{opportunity.id}/win", data={"signed_on": "2026-11-24"})
    assert db.session.scalar(select(Order.total)) == Decimal("16000.00")


def test_losing_needs_a_reason_and_closes_the_opportunity(sales_world, login_as):
    w = sales_world
    rep = login_as(w.rep)
    opportunity = create_opportunity(rep, w.customer)
    response = rep.post(f"/sales/opportunities/{opportunity.id}/lose", data={"loss_reason": "", "lost_to": ""})
    assert response.status_code == 422 and "请选择输单原因" in response.get_data(as_text=True)
    rep.post(f"/sales/opportunities/{opportunity.id}/stage", data={"stage": "商务谈判"})
    assert rep.post(f"/sales/opportunities/{opportunity.id}/lose", data={"loss_reason": "价格", "lost_to": "某竞品"}).status_code == 303
    db.session.refresh(opportunity)
    assert (opportunity.stage, opportunity.loss_reason, opportunity.lost_to, opportunity.lost_at_stage) == \
        ("输单", "价格", "某竞品", "商务谈判")
    assert rep.post(f"/sales/opportunities/{opportunity.id}/win", data={"signed_on": "2026-11-24"}).status_code == 403


def test_funnel_page_counts_amounts_conversion_and_loss_rate(sales_world, login_as):
    w = sales_world
    rep = login_as(w.rep)
    made = [create_opportunity(rep, w.customer, name=f"商机{i}", expected_amount="10000") for i in range(4)]
    rep.post(f"/sales/opportunities/{made[1].id}/stage", data={"stage": "方案报价"})
    rep.post(f"/sales/opportunities/{made[2].id}/lose", data={"loss_reason": "时机"})
    rep.post(f"/sales/opportunities/{made[3].id}/stage", data={"stage": "商务谈判"})
    rep.post(f"/sales/opportunities/{made[3].id}/win", data={"signed_on": "2026-11-24"})
    html = login_as(w.supervisor).get("/sales/funnel?year=2026").get_data(as_text=True)
    # Open: 初步接洽 10,000 × 10 % + 方案报价 10,000 × 50 % = 6,000; 丢单率 1 ÷ (1 + 1).
    assert '<dd class="weighted-pipeline">¥6,000.00</dd>' in html
    assert '<dd class="loss-rate">50.0%</dd>' in html
    assert "时机：1" in html
    # Forecast by expected close month: both open ones close 2026-12 → 10,000 + 10,000 at 10 % and 50 %.
    assert "<td>2026-12</td><td class=\"num\">2</td><td class=\"num\">¥20,000.00</td><td class=\"num\">¥6,000.00</td>" in html


def test_funnel_of_one_quarter(sales_world, login_as):
    """Q3 and Q4 each count the opportunities created in them; the year counts both."""
    from datetime import datetime

    w = sales_world
    rep = login_as(w.rep)
    summer = create_opportunity(rep, w.customer, name="夏季商机", expected_amount="30000")
    create_opportunity(rep, w.customer, name="冬季商机", expected_amount="10000")
    summer.created_at = datetime(2026, 9, 30, 23, 0)
    db.session.commit()
    boss = login_as(w.supervisor)

    def weighted(path):  # both are 初步接洽 (10 %)
        return boss.get(path).get_data(as_text=True).split('<dd class="weighted-pipeline">')[1].split("<")[0]

    assert weighted("/sales/funnel?year=2026&quarter=3") == "¥3,000.00"
    assert weighted("/sales/funnel?year=2026&quarter=4") == "¥1,000.00"
    assert weighted("/sales/funnel?year=2026") == "¥4,000.00"
    assert weighted("/sales/funnel?year=2026&quarter=9") == "¥4,000.00"  # not a quarter: the whole year
    assert "2026年第3季度创建的商机" in boss.get("/sales/funnel?year=2026&quarter=3").get_data(as_text=True)


def test_quote_straight_from_a_customer_without_an_opportunity(sales_world, login_as):
    """A price asked for before any opportunity: quoted from the customer, shown on its page, floor rule intact."""
    w = sales_world
    rep = login_as(w.rep)
    assert "/quotes/new" in rep.get(f"/customers/{w.customer.id}").get_data(as_text=True)
    response = rep.post(f"/sales/customers/{w.customer.id}/quotes/new", data={
        "lines-0-product_id": str(w.product.id), "lines-0-quantity": "1", "lines-0-unit_price": "7000",
        "lines-0-discount": "", "note": "电话询价"})
    assert response.status_code == 303
    created = db.session.scalar(select(Quote).order_by(Quote.id.desc()))
    assert (created.customer_id, created.opportunity_id, created.status) == (w.customer.id, None, "待审批")
    assert db.session.scalar(select(Opportunity.id)) is None
    assert rep.post(f"/sales/customers/{w.others_customer.id}/quotes/new", data={}).status_code == 404
