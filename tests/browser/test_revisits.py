"""Browser journey: a service user completes a revisit raising a problem; their supervisor draws a sample
containing it and records a finding; the service user sees the finding and acknowledges it."""
import re
import secrets

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from tests.browser.conftest import VIEWPORT


def seed_task(live_server, service_user_id: int) -> tuple[str, int]:
    from portal.models.customers import Contact, Customer
    from portal.models.revisits import RevisitTask

    suffix = secrets.token_hex(3)
    with live_server.app.app_context():
        customer = Customer(code=f"KH29{secrets.randbelow(10**8):08d}", name=f"浏览器回访测试{suffix}有限公司")
        customer.contacts.append(Contact(name="周经理", phone="13900001111", is_primary=True))
        task = RevisitTask(customer=customer, trigger="deal", unique_key=f"browser:{suffix}", due_on=clock.today(),
                           assignee_id=service_user_id, method="电话")
        db.session.add_all([customer, task])
        db.session.commit()
        name, task_id = customer.name, task.id
        db.session.remove()
    return name, task_id


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.mark.browser
def test_revisit_with_problem_is_spot_checked_and_acknowledged(live_server, browser, make_live_user, login):
    from portal.models.revisits import RevisitRecord, SpotCheck

    service = make_live_user("service", department_name="客服部", display_name="回访员小王")
    supervisor = make_live_user("supervisor", department_name="客服部", display_name="客服主管老孙")
    customer_name, task_id = seed_task(live_server, service.id)
    today = clock.today().isoformat()
    seed = str(secrets.randbelow(10**9))

    # 1. The service user does the revisit from their task list and raises a problem.
    context, page = new_page(browser)
    login(page, service.username, service.password)
    page.goto(f"{live_server.url}/revisits/")
    with page.expect_navigation():
        page.click(f"text={customer_name}")
    expect(page).to_have_url(re.compile(f"/revisits/tasks/{task_id}$"))
    expect(page.locator("text=周经理").first).to_be_visible()  # the customer's key facts beside the questionnaire
    page.check("input[name=outcome][value=完成]")
    page.fill("input[name=contact_person]", "周经理")
    page.check("input[name=q_q1][value=无变化]")
    page.check("input[name=q_q2][value=经常使用]")
    page.check("input[name=q_q4][value='2']")
    page.fill("textarea[name=issues_raised]", "上门安装迟到一小时")
    page.select_option("select[name=issue_category]", "服务")
    page.check("input[name=open_ticket]")
    with page.expect_navigation():
        page.click("text=保存回访结果")
    assert "已记录回访结果：完成" in page.content()
    with live_server.app.app_context():
        record = db.session.scalar(select(RevisitRecord).where(RevisitRecord.task_id == task_id))
        record_id, ticket_id = record.id, record.ticket_id
        assert record.satisfaction == 2 and ticket_id is not None and record.ticket.kind == "回访问题"
        db.session.remove()

    # 2. The supervisor draws today's sample (everything, so it contains the record) and marks a finding.
    boss_context, boss = new_page(browser)
    login(boss, supervisor.username, supervisor.password)
    boss.goto(f"{live_server.url}/spot-checks/draw")
    boss.fill("input[name=period_start]", today)
    boss.fill("input[name=period_end]", today)
    boss.check("input[name=mode][value=percent]")
    boss.fill("input[name=size]", "100")
    boss.fill("input[name=seed]", seed)
    with boss.expect_navigation():
        boss.get_by_role("button", name="预览样本", exact=True).click()
    expect(boss.locator("#sample-preview")).to_contain_text(customer_name)
    with boss.expect_navigation():
        boss.get_by_role("button", name="确认保存该样本", exact=True).click()
    assert f"随机种子 {seed}" in boss.content()
    boss.click(f"#spot-checks >> text={customer_name}")
    assert "上门安装迟到一小时" in boss.content() and "对我们整体服务的满意度" in boss.content()
    boss.check("input[name=result][value=态度问题]")
    boss.fill("textarea[name=comment]", "回拨客户确认：客服未登记安装迟到的补偿诉求")
    boss.fill("textarea[name=corrective_action]", "补登补偿诉求，三日内回电致歉")
    with boss.expect_navigation():
        boss.click("text=保存结论")
    assert "抽查结论已保存" in boss.content()

    # 3. The service user sees the finding on their work list and acknowledges it.
    page.goto(f"{live_server.url}/")
    assert "待确认的抽查结果" in page.content() and "抽查结论：态度问题" in page.content()
    page.goto(f"{live_server.url}/revisits/findings/")
    row = page.locator("tr", has_text=customer_name)
    assert "补登补偿诉求，三日内回电致歉" in row.inner_text() and "待确认" in row.inner_text()
    with page.expect_navigation():
        row.locator("text=确认已阅").click()
    row = page.locator("tr", has_text=customer_name)
    assert "已确认" in row.inner_text()
    with live_server.app.app_context():
        check = db.session.scalar(select(SpotCheck).where(SpotCheck.record_id == record_id))
        assert check.result == "态度问题" and check.acknowledged_at is not None and check.sample_seed == int(seed)
        db.session.remove()
    boss_context.close()
    context.close()
