"""Browser journey of the knowledge base: tech resolves a ticket and turns it into an article, a
supervisor publishes it, and service, filing a similar ticket, sees it suggested and answers with it."""
import re

import pytest
from playwright.sync_api import expect

from portal.extensions import db


def new_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.set_default_timeout(10_000)
    return context, context.new_page()


def dispatched_ticket(live_server, customer_id: int, service_id: int, tech_id: int) -> int:
    from portal.models.auth import User
    from portal.models.customers import Customer
    from portal.tickets.services import create_ticket

    with live_server.app.app_context():
        service, tech = db.session.get(User, service_id), db.session.get(User, tech_id)
        ticket = create_ticket(customer=db.session.get(Customer, customer_id), kind="投诉", category="产品",
                               severity="一般", description="打印机频繁卡纸\n每天早上第一批打印必卡", by=service,
                               channel="电话")
        ticket.dispatch(tech.department, tech, service)
        db.session.commit()
        ticket_id = ticket.id
        db.session.remove()
    return ticket_id


@pytest.mark.browser
def test_ticket_to_article_to_suggestion(live_server, browser, make_live_user, make_live_customer, login):
    service = make_live_user("service", department_name="客服部", display_name="赵敏")
    tech = make_live_user("tech", department_name="技术部", display_name="孙强")
    supervisor = make_live_user("supervisor", department_name="技术部", display_name="周主管")
    customer_id = make_live_customer("宁波启明印务有限公司")
    ticket_id = dispatched_ticket(live_server, customer_id, service.id, tech.id)

    tech_context, tech_page = new_page(browser)
    login(tech_page, tech.username)
    tech_page.goto(f"{live_server.url}/tickets/{ticket_id}")
    for action in ("confirm", "start"):
        with tech_page.expect_navigation():
            tech_page.click(f"button[data-action={action}]")
    tech_page.fill("#solution", "清理搓纸轮并改用 70 克纸")
    tech_page.select_option("#root_cause_type", "操作不当")
    tech_page.fill("#root_cause", "使用了受潮的厚纸")
    with tech_page.expect_navigation():
        tech_page.click("button:has-text('标记已解决')")
    with tech_page.expect_navigation():
        tech_page.click("button:has-text('整理入知识库')")
    expect(tech_page).to_have_url(re.compile(r"/knowledge/articles/\d+$"))
    article_url = tech_page.url
    expect(tech_page.locator("h1")).to_contain_text("打印机频繁卡纸")
    expect(tech_page.locator("h1")).to_contain_text("草稿")
    expect(tech_page.locator(".article-body")).to_contain_text("使用了受潮的厚纸")
    tech_context.close()

    supervisor_context, supervisor_page = new_page(browser)
    login(supervisor_page, supervisor.username)
    supervisor_page.goto(article_url)
    with supervisor_page.expect_navigation():
        supervisor_page.click("button:has-text('发布')")
    expect(supervisor_page.locator("h1")).to_contain_text("已发布")
    supervisor_context.close()

    service_context, page = new_page(browser)
    login(page, service.username)
    page.goto(f"{live_server.url}/tickets/new")
    # The select is swapped in 300 ms after typing: choose only once that response has landed.
    with page.expect_response(lambda response: "/tickets/customer-search" in response.url):
        page.fill("#customer_query", "启明")
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    page.wait_for_selector("#customer_id option[value='%d']" % customer_id, state="attached")
    page.select_option("#customer_id", str(customer_id))
    page.fill("#complainant", "钱经理")
    page.locator("#description").press_sequentially("客户的打印机又卡纸了")
    expect(page.locator("#knowledge-suggestions")).to_contain_text("打印机频繁卡纸")
    expect(page.locator("#customer_id")).to_have_value(str(customer_id))
    with page.expect_navigation():
        page.click("button:has-text('提交')")
    assert not page.locator(".error").count(), page.locator(".error").all_inner_texts()
    expect(page).to_have_url(re.compile(r"/tickets/\d+$"))
    expect(page.locator("#ticket-knowledge")).to_contain_text("打印机频繁卡纸")
    with page.expect_navigation():
        page.click("button:has-text('用此文章答复')")
    expect(page.locator("#ticket-knowledge")).to_contain_text("知识库解决")
    service_context.close()
