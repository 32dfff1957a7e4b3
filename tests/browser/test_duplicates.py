"""Browser: 查重 while typing and after 保存. Another rep's file is a red 撞单 refusal, masked, with no
override to tick; a pool file is an amber 疑似重复 notice whose override does save."""
import pytest
from playwright.sync_api import expect

from portal.extensions import db


def existing_customer(live_server, name: str, phone: str, owner_id=None) -> None:
    from portal.customers.services import create_customer

    with live_server.app.app_context():
        create_customer({"name": name, "source_channel": "电话咨询", "owner_id": owner_id},
                        [{"name": "赵磊", "phone": phone}], None)
        db.session.commit()
        db.session.remove()


def fill_file(page, name: str, phone: str) -> None:
    page.fill("#name", name)
    page.select_option("#source_channel", "展会登记")
    page.fill("#contacts-0-name", "王伟")
    page.fill("#contacts-0-phone", phone)


@pytest.mark.browser
def test_zhuangdan_is_red_masked_and_offers_no_override(live_server, page, make_live_user, login):
    rep = make_live_user("sales", department_name="销售部")
    other = make_live_user("sales", department_name="销售部", display_name="撞单李娜")
    existing_customer(live_server, "宁波海曙远航科技有限公司", "13700002222", owner_id=other.id)
    login(page, rep.username, rep.password)

    page.goto(f"{live_server.url}/customers/new")
    fill_file(page, "完全不同的名字有限公司", "137 0000 2222")  # the phone alone finds the other rep's file
    panel = page.locator("#duplicates .duplicates-clash")
    expect(panel).to_contain_text("撞单：疑似重复的客户已由撞单李娜负责")
    expect(panel).to_contain_text("宁波**科技有限公司")
    assert "宁波海曙远航" not in panel.inner_text()
    expect(page.locator("#confirm_duplicates")).to_have_count(0)

    with page.expect_navigation():
        page.click("#customer-form button[type=submit]")
    expect(page.locator("#duplicates .duplicates-clash")).to_contain_text("不能重复建档，请联系主管处理")
    expect(page.locator("text=疑似重复的客户，请先核对")).to_have_count(0)
    expect(page.locator("#confirm_duplicates")).to_have_count(0)
    assert page.input_value("#name") == "完全不同的名字有限公司"


@pytest.mark.browser
def test_possible_duplicate_override_saves(live_server, page, make_live_user, login):
    rep = make_live_user("sales", department_name="销售部")
    existing_customer(live_server, "温州公海鞋业有限公司", "13500003333")
    login(page, rep.username, rep.password)

    page.goto(f"{live_server.url}/customers/new")
    fill_file(page, "温州公海鞋业股份有限公司", "13900004444")
    expect(page.locator("#duplicates .duplicates")).to_contain_text("疑似重复")
    with page.expect_navigation():
        page.click("#customer-form button[type=submit]")
    expect(page.locator("#confirm_duplicates")).to_be_visible()
    expect(page.locator("#duplicates .duplicates-clash")).to_have_count(0)
    page.check("#confirm_duplicates")
    with page.expect_navigation():
        page.click("#customer-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("温州公海鞋业股份有限公司")
