"""Browser journey: a customer's interactions stop, the nightly job runs, the owner sees the churn
warning with its reasons on the work list, records a care action on the customer page, and the
warning closes (handled) without a reload."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db


def fading_customer(live_server, make_live_customer, owner_id: int) -> int:
    """An A customer contacted weekly until about three months ago, then not at all."""
    from portal.models.followups import FollowUp

    now = clock.now()
    customer_id = make_live_customer(f"渐行渐远科技{owner_id}有限公司", owner_id=owner_id, grade="A",
                                     created_at=now - timedelta(days=400),
                                     last_contacted_at=now - timedelta(days=95))
    with live_server.app.app_context():
        for days in range(95, 176, 7):  # 12 contacts
            db.session.add(FollowUp(customer_id=customer_id, author_id=owner_id, method="电话",
                                    contacted_at=now - timedelta(days=days), recorded_at=now - timedelta(days=days)))
        db.session.commit()
        db.session.remove()
    return customer_id


def run_nightly_job(live_server) -> None:
    """What cron runs: `flask --app wsgi customers score-health`."""
    with live_server.app.app_context():
        result = live_server.app.test_cli_runner().invoke(args=["customers", "score-health"])
        db.session.remove()
    assert result.exit_code == 0, result.output


@pytest.mark.browser
def test_warning_reaches_owner_and_a_care_action_closes_it(live_server, page, make_live_user, make_live_customer,
                                                            login):
    rep = make_live_user("sales", department_name="销售部", display_name="健康度销售")
    customer_id = fading_customer(live_server, make_live_customer, rep.id)
    run_nightly_job(live_server)
    login(page, rep.username, rep.password)

    page.goto(live_server.url + "/")
    section = page.locator("#work-churn_warnings")
    expect(section).to_contain_text("渐行渐远科技")
    expect(section).to_contain_text("近90天互动 0 次，前90天 12 次，减少一半以上，A类应有 12 次")
    expect(section).to_contain_text("等级为风险")

    page.goto(f"{live_server.url}/customers/{customer_id}")
    health = page.locator("#health-section")
    expect(health.locator("#churn-warning")).to_contain_text("待处理")
    expect(health).to_contain_text("互动频率：近90天互动 0 次，A类应有 12 次")
    health.get_by_role("link", name="记录关怀").click()
    form = page.locator("#care-form")
    expect(form).to_be_visible()
    form.locator("#kind").select_option("拜访")
    form.locator("#occasion").select_option("流失预警")
    form.locator("#content").fill("上门拜访，了解停用原因，约定下月复盘")
    url_before = page.url
    form.locator("button[type=submit]").click()
    expect(page.locator("#health-section .care-list")).to_contain_text("上门拜访，了解停用原因")
    expect(page.locator("#churn-warning")).to_contain_text("已处理")
    expect(page.locator("#care-form")).to_have_count(0)
    assert page.url == url_before  # swapped in place, no navigation

    page.goto(live_server.url + "/")
    expect(page.locator("#work-churn_warnings")).to_have_count(0)
