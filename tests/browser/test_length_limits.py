"""Browser: a long 沟通内容 is never cut by the browser. The live count shows how far over the limit
the text is, the whole text reaches the server (which refuses it with its message, keeping it), and a
text at the limit is saved whole."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.models.followups import FollowUp


@pytest.mark.browser
def test_counter_and_full_text_reach_the_server(live_server, page, make_live_user, make_live_customer, login):
    rep = make_live_user("sales", department_name="销售部")
    customer_id = make_live_customer("长文本测试有限公司", owner_id=rep.id, grade="B")
    login(page, rep.username, rep.password)
    page.goto(f"{live_server.url}/customers/{customer_id}")
    page.click("#followup-section >> text=记录跟进")
    page.wait_for_selector("#followup-form")
    counter = page.locator("#content-count")
    expect(counter).to_have_text("0 / 5000")
    assert page.get_attribute("#content", "maxlength") is None

    page.fill("#content", "长" * 10_000)
    expect(counter).to_have_text("10000 / 5000，已超出 5000 字")
    assert len(page.input_value("#content")) == 10_000
    page.click("#followup-form button[type=submit]")
    expect(page.locator("#followup-form .error")).to_have_text("沟通内容不能超过5000个字符")
    assert page.input_value("#content") == "长" * 10_000, "the server got all of it and gave it back"
    expect(page.locator("#content-count")).to_have_text("10000 / 5000，已超出 5000 字")

    page.fill("#content", "短" * 5000)
    expect(page.locator("#content-count")).to_have_text("5000 / 5000")
    page.click("#followup-form button[type=submit]")
    expect(page.locator("#followup-form")).to_have_count(0)
    with live_server.app.app_context():
        saved = db.session.scalar(select(FollowUp.content).where(FollowUp.customer_id == customer_id))
        db.session.remove()
    assert saved == "短" * 5000
