"""A supervisor's review journey in a real browser: choose a period, drill into a figure, print the
PDF (progress polled by htmx until the download appears), and issue a finished period's review."""
import re

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_supervisor_reviews_prints_and_issues(live_server, page, make_live_user, login):
    supervisor = make_live_user("supervisor", department_name="考核测试部", display_name="赵主管")
    make_live_user("sales", department_name="考核测试部", display_name="钱销售")
    login(page, supervisor.username)
    page.goto(f"{live_server.url}/reports/")
    assert page.locator("h2").first.inner_text().startswith("考核测试部")
    assert page.locator("text=钱销售").count() >= 1

    page.select_option("select[name=kind]", "month")  # htmx swaps the review, the month select appears
    page.wait_for_selector("select[name=number] >> option:text('12月')", state="attached")
    expect(page).to_have_url(re.compile(r"kind=month"))  # hx-push-url, polled: htmx may push after the swap

    # Every figure is a link to the records it counts: the retention denominator opens its list.
    page.click("tr:has-text('客户留存率') >> td:nth-child(6) >> a")
    page.wait_for_url("**/reports/kpis/retention/denominator?**")
    assert "kind=month" in page.url
    assert "客户留存率" in page.locator("h1").inner_text()
    assert page.locator("text=该统计期间内没有计入的记录").count() == 1

    page.goto(f"{live_server.url}/reports/")
    page.click("button:text('生成PDF')")
    page.wait_for_url("**/reports/jobs/**")
    download_link = page.wait_for_selector("a:has-text('下载')", timeout=60_000)  # polled by htmx
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.endswith(".pdf")

    # The current period has not ended: it says so and cannot be issued; a finished one can.
    page.goto(f"{live_server.url}/reports/")
    expect(page.locator("text=数据截至").first).to_be_visible()
    assert page.locator("button:text('签发')").count() == 0
    page.goto(f"{live_server.url}/reports/?kind=quarter&year=2026&number=3")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("button:text('签发')")
    page.wait_for_url("**/reports/issued/**")
    assert page.locator("text=签发后没有数值发生变化").count() == 1
