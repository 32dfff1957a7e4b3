"""A sales rep's main journey in chromium: create a file (seeing the duplicate warning while typing),
find it by pinyin initials with search-as-you-type, open it."""
import re

import pytest

from portal.extensions import db


def existing_customer(live_server, name: str, owner_id=None) -> None:
    from portal.customers.services import create_customer

    with live_server.app.app_context():
        create_customer({"name": name, "source_channel": "电话咨询", "owner_id": owner_id},
                        [{"name": "赵磊", "phone": "13600001111"}], None)
        db.session.commit()
        db.session.remove()


@pytest.mark.browser
def test_create_see_duplicate_warning_search_by_initials_and_open(live_server, page, make_live_user, login):
    rep = make_live_user("sales", department_name="销售部", display_name="浏览器张伟")
    other = make_live_user("sales", department_name="销售部", display_name="浏览器李娜")
    existing_customer(live_server, "杭州云帆科技有限公司", owner_id=other.id)
    existing_customer(live_server, "上海公海贸易有限公司")  # in the pool: listed until the search narrows it
    login(page, rep.username, rep.password)

    page.goto(f"{live_server.url}/customers/new")
    page.fill("#name", "杭州云帆科技股份有限公司")
    warning = page.locator("#duplicates .duplicates")
    warning.wait_for(state="visible")
    assert "撞单" in warning.inner_text() and "浏览器李娜" in warning.inner_text()
    assert "13600001111" not in warning.inner_text()

    page.fill("#name", "杭州星河数据有限公司")
    page.locator("#duplicates .duplicates").wait_for(state="detached")
    page.select_option("#source_channel", "展会登记")
    page.fill("#contacts-0-name", "王伟")
    page.fill("#contacts-0-phone", "0571-88886666")
    page.click("#add-contact")
    page.locator("#contacts-1-name").wait_for()
    page.fill("#contacts-1-name", "陈静")
    page.fill("#contacts-1-phone", "13812345678")
    with page.expect_navigation():
        page.click("#customer-form button[type=submit]")
    assert "/customers/" in page.url and page.locator("h1").inner_text().startswith("杭州星河数据有限公司")
    assert "陈静" in page.locator(".contacts-table").inner_text()

    page.goto(f"{live_server.url}/customers/")
    assert page.locator("#customer-table a", has_text="上海公海贸易有限公司").count() == 1
    page.fill("#q", "hzxhsj")
    page.wait_for_url("**/customers/?q=hzxhsj**")  # the URL reflects the search (hx-push-url)
    page.locator("#customer-table a", has_text="上海公海贸易有限公司").wait_for(state="detached")
    row_link = page.locator("#customer-table a", has_text="杭州星河数据有限公司")
    assert row_link.count() == 1
    # Leaving the search box fires the filter form's "change" (an htmx swap with pushState, which
    # expect_navigation would take for the page change): wait for the customer page's own URL instead.
    row_link.click()
    page.wait_for_url(re.compile(r"/customers/\d+$"))
    assert page.locator("h1").inner_text().startswith("杭州星河数据有限公司")
    assert "0571-8888 6666" in page.locator(".contacts-table").inner_text()
