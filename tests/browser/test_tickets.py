"""Browser journey of a complaint: service files and dispatches, tech confirms and resolves, service closes."""
import re

import pytest



@pytest.mark.browser
def test_complaint_runs_to_closure(live_server, browser, make_live_user, make_live_customer, login):
    service = make_live_user("service", department_name="客服部", display_name="王芳")
    tech = make_live_user("tech", department_name="技术部", display_name="刘洋")
    customer_id = make_live_customer("杭州云帆电子有限公司")

    service_context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = service_context.new_page()
    page.set_default_timeout(10_000)
    login(page, service.username)
    page.goto(f"{live_server.url}/tickets/new")
    page.fill("#customer_query", "云帆")
    page.wait_for_selector("#customer_id option[value='%d']" % customer_id, state="attached")
    page.select_option("#customer_id", str(customer_id))
    page.fill("#complainant", "周经理")
    page.fill("#contact", "13912345678")
    page.select_option("#severity", "重大")
    page.fill("#description", "新装的门禁控制器无法联网")
    with page.expect_navigation():
        page.click("button:has-text('提交')")
    assert re.search(r"/tickets/\d+$", page.url)
    ticket_url = page.url
    assert page.locator("h1").inner_text().startswith("工单 TS")
    page.select_option("#department_id", label="技术部")
    page.select_option("#assignee_id", label="刘洋（技术部）")
    with page.expect_navigation():
        page.click("button:has-text('派工')")
    assert "已派工未确认" in page.inner_text("#ticket-detail")

    tech_context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    tech_page = tech_context.new_page()
    tech_page.set_default_timeout(10_000)
    login(tech_page, tech.username)
    tech_page.goto(ticket_url)
    assert tech_page.locator("text=记录回访").count() == 0  # the resolver never rates their own work
    for action in ("confirm", "start"):
        with tech_page.expect_navigation():
            tech_page.click(f"button[data-action={action}]")
    tech_page.fill("#solution", "重新配置网关地址并升级固件")
    tech_page.select_option("#root_cause_type", "操作不当")
    tech_page.fill("#root_cause", "安装时网关地址填写错误")
    with tech_page.expect_navigation():
        tech_page.click("button:has-text('标记已解决')")
    assert "已解决" in tech_page.locator("h1").inner_text()
    assert tech_page.locator("button:has-text('记录回访')").count() == 0
    tech_context.close()

    page.goto(ticket_url)
    page.check("input[name=satisfaction][value='5']")
    page.fill("#comment", "工程师响应及时，已恢复使用")
    with page.expect_navigation():
        page.click("button:has-text('记录回访')")
    assert "已回访关闭" in page.locator("h1").inner_text()
    assert "满意度 5 分" in page.inner_text("#ticket-detail")
    page.screenshot(path=str(live_server_screenshot_dir() / "tickets_closed.png"))
    service_context.close()


def live_server_screenshot_dir():
    from pathlib import Path

    directory = Path("/tmp/tickets-browser")
    directory.mkdir(exist_ok=True)
    return directory
