"""The funnel's period figures come from one grouped query: stages, loss reasons and days to win as before,
and a rep's open-stage queries start from their customers (no stage index)."""
from datetime import date, datetime
from decimal import Decimal

from portal.extensions import db
from portal.models.sales import Opportunity


def opportunity(customer, owner, stage, created, amount="1000", **fields) -> Opportunity:
    row = Opportunity(customer_id=customer.id, owner_id=owner.id, name=f"{stage}{created}", stage=stage,
                      expected_amount=Decimal(amount), created_at=datetime(*created, 10, 0), **fields)
    db.session.add(row)
    return row


def funnel_page(count_queries, client):
    with count_queries() as counter:
        html = client.get("/sales/funnel?year=2026").get_data(as_text=True)
    return html, [s for s in counter.statements if "FROM opportunity" in s or "FROM (SELECT opportunity" in s]


def test_days_to_win_loss_reasons_and_stages_from_one_grouped_query(sales_world, login_as, count_queries):
    w = sales_world
    opportunity(w.customer, w.rep, "赢单", (2026, 3, 1), closed_on=date(2026, 3, 11))            # 10 days
    opportunity(w.others_customer, w.other_rep, "赢单", (2026, 4, 1), closed_on=date(2026, 4, 22))  # 21 days
    opportunity(w.customer, w.rep, "赢单", (2025, 4, 1), closed_on=date(2026, 1, 2))             # other year
    opportunity(w.customer, w.rep, "输单", (2026, 5, 1), loss_reason="价格", lost_at_stage="方案报价")
    opportunity(w.others_customer, w.other_rep, "输单", (2026, 5, 2), loss_reason="价格", lost_at_stage="初步接洽")
    opportunity(w.customer, w.rep, "输单", (2026, 5, 3), lost_at_stage="需求确认")  # no reason: 其他
    opportunity(w.customer, w.rep, "方案报价", (2026, 6, 1), amount="20000", expected_close_on=date(2026, 12, 5))
    db.session.commit()
    html, statements = funnel_page(count_queries, login_as(w.supervisor))
    assert len(statements) == 3  # period figures, by owner, forecast
    assert "<dt>平均赢单天数</dt><dd>15.5</dd>" in html  # (10 + 21) ÷ 2
    assert "<dd>2 / 3</dd>" in html and '<dd class="loss-rate">60.0%</dd>' in html
    assert html.index("价格：2") < html.index("其他：1")
    assert "<td>张伟</td><td class=\"num\">1</td><td class=\"num\">¥20,000.00</td><td class=\"num\">¥10,000.00</td>" in html
    rep_html, rep_statements = funnel_page(count_queries, login_as(w.rep))
    assert "<dt>平均赢单天数</dt><dd>10.0</dd>" in rep_html and "价格：1" in rep_html and "其他：1" in rep_html
    assert "李娜" not in rep_html
    assert sum("opportunity.stage || " in s for s in rep_statements) == 2  # by owner and forecast skip the stage index
    assert "<td>2026-12</td><td class=\"num\">1</td><td class=\"num\">¥20,000.00</td>" in rep_html


def test_no_won_opportunity_leaves_days_to_win_empty(sales_world, login_as):
    w = sales_world
    opportunity(w.customer, w.rep, "初步接洽", (2026, 2, 1))
    db.session.commit()
    assert "<dt>平均赢单天数</dt><dd>—</dd>" in login_as(w.rep).get("/sales/funnel?year=2026").get_data(as_text=True)
