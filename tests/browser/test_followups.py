"""Browser journey: record a follow-up inline on the customer page, see it in the timeline without
a reload, and see the work list and the top-bar reminder count update."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal import clock


def overdue_customer(make_live_customer, owner_id: int) -> int:
    return make_live_customer(f"浏览器测试客户{owner_id}有限公司", owner_id=owner_id, grade="A",
                              next_due_on=clock.today() - timedelta(days=3),
                              last_contacted_at=clock.now() - timedelta(days=10))


@pytest.mark.browser
def test_record_followup_inline_updates_timeline_and_work_list(live_server, page, make_live_user, make_live_customer, login):
    rep = make_live_user("sales", department_name="销售部", display_name="浏览器销售")
    customer_id = overdue_customer(make_live_customer, rep.id)
    login(page, rep.username, rep.password)

    page.goto(live_server.url + "/")
    due = page.locator("#work-followups_due")
    assert "逾期3天" in due.inner_text()
    # A locator assertion, not wait_for_function: the page's CSP forbids the eval that polling needs.
    expect(page.locator(".reminders-count")).to_have_text("1")

    page.goto(f"{live_server.url}/customers/{customer_id}")
    page.click("#followup-section >> text=记录跟进")
    page.wait_for_selector("#followup-form")
    page.fill("#content", "电话沟通续约，客户希望增加两个账号")
    page.fill("#next_action", "发送续约报价")
    page.fill("#next_action_on", (clock.today() + timedelta(days=5)).isoformat())
    url_before = page.url
    page.click("#followup-form button[type=submit]")
    page.wait_for_selector("#followup-section .followup-item >> text=电话沟通续约")
    assert page.url == url_before  # no reload, no navigation
    assert page.locator("#followup-form").count() == 0
    timeline = page.locator("#customer-timeline")
    timeline.locator("text=电话沟通续约").wait_for()
    assert "电话跟进" in timeline.inner_text()

    page.goto(live_server.url + "/")
    assert "浏览器测试客户" not in page.locator("#work-followups_due").inner_text()
    expect(page.locator(".reminders-count")).to_have_text("0")


@pytest.mark.browser
def test_invalid_inline_form_keeps_input(live_server, page, make_live_user, make_live_customer, login):
    rep = make_live_user("sales", department_name="销售部")
    customer_id = overdue_customer(make_live_customer, rep.id)
    login(page, rep.username, rep.password)
    page.goto(f"{live_server.url}/customers/{customer_id}")
    page.click("#followup-section >> text=记录跟进")
    page.wait_for_selector("#followup-form")
    page.fill("#participants", "王经理、李工")
    page.click("#followup-form button[type=submit]")
    page.wait_for_selector("#followup-form >> text=请填写沟通内容")
    assert page.input_value("#participants") == "王经理、李工"
