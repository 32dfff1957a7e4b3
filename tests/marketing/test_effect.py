"""Effect per activity and compared across activities: attendees, new leads (attributed by the one-activity
rule), cost, cost per lead; orders and opportunities attributed with revenue and ROI; the chart and the
activity report PDF."""
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.marketing import queries
from portal.models.marketing import ActivityExpense, ActivityParticipant
from portal.models.sales import Product
from portal.sales.services import LineInput, cancel_order, record_order


def attend(activity, customer, walk_in=False):
    db.session.add(ActivityParticipant(activity_id=activity.id, customer_id=customer.id, status="已到场", walk_in=walk_in))
    db.session.commit()


def cost(activity, amount):
    db.session.add(ActivityExpense(activity_id=activity.id, category="场地", amount=Decimal(amount),
                                   spent_on=activity.starts_on))
    db.session.commit()


@pytest.fixture
def two_activities(people, make_activity, make_customer):
    fair = make_activity(owner=people["marketing"], theme="春季展会", status="已结束",
                         starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 2))
    salon = make_activity(owner=people["marketing"], theme="夏季沙龙", status="已结束", kind="客户沙龙",
                          starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 1))
    old = make_customer(created_at=datetime(2025, 5, 1, 9, 0))  # an existing customer: never a new lead
    walked_in = make_customer(created_at=datetime(2026, 3, 1, 15, 0))
    later_lead = make_customer(created_at=datetime(2026, 6, 3, 9, 0))  # attended both; counts for the salon
    attend(fair, old)
    attend(fair, walked_in, walk_in=True)
    attend(fair, later_lead)
    attend(salon, later_lead)
    attend(salon, old)
    cost(fair, "9000.00")
    cost(salon, "2000.00")
    return fair, salon, walked_in, later_lead


def test_attendees_leads_cost_and_cost_per_lead(app, people, two_activities):
    fair, salon, walked_in, later_lead = two_activities
    effects = queries.activity_effects([fair, salon])
    assert (effects[fair.id].attendees, effects[fair.id].leads, effects[fair.id].cost) == (3, 1, Decimal("9000.00"))
    assert effects[fair.id].lead_customer_ids == [walked_in.id]
    assert (effects[salon.id].attendees, effects[salon.id].leads) == (2, 1)
    assert effects[salon.id].lead_customer_ids == [later_lead.id]
    assert effects[fair.id].cost_per_lead == Decimal("9000.00")
    assert effects[salon.id].cost_per_lead == Decimal("2000.00")


def test_comparison_table_shows_leads_and_costs(app, frozen_now, people, login_as, two_activities):
    client = login_as(people["marketing"])
    page = client.get("/marketing/effect?date_from=2026-01-01&date_to=2026-11-30").get_data(as_text=True)
    assert "春季展会" in page and "夏季沙龙" in page and "订单数据尚未接入" not in page
    assert "¥9,000.00" in page and "<svg" in page
    fragment = client.get("/marketing/effect?date_from=2026-05-01", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "夏季沙龙" in fragment and "春季展会" not in fragment


def test_orders_and_opportunities_bring_revenue_and_roi(app, frozen_now, people, login_as, two_activities):
    """The walk-in's order a month after the fair counts for the fair; a cancelled order counts for nothing."""
    fair, salon, walked_in, later_lead = two_activities
    product = Product(code="CP-1", name="实施服务", standard_price=Decimal("30000"), floor_price=Decimal("20000"),
                      unit_cost=Decimal("18000"))
    db.session.add(product)
    db.session.flush()
    record_order(walked_in, people["sales"], date(2026, 4, 1), [LineInput(product, "实施服务", Decimal("1"), Decimal("30000"))],
                 people["sales"])
    cancelled = record_order(walked_in, people["sales"], date(2026, 4, 2),
                             [LineInput(None, "培训服务", Decimal("1"), Decimal("5000"))], people["sales"])
    cancel_order(cancelled)
    db.session.commit()
    effects = queries.activity_effects([fair, salon])
    assert (effects[fair.id].orders, effects[fair.id].order_amount) == (1, Decimal("30000.00"))
    assert effects[fair.id].roi == Decimal("0.3333")  # (12,000 gross profit − 9,000 cost) ÷ 9,000
    assert effects[salon.id].orders == 0
    page = login_as(people["marketing"]).get(f"/marketing/{fair.id}").get_data(as_text=True)
    assert "33.3%" in page and "¥30,000.00" in page


def test_window_setting_limits_attribution(app, people, two_activities):
    from portal.settings_store import save_setting

    fair, salon, walked_in, later_lead = two_activities
    save_setting("attribution_window_days", 1)
    db.session.commit()
    effects = queries.activity_effects([fair, salon])
    assert effects[salon.id].leads == 0  # created two days after the salon
    assert effects[fair.id].leads == 1  # the walk-in, same day


def test_activity_page_shows_effect_and_leads(app, frozen_now, people, login_as, two_activities):
    fair, *_rest = two_activities
    walked_in = _rest[1]
    page = login_as(people["marketing"]).get(f"/marketing/{fair.id}").get_data(as_text=True)
    assert walked_in.code in page and "单个线索成本" in page and "ROI" in page


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_activity_report_pdf(app, frozen_now, people, login_as, two_activities, tmp_path):
    fair, *_rest = two_activities
    response = login_as(people["sales"]).get(f"/marketing/{fair.id}/report.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    path = tmp_path / "activity.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("市场活动报告", "春季展会", "¥9,000.00", "到场"):
        assert expected in text


def test_staff_review_per_owner_with_drill_down(app, frozen_now, people, login_as, two_activities):
    page = login_as(people["supervisor"]).get("/marketing/effect?date_from=2026-01-01&date_to=2026-11-30")
    html = page.get_data(as_text=True)
    review = html[html.index('id="staff-review"'):]
    # 市场小李 held two finished activities: 5 attendances, 2 leads, ¥11,000 → ¥5,500.00 a lead.
    assert "市场小李" in review and "¥11,000.00" in review and "¥5,500.00" in review
    assert f"owner={people['marketing'].id}" in review
    assert 'id="staff-review"' not in login_as(people["sales"]).get("/marketing/effect").get_data(as_text=True)


def test_a_later_activity_outside_the_compared_set_still_claims_its_outcomes(app, people, two_activities):
    """Comparing only the fair: the lead opened after the salon still counts for the salon, not the fair."""
    fair, salon, walked_in, later_lead = two_activities
    effects = queries.activity_effects([fair])
    assert effects[fair.id].lead_customer_ids == [walked_in.id]
