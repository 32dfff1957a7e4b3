"""The activity list, form, status actions, expenses, export and scope of the marketing area."""
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.marketing import Activity, ActivityExpense


def test_marketer_plans_an_activity_and_invalid_forms_get_422(app, people, login_as):
    client = login_as(people["marketing"])
    response = client.post("/marketing/new", data={"theme": "", "kind": "展会", "starts_on": "2026-12-10",
                                                   "ends_on": "2026-12-09", "owner_id": people["marketing"].id,
                                                   "budget": "-1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "请填写活动主题" in page and "结束日期不能早于开始日期" in page
    response = client.post("/marketing/new", data={"theme": "2027 新品发布会", "kind": "新品发布会",
                                                   "starts_on": "2026-12-10", "ends_on": "2026-12-11", "region": "华东",
                                                   "owner_id": people["marketing"].id, "budget": "50000.00"})
    assert response.status_code == 303
    activity = db.session.scalar(select(Activity))
    assert (activity.theme, activity.status, activity.budget) == ("2027 新品发布会", "计划中", Decimal("50000.00"))


def test_sales_and_service_read_but_cannot_manage(app, people, login_as, make_activity):
    activity = make_activity(owner=people["marketing"])
    for role in ("sales", "service"):
        client = login_as(people[role])
        assert client.get(f"/marketing/{activity.id}").status_code == 200
        assert client.post(f"/marketing/{activity.id}/start").status_code == 403
        assert client.get("/marketing/new").status_code == 403
    assert login_as(people["tech"]).get("/marketing/").status_code == 403
    assert db.session.get(Activity, activity.id).status == "计划中"


def test_status_actions_follow_the_machine_and_refuse_illegal_steps(app, people, login_as, make_activity):
    activity = make_activity(owner=people["marketing"])
    client = login_as(people["marketing"])
    assert client.post(f"/marketing/{activity.id}/finish").status_code == 409
    assert client.post(f"/marketing/{activity.id}/start").status_code == 303
    assert client.post(f"/marketing/{activity.id}/cancel", data={"reason": "台风"}).status_code == 303
    db.session.expire_all()
    record = db.session.get(Activity, activity.id)
    assert (record.status, record.cancel_reason) == ("已取消", "台风")
    assert client.post(f"/marketing/{activity.id}/start").status_code == 409
    page = client.get(f"/marketing/{activity.id}").get_data(as_text=True)
    assert "已取消" in page and "台风" in page


def test_expenses_sum_to_actual_cost_against_budget(app, people, login_as, make_activity):
    activity = make_activity(owner=people["marketing"], budget="1000.00")
    client = login_as(people["marketing"])
    assert client.post(f"/marketing/{activity.id}/expenses", data={"category": "场地", "amount": "0",
                                                                    "spent_on": "2026-11-20"}).status_code == 422
    for category, amount in (("场地", "600.10"), ("宣传", "500.00")):
        response = client.post(f"/marketing/{activity.id}/expenses", data={"category": category, "amount": amount,
                                                                            "spent_on": "2026-11-20", "note": "=1+1"})
        assert response.status_code == 303
    assert db.session.scalar(select(func.sum(ActivityExpense.amount))) == Decimal("1100.10")
    page = client.get(f"/marketing/{activity.id}").get_data(as_text=True)
    assert "¥1,100.10" in page and "超预算" in page


def test_list_filters_sort_and_export(app, people, login_as, make_activity):
    make_activity(owner=people["marketing"], theme="上海展会", kind="展会", region="华东", starts_on=date(2026, 3, 1),
                  ends_on=date(2026, 3, 2))
    make_activity(owner=people["admin"], theme="=HYPERLINK(\"x\")", kind="培训", region="华南",
                  starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 1))
    make_activity(owner=people["marketing"], theme="秋季沙龙", kind="客户沙龙", status="已结束", region="华东",
                  starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 1))
    client = login_as(people["sales"])
    page = client.get("/marketing/?kind=展会").get_data(as_text=True)
    assert "上海展会" in page and "秋季沙龙" not in page
    page = client.get("/marketing/?status=已结束").get_data(as_text=True)
    assert "秋季沙龙" in page and "上海展会" not in page
    page = client.get(f"/marketing/?region=华东&owner={people['marketing'].id}&date_from=2026-08-01").get_data(as_text=True)
    assert "秋季沙龙" in page and "上海展会" not in page
    page = client.get("/marketing/?sort=starts_on&per_page=100000").get_data(as_text=True)
    assert page.index("上海展会") < page.index("秋季沙龙")
    response = client.get("/marketing/export?region=华南")
    sheet = load_workbook(BytesIO(response.data)).active
    assert sheet.max_row == 2 and sheet.cell(2, 1).value == "'=HYPERLINK(\"x\")"
    assert client.get("/marketing/?sort=;drop").status_code == 200


def test_work_list_shows_the_marketers_running_and_upcoming_activities(app, frozen_now, people, login_as,
                                                                       make_activity):
    make_activity(owner=people["marketing"], theme="进行中的沙龙", status="进行中", starts_on=date(2026, 11, 23),
                  ends_on=date(2026, 11, 25))
    make_activity(owner=people["marketing"], theme="下周的发布会", starts_on=date(2026, 11, 27), ends_on=date(2026, 11, 27))
    make_activity(owner=people["marketing"], theme="明年的展会", starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 2))
    make_activity(owner=people["admin"], theme="别人的活动", status="进行中")
    page = login_as(people["marketing"]).get("/").get_data(as_text=True)
    assert "进行中的沙龙" in page and "下周的发布会" in page and "3天后开始" in page
    assert "明年的展会" not in page and "别人的活动" not in page
    assert "我的市场活动" not in login_as(people["sales"]).get("/").get_data(as_text=True)
