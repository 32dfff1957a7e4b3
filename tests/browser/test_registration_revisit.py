"""Browser: a non-member registered just before the 国庆 2026 holiday week gets its first revisit, due
on the right working day (the chinese-calendar data: 10-01..10-07 off, Saturday 10-10 a make-up
working day), and it shows on the service user's work list.

The portal's clock (portal.clock.now) is injected for the live server; the browser's own clock and
the session cookie's expiry keep real time."""
import secrets
from datetime import datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from tests.browser.conftest import VIEWPORT


@pytest.mark.browser
def test_non_member_registered_before_national_day_gets_its_revisit_on_the_work_list(
        live_server, browser, page, make_live_user, login, monkeypatch):
    from portal.models.customers import Customer
    from portal.models.revisits import RevisitTask
    from portal.models.auth import User

    moment = {"now": datetime(2026, 9, 30, 10, 0)}  # Wednesday, the last working day before the holiday
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    service = make_live_user("service", department_name="客服部", display_name="浏览器客服")
    login(page, service.username, service.password)

    name = f"国庆前注册{secrets.token_hex(3)}科技有限公司"
    page.goto(f"{live_server.url}/customers/new")
    page.fill("#name", name)
    page.select_option("#source_channel", "官网注册")
    page.fill("#registered_on", "2026-09-30")
    page.fill("#contacts-0-name", "刘洋")
    page.fill("#contacts-0-phone", "13912345678")
    with page.expect_navigation():
        page.click("#customer-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(name)

    with live_server.app.app_context():
        customer = db.session.scalar(select(Customer).where(Customer.name == name))
        task = db.session.scalar(select(RevisitTask).where(RevisitTask.customer_id == customer.id))
        assert customer.is_member is False and task is not None and task.trigger == "registration"
        # 3 working days after Wed 09-30: 10-08 (Thu), 10-09 (Fri), 10-10 (the make-up Saturday).
        assert task.due_on.isoformat() == "2026-10-10"
        assignee = db.session.get(User, task.assignee_id)
        assignee_username = assignee.username
        db.session.remove()

    # The first working day after the holiday: the task is due within three days, on the work list.
    moment["now"] = datetime(2026, 10, 8, 9, 0)
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    context.set_default_timeout(10_000)
    worker = context.new_page()
    login(worker, assignee_username, service.password)
    worker.goto(f"{live_server.url}/")
    item = worker.locator("#work-revisit_tasks li", has_text=name)
    expect(item).to_contain_text("2026-10-10")
    expect(item).to_contain_text("2天后到期")
    expect(item).to_contain_text("新注册")
    worker.goto(f"{live_server.url}/revisits/")
    expect(worker.locator("tr", has_text=name)).to_contain_text("2026-10-10")
    context.close()
