"""Browser journey: a marketer plans an activity, invites a filtered set of customers, marks attendance,
adds a walk-in lead, records costs and closes the activity; the service user the revisits went to finds
them on their revisit task list; the effect table shows the lead."""
import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from tests.browser.conftest import VIEWPORT
from tests.conftest import PASSWORD


def seed_customers(live_server, suffix: str) -> list[str]:
    """Three customers named with a unique word: two of grade A (the ones to invite), one of grade C."""
    from portal.customers.services import create_customer

    names = [f"活动浏览器{suffix}甲有限公司", f"活动浏览器{suffix}乙有限公司", f"活动浏览器{suffix}丙有限公司"]
    with live_server.app.app_context():
        for index, (name, grade) in enumerate(zip(names, ("A", "A", "C"))):
            # Files opened a month ago: existing customers, so attending makes none of them a new lead.
            create_customer({"name": name, "grade": grade, "source_channel": "销售拜访",
                             "created_at": clock.now() - timedelta(days=30)},
                            [{"name": "钱经理", "phone": f"1380000{secrets.randbelow(9000) + 1000}", "is_primary": True}],
                            None)
        db.session.commit()
        db.session.remove()
    return names


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # data-confirm asks before each state change
    return context, page


@pytest.mark.browser
def test_marketer_runs_an_activity_and_service_gets_the_event_revisits(live_server, browser, make_live_user, login):
    from portal.models.auth import User
    from portal.models.revisits import RevisitTask

    marketer = make_live_user("marketing", department_name="市场部", display_name="市场专员小刘")
    make_live_user("service", department_name="客服部", display_name="回访员小周")
    suffix = secrets.token_hex(3)
    invited_a, invited_b, not_invited = seed_customers(live_server, suffix)
    theme = f"浏览器测试发布会{suffix}"
    lead_name = f"现场登记{suffix}科技有限公司"
    today = clock.today().isoformat()

    context, page = new_page(browser)
    login(page, marketer.username, marketer.password)

    # 1. Plan the activity.
    page.goto(f"{live_server.url}/marketing/")
    with page.expect_navigation():
        page.get_by_role("link", name="新建活动").click()
    page.fill("input[name=theme]", theme)
    page.select_option("select[name=kind]", "新品发布会")
    page.fill("input[name=starts_on]", today)
    page.fill("input[name=ends_on]", today)
    page.fill("input[name=region]", "华东")
    page.fill("input[name=budget]", "20000")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text(theme)
    expect(page.locator("h1")).to_contain_text("计划中")
    detail_url = page.url

    # 2. Invite a filtered set with the customer list's filters (search + grade A).
    with page.expect_navigation():
        page.get_by_role("link", name="按客户筛选邀请").click()
    page.fill("input[name=q]", suffix)
    page.select_option("select[name=grade]", "A")
    page.get_by_role("button", name="筛选", exact=True).click()
    invite_button = page.locator("#invite-all")
    expect(invite_button).to_contain_text("全部 2 位客户")
    expect(page.locator("#invite-table")).not_to_contain_text(not_invited)
    with page.expect_navigation():
        invite_button.click()
    expect(page.locator(".flash-success")).to_contain_text("已邀请 2 位客户")

    # 3. Start it and mark both invitees as attended in one bulk action.
    with page.expect_navigation():
        page.get_by_role("button", name="开始活动").click()
    expect(page.locator("h1")).to_contain_text("进行中")
    for name in (invited_a, invited_b):
        page.locator("#participant-table tr", has_text=name).locator("input[type=checkbox]").check()
    page.select_option("#participant-action", "attend")
    with page.expect_navigation():
        page.get_by_role("button", name="批量更新").click()
    for name in (invited_a, invited_b):
        expect(page.locator("#participant-table tr", has_text=name)).to_contain_text("已到场")

    # 4. A walk-in lead becomes a customer file marked as attended.
    with page.expect_navigation():
        page.get_by_role("link", name="现场登记新线索").click()
    page.fill("input[name=name]", lead_name)
    page.fill("input[name=contact_name]", "孙总")
    page.fill("input[name=phone]", f"1370000{secrets.randbelow(9000) + 1000}")
    with page.expect_navigation():
        page.get_by_role("button", name="登记并记为到场").click()
    expect(page.locator(".flash-success")).to_contain_text("建立客户档案")
    expect(page.locator("#participant-table tr", has_text=lead_name)).to_contain_text("现场登记")
    expect(page.locator("#leads")).to_contain_text(lead_name)

    # 5. Record a cost, then close the activity.
    page.select_option("select[name=category]", "场地")
    page.fill("input[name=amount]", "3000")
    page.fill("input[name=spent_on]", today)
    with page.expect_navigation():
        page.get_by_role("button", name="登记费用").click()
    expect(page.locator("#actual-cost")).to_contain_text("¥3,000.00")
    with page.expect_navigation():
        page.get_by_role("button", name="结束活动").click()
    expect(page.locator("h1")).to_contain_text("已结束")
    expect(page.locator(".flash-success")).to_contain_text("3 位到场客户生成活动回访任务")

    # 6. The effect table shows the lead and the cost.
    page.goto(f"{live_server.url}/marketing/effect")
    row = page.locator(".effect-table tr", has_text=theme)
    expect(row).to_contain_text("¥3,000.00")
    expect(row.locator("td").nth(4)).to_have_text("1")
    assert detail_url.endswith(page.locator(".effect-table a", has_text=theme).get_attribute("href"))
    context.close()

    # 7. Each service user the event revisits went to (the least busy, in turn) finds theirs on their
    #    revisit task list — one task per attendee, three in all.
    from portal.models.customers import Customer

    with live_server.app.app_context():
        rows = db.session.execute(
            select(User.username, User.role, Customer.name).join(RevisitTask, RevisitTask.assignee_id == User.id)
            .join(Customer, Customer.id == RevisitTask.customer_id)
            .where(RevisitTask.source_ref == f"市场活动：{theme}"[:64])).all()
        db.session.remove()
    assert sorted(name for _user, _role, name in rows) == sorted([invited_a, invited_b, lead_name])
    by_user: dict[str, list[str]] = {}
    for username, role, name in rows:
        assert role == "service"
        by_user.setdefault(username, []).append(name)
    for username, names in by_user.items():
        service_context, service_page = new_page(browser)
        login(service_page, username, PASSWORD)
        service_page.goto(f"{live_server.url}/revisits/")
        for name in names:
            expect(service_page.locator("tr", has_text=name)).to_contain_text("事件")
        service_context.close()
