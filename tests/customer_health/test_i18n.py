"""Customer health in English and 繁體中文 (issue 17): levels, factor lines, warning reasons, the chart's
months and bands, the at-risk list, the work list and the care form speak the reader's language, while the
stored level and reasons stay as the nightly job wrote them (简体)."""
from datetime import date

from flask_babel import refresh
from sqlalchemy import select

from portal.customer_health.services import score_all
from portal.extensions import db
from portal.models.customer_health import ChurnWarning, CustomerHealth, CustomerHealthMonth
from portal.rules import health
from tests.conftest import speaking
from tests.customer_health.conftest import fading_customer as shared_fading_customer

HALVED_EN = "2 contacts in the last 90 days, 12 in the 90 before: down by half or more; grade A expects 12"


def fetch(client, path, **kwargs):
    """Requests in a test share the test's app context, so Flask-Babel's cached locale is dropped first."""
    refresh()
    return client.post(path, **kwargs) if "data" in kwargs else client.get(path)


def fading_customer(new_customer, owner, **fields):
    """The fading customer of the health tests, with a 健康 October in its history (the chart's bands)."""
    customer = shared_fading_customer(new_customer, owner, **fields)
    db.session.add(CustomerHealthMonth(customer_id=customer.id, month=date(2026, 10, 1), score=72, level="健康"))
    db.session.commit()
    return customer


def test_customer_health_in_english_with_level_factors_and_reasons(app, frozen_now, login_as, make_user,
                                                                     new_customer):
    sales = speaking(make_user("sales"), "en")
    customer = fading_customer(new_customer, sales)
    score_all()
    html = fetch(login_as(sales), f"/health/customers/{customer.id}").get_data(as_text=True)
    assert "Customer health" in html and ">At risk</span>" in html and "Assessed 2026-11-24 10:00" in html
    assert "Contact frequency: 2 contacts in the last 90 days; grade A expects 12; 9 / 55 points" in html
    assert "Payment punctuality: No orders; payment punctuality not counted (weight 0)" in html
    assert HALVED_EN in html and "Health score 39, level At risk" in html
    assert ">Oct</text>" in html and ">Nov</text>" in html and ">Healthy</text>" in html  # chart months and bands
    assert "风险" not in html and "互动" not in html
    row = db.session.get(CustomerHealth, customer.id)
    warning = db.session.scalar(select(ChurnWarning))
    assert row.level == "风险" and "健康度 39 分，等级为风险" in warning.reasons  # stored as written


def test_customer_health_in_traditional(app, frozen_now, login_as, make_user, new_customer):
    sales = speaking(make_user("sales"), "zh_Hant_TW")
    customer = fading_customer(new_customer, sales)
    score_all()
    html = fetch(login_as(sales), f"/health/customers/{customer.id}").get_data(as_text=True)
    assert "客戶健康度" in html and ">風險</span>" in html and "流失預警" in html
    assert "互動頻率：近90天互動 2 次，A類應有 12 次，得 9 / 55 分" in html
    assert "近90天互動 2 次，前90天 12 次，減少一半以上，A類應有 12 次" in html


def test_lists_and_work_list_in_english(app, frozen_now, login_as, make_user, make_department, new_customer):
    department = make_department("销售一部")
    sales = speaking(make_user("sales", department=department), "en")
    supervisor = speaking(make_user("supervisor", department=department), "en")
    fading_customer(new_customer, sales, name="渐远科技有限公司")
    score_all()
    at_risk = fetch(login_as(supervisor), "/health/at-risk").get_data(as_text=True)
    assert "Department customers at risk" in at_risk and ">At risk</span>" in at_risk
    assert "↓ down 33 points" in at_risk and "渐远科技有限公司" in at_risk and ">At risk or warned</option>" in at_risk
    client = login_as(sales)
    warnings = fetch(client, "/health/warnings").get_data(as_text=True)
    assert "Health score 39, level At risk; " + HALVED_EN in warnings and ">Open</span>" in warnings
    home = fetch(client, "/").get_data(as_text=True)
    assert "Churn warnings (follow up or record care)" in home and "Churn warning: 渐远科技有限公司" in home
    assert "Handle by 2026-12-01" in home and "Customer care suggestions" in home


def test_care_form_error_in_english(app, frozen_now, login_as, make_user, new_customer):
    sales = speaking(make_user("sales"), "en")
    customer = new_customer(sales)
    response = fetch(login_as(sales), f"/health/customers/{customer.id}/care",
                     data={"kind": "拜访", "occasion": "生日", "done_at": "2026-11-24T09:00", "content": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Describe the care action" in html and "请填写关怀内容" not in html
    assert ">Visit</option>" in html and ">Birthday</option>" in html


def test_rules_page_in_english(app, frozen_now, login_as, make_user, new_customer):
    admin = speaking(make_user("admin"), "en")
    fading_customer(new_customer, make_user("sales"))
    score_all()
    form = {"scale": 20, "interaction": 30, "complaints": 15, "satisfaction": 15, "payment": 10, "trend": 10,
            "healthy": 70, "watch": 35, "action": "preview"}
    html = fetch(login_as(admin), "/health/rules", data=form).get_data(as_text=True)
    assert "Factor weights" in html and "Contact frequency" in html
    assert "Under the new rules, 1 of 1 assessed customers would change level" in html
    assert "At risk → Watch: 1" in html


def test_stored_words_translate_back_and_unknown_text_stays():
    catalogue = {health.COMPLAINTS_WORDS: "%(total)s complaints (%(detail)s)", health.COMPLAINT_COUNT: "%(severity)s: %(count)s",
                 health.LIST_SEPARATOR: ", ", "重大": "major", "轻微": "minor"}

    def gettext(message, **params):
        text = catalogue.get(message, message)
        return text % params if params else text

    stored = health.complaints_factor({"重大": 1, "轻微": 2}).words
    assert stored == "近180天投诉 3 次（重大 1、轻微 2）"
    assert health.translated_words(stored, gettext) == "3 complaints (major: 1, minor: 2)"
    assert health.translated_words("客户说下个月再联系", gettext) == "客户说下个月再联系"  # not a portal text
