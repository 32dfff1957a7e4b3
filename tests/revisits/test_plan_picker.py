"""A manual revisit plan picks its customers with the customer list's search and filters."""
from sqlalchemy import select

from portal.customers.services import refresh_search
from portal.extensions import db
from portal.models.revisits import Questionnaire, RevisitPlan
from portal.revisits.services import default_questionnaire


def searchable(customer):
    """The customer list's search reads its index table (written by the customers area's services)."""
    refresh_search(customer)
    db.session.commit()
    return customer


def plan_data(**extra):
    questionnaire_id = db.session.scalar(select(Questionnaire.id))
    return {"name": "名单回访", "segment": "manual", "method": "电话", "starts_on": "2026-11-24",
            "window_workdays": "3", "questionnaire_id": str(questionnaire_id), **extra}


def test_picker_searches_like_the_customer_list(app, make_user, make_customer, login_as, hx):
    supervisor = make_user("supervisor")
    wanted = searchable(make_customer(name="杭州云帆电子有限公司", stage="成交", tier="重点"))
    searchable(make_customer(name="杭州云帆贸易有限公司", stage="潜在"))
    searchable(make_customer(name="宁波远景物流有限公司", stage="成交", tier="重点"))
    client = login_as(supervisor)
    html = client.get("/revisits/plans/customers?q=云帆&stage=成交", headers=hx).get_data(as_text=True)
    assert "杭州云帆电子有限公司" in html and "杭州云帆贸易有限公司" not in html and "宁波远景" not in html
    assert f'name="picked_codes" value="{wanted.code}"' in html
    # A ticked customer stays listed and ticked whatever the next search shows.
    html = client.get(f"/revisits/plans/customers?q=宁波&picked_codes={wanted.code}", headers=hx).get_data(as_text=True)
    assert f'value="{wanted.code}" checked' in html and "宁波远景物流有限公司" in html


def test_picker_without_js_keeps_the_typed_plan(app, make_user, make_customer, login_as):
    default_questionnaire()
    db.session.commit()
    searchable(make_customer(name="杭州云帆电子有限公司"))
    page = login_as(make_user("supervisor")).get("/revisits/plans/new?pick=1&name=年末名单&q=云帆").get_data(as_text=True)
    assert 'value="年末名单"' in page and "杭州云帆电子有限公司" in page


def test_plan_saves_picked_and_typed_codes_once(app, make_user, make_customer, login_as):
    default_questionnaire()
    db.session.commit()
    first, second = make_customer(name="甲公司"), make_customer(name="乙公司")
    response = login_as(make_user("supervisor")).post("/revisits/plans/new", data=plan_data(
        picked_codes=[first.code, second.code], customer_codes=f"{first.code.lower()}\n"))
    assert response.status_code == 303
    assert db.session.scalar(select(RevisitPlan.customer_codes)).splitlines() == [first.code, second.code]


def test_picker_is_for_planners_only(app, make_user, login_as, hx):
    assert login_as(make_user("sales")).get("/revisits/plans/customers", headers=hx).status_code == 403
