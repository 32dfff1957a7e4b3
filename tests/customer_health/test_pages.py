"""What users see: the customer page's health section, the work list's 流失预警 with reasons, care actions
closing a warning, the supervisor's at-risk list and the admin's rules preview."""
from datetime import date, datetime

from sqlalchemy import select

from portal.customer_health.services import score_all
from portal.extensions import db
from portal.models.customer_health import CareAction, ChurnWarning, CustomerHealthMonth
from portal.settings_store import get_setting
from tests.customer_health.conftest import fading_customer


def test_customer_page_shows_score_words_chart_and_warning(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = fading_customer(new_customer, sales)
    db.session.add(CustomerHealthMonth(customer_id=customer.id, month=date(2026, 10, 1), score=72, level="健康"))
    db.session.commit()
    score_all()
    html = login_as(sales).get(f"/customers/{customer.id}").get_data(as_text=True)
    assert 'id="health-section"' in html
    assert '<strong class="health-figure">39</strong>' in html and "风险" in html
    assert "互动频率：近90天互动 2 次，A类应有 12 次，得 9 / 55 分" in html
    assert "回款及时性：无订单，不计回款及时性（权重 0）" in html
    assert "评估于" in html and "2026-11-24 10:00" in html
    assert "<svg" in html and ">72</text>" in html and ">39</text>" in html  # October and November
    assert "流失预警" in html and "近90天互动 2 次，前90天 12 次，减少一半以上，A类应有 12 次" in html


def test_unscored_customer_says_so(app, frozen_now, login_as, make_user, new_customer):
    from portal.models.customer_health import CustomerHealth

    sales = make_user("sales")
    customer = new_customer(sales)
    assert db.session.get(CustomerHealth, customer.id).score is None
    html = login_as(sales).get(f"/customers/{customer.id}").get_data(as_text=True)
    assert 'id="health-unscored"' in html and "尚未评估" in html


def test_work_list_shows_warning_and_care_action_closes_it(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = fading_customer(new_customer, sales, name="渐远科技有限公司")
    score_all()
    client = login_as(sales)
    home = client.get("/").get_data(as_text=True)
    assert "流失预警（请跟进或关怀）" in home and "流失预警 渐远科技有限公司" in home
    assert "健康度 39 分，等级为风险" in home
    assert "客户关怀建议" in home

    invalid = client.post(f"/health/customers/{customer.id}/care", data={"kind": "拜访", "occasion": "流失预警",
                                                                         "done_at": "2026-11-24T09:00", "content": ""})
    assert invalid.status_code == 422 and "请填写关怀内容" in invalid.get_data(as_text=True)
    response = client.post(f"/health/customers/{customer.id}/care", data={
        "kind": "拜访", "occasion": "流失预警", "done_at": "2026-11-24T09:00", "content": "上门拜访，了解续约顾虑"})
    assert response.status_code == 303
    care = db.session.scalar(select(CareAction))
    warning = db.session.scalar(select(ChurnWarning))
    assert care.author_id == sales.id and care.warning_id == warning.id
    assert warning.status == "已处理" and warning.handled_via == "关怀"
    db.session.refresh(customer)
    assert customer.last_contacted_at == datetime(2026, 11, 24, 9, 0)
    assert "流失预警（请跟进或关怀）" not in client.get("/").get_data(as_text=True)
    assert "上门拜访，了解续约顾虑" in client.get(f"/customers/{customer.id}").get_data(as_text=True)


def test_other_reps_warning_and_care_are_out_of_scope(app, frozen_now, login_as, make_user, new_customer):
    owner, other = make_user("sales"), make_user("sales")
    customer = fading_customer(new_customer, owner, name="他人客户有限公司")
    score_all()
    client = login_as(other)
    assert client.post(f"/health/customers/{customer.id}/care", data={
        "kind": "问候", "occasion": "其他", "done_at": "2026-11-24T09:00", "content": "x"}).status_code == 404
    assert db.session.scalar(select(CareAction)) is None
    assert "他人客户有限公司" not in client.get("/health/warnings?owner=all&status=all").get_data(as_text=True)
    assert "他人客户有限公司" in login_as(owner).get("/health/warnings").get_data(as_text=True)


def test_escalated_warning_reaches_the_supervisor(app, frozen_now, login_as, make_user, make_department, new_customer):
    department = make_department("销售一部")
    sales, supervisor = make_user("sales", department=department), make_user("supervisor", department=department)
    outsider = make_user("supervisor", department=make_department("销售二部"))
    customer = fading_customer(new_customer, sales, name="无人处理有限公司")
    score_all()
    assert "超5个工作日未处理" not in login_as(supervisor).get("/").get_data(as_text=True)
    frozen_now.move_to(datetime(2026, 12, 2, 1, 0))
    score_all()
    html = login_as(supervisor).get("/").get_data(as_text=True)
    assert "流失预警（超5个工作日未处理）" in html and "无人处理有限公司" in html
    assert "无人处理有限公司" not in login_as(outsider).get("/").get_data(as_text=True)
    at_risk = login_as(supervisor).get("/health/at-risk").get_data(as_text=True)
    assert "无人处理有限公司" in at_risk and "2026-11-14 10:00" in at_risk  # last contact
    assert customer.id and "已升级" in at_risk


def test_at_risk_list_trend_against_last_month(app, frozen_now, login_as, make_user, make_department, new_customer):
    department = make_department("销售一部")
    sales, supervisor = make_user("sales", department=department), make_user("supervisor", department=department)
    customer = fading_customer(new_customer, sales)
    db.session.add(CustomerHealthMonth(customer_id=customer.id, month=date(2026, 10, 1), score=72, level="健康"))
    db.session.commit()
    score_all()
    html = login_as(supervisor).get("/health/at-risk").get_data(as_text=True)
    assert "↓ 下降 33 分" in html


def test_rules_preview_counts_moves_then_save(app, frozen_now, login_as, make_user, new_customer):
    admin, sales = make_user("admin"), make_user("sales")
    fading_customer(new_customer, sales)  # 39 风险
    score_all()
    client = login_as(admin)
    form = {**get_setting("health_weights"), "healthy": 70, "watch": 35, "action": "preview"}
    html = client.post("/health/rules", data=form).get_data(as_text=True)
    assert "1 个已评估客户中有 1 个将改变等级" in html and "风险 → 关注：1" in html
    assert get_setting("health_thresholds") == {"healthy": 70, "watch": 40}
    bad = client.post("/health/rules", data={**form, "watch": 80})
    assert bad.status_code == 422 and "关注分数线应低于健康分数线" in bad.get_data(as_text=True)
    assert client.post("/health/rules", data={**form, "action": "save"}).status_code == 303
    db.session.expire_all()
    from flask import g
    g.pop("settings", None)
    assert get_setting("health_thresholds") == {"healthy": 70, "watch": 35}


def test_customer_list_sorts_and_filters_by_health(app, frozen_now, login_as, make_user, new_customer, count_queries):
    from portal.models.customer_health import CustomerHealth

    admin, sales = make_user("admin"), make_user("sales")
    for name, score, level in (("甲健康有限公司", 88, "健康"), ("乙关注有限公司", 55, "关注"), ("丙风险有限公司", 20, "风险"),
                               ("丁未评有限公司", None, None)):
        customer = new_customer(sales, name=name)
        row = db.session.get(CustomerHealth, customer.id)  # every new file gets its (unscored) row at once
        row.score, row.level = score, level
    db.session.commit()
    client = login_as(admin)
    html = client.get("/customers/?sort=-health").get_data(as_text=True)
    order = [html.index(n) for n in ("甲健康", "乙关注", "丙风险", "丁未评")]
    assert order == sorted(order) and "88" in html and "健康" in html
    html = client.get("/customers/?sort=health").get_data(as_text=True)
    assert html.index("丙风险") < html.index("乙关注") < html.index("甲健康")
    html = client.get("/customers/?health=风险").get_data(as_text=True)
    assert "丙风险" in html and "甲健康" not in html and "乙关注" not in html
    with count_queries() as default_list:
        client.get("/customers/")
    with count_queries() as sorted_list:
        client.get("/customers/?sort=-health")
    assert sorted_list.count <= default_list.count  # joined, never one query per row


def test_care_dates_are_suggested_on_the_work_list(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    new_customer(sales, name="生日将近有限公司", key_contact_birthday=date(1985, 11, 27))
    new_customer(sales, name="周年尚远有限公司", company_anniversary=date(2010, 12, 20))
    html = login_as(sales).get("/").get_data(as_text=True)
    assert "客户关怀建议" in html and "关怀 生日将近有限公司" in html and "关键联系人生日 11-27" in html
    assert "周年尚远有限公司" not in html


def test_handed_over_warning_follows_the_customer(app, frozen_now, login_as, make_user, new_customer):
    leaving, taking = make_user("sales"), make_user("sales")
    customer = fading_customer(new_customer, leaving, name="交接客户有限公司")
    score_all()
    customer.owner_id = taking.id
    db.session.commit()
    assert "流失预警 交接客户有限公司" in login_as(taking).get("/").get_data(as_text=True)
    assert "流失预警 交接客户有限公司" not in login_as(leaving).get("/").get_data(as_text=True)
    assert "交接客户有限公司" in login_as(taking).get("/health/warnings").get_data(as_text=True)
