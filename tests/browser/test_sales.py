"""Browser journey (issue 13): a rep creates an opportunity and quotes below floor, the supervisor
approves, the rep wins it into an order, plans two instalments, records them as payments and an
invoice; the order page, the order list totals, the receivables table and the customer page agree."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import VIEWPORT


def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")


@pytest.mark.browser
def test_opportunity_quote_approval_order_payments_and_invoice(live_server, page, browser, make_live_user,
                                                               make_live_customer, login):
    rep = make_live_user("sales", department_name="销售部", display_name="浏览器张伟")
    boss = make_live_user("supervisor", department_name="销售部", display_name="浏览器主管")
    customer_name = "浏览器商机客户有限公司"
    customer_id = make_live_customer(customer_name, owner_id=rep.id, grade="A", stage="意向")

    # The supervisor puts a product on the price list.
    boss_page = browser.new_context(viewport=VIEWPORT, locale="zh-CN").new_page()
    login(boss_page, boss.username, boss.password)
    boss_page.goto(live_server.url + "/sales/products/new")
    for selector, value in (("#code", "BR-CRM"), ("#name", "浏览器客户管理系统"), ("#product_version", "V3"),
                            ("#standard_price", "10000"), ("#floor_price", "8000"), ("#unit_cost", "3000")):
        boss_page.fill(selector, value)
    submit(boss_page, "form.panel")
    expect(boss_page.locator("table")).to_contain_text("浏览器客户管理系统")

    # The rep opens an opportunity and quotes below the floor price.
    login(page, rep.username, rep.password)
    page.goto(f"{live_server.url}/customers/{customer_id}")
    with page.expect_navigation():
        page.click("#sales-section >> text=新建商机")
    page.fill("#name", "浏览器CRM项目")
    page.fill("#expected_amount", "20000")
    submit(page, "#opportunity-form")
    expect(page.locator("h1")).to_contain_text("浏览器CRM项目")
    with page.expect_navigation():
        page.click("text=新建报价")
    page.select_option("#lines-0-product_id", index=1)
    page.fill("#lines-0-quantity", "2")
    page.fill("#lines-0-unit_price", "7500")
    submit(page, "#quote-form")
    expect(page.locator("h1")).to_contain_text("待审批")
    expect(page.locator(".quote-total")).to_have_text("¥15,000.00")

    # The supervisor approves it from the work list.
    boss_page.goto(live_server.url + "/")
    with boss_page.expect_navigation():
        boss_page.click("#work-quotes_to_approve >> text=浏览器商机客户有限公司")
    boss_page.select_option("#decision", "approve")
    submit(boss_page, "form[action$='/decide']")
    expect(boss_page.locator("h1")).to_contain_text("有效")

    # The rep wins it into an order in one step.
    page.reload()
    expect(page.locator("h1")).to_contain_text("有效")
    with page.expect_navigation():
        page.click("text=返回商机")
    with page.expect_navigation():
        page.click("text=赢单转订单")
    submit(page, "form.panel")
    expect(page.locator("h1")).to_contain_text("订单 DD")
    expect(page.locator(".order-total")).to_have_text("¥15,000.00")
    order_url = page.url

    # Two instalments, each paid, and one invoice.
    with page.expect_navigation():
        page.click("text=回款计划")
    page.fill("#instalments-0-due_on", "2026-12-15")
    page.fill("#instalments-0-amount", "6000")
    page.fill("#instalments-1-due_on", "2027-01-15")
    page.fill("#instalments-1-amount", "9000")
    # Clear the prefilled single instalment's leftovers in rows 3-4 (none) and save.
    submit(page, "#plan-form")
    expect(page.locator(".plan-table tbody tr")).to_have_count(2)
    for amount in ("6000", "4000"):
        with page.expect_navigation():
            page.click(".page-actions >> text=登记回款")
        page.fill("#amount", amount)
        submit(page, "#payment-form")
    expect(page.locator(".order-received")).to_have_text("¥10,000.00")
    expect(page.locator(".order-receivable")).to_have_text("¥5,000.00")
    with page.expect_navigation():
        page.click(".page-actions >> text=登记发票")
    page.fill("#number", "FP20261124")
    page.fill("#amount", "15000")
    submit(page, "#invoice-form")
    expect(page.locator(".order-invoiced")).to_have_text("¥15,000.00")
    expect(page.locator(".payment-table tbody tr").last).to_contain_text("¥5,000.00")  # running receivable

    # The receivable agrees on the order list, the receivables table and the customer page.
    page.goto(live_server.url + "/sales/orders/?q=" + customer_name)
    expect(page.locator(".order-totals")).to_contain_text("应收 ¥5,000.00")
    page.goto(live_server.url + "/sales/receivables")
    expect(page.locator(".ageing-by-rep")).to_contain_text("浏览器张伟")
    expect(page.locator(".ageing-by-rep tbody tr").first.locator("td").last).to_have_text("¥5,000.00")
    page.goto(f"{live_server.url}/customers/{customer_id}")
    expect(page.locator(".customer-receivable")).to_have_text("¥5,000.00")
    assert order_url
    boss_page.context.close()
