"""The daily loops of issue 12, done on 我的工作台 rows without a page load.

Each test counts the user's interactions (clicks and typed fields, not questionnaire answers) and the
`load` events after the work list opened: zero means every step was swapped in place.
"""
import re
import secrets
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.extensions import db


class Counted:
    """The page, with the user's interactions and the full page loads counted."""

    def __init__(self, page):
        self.page, self.interactions, self.loads = page, 0, 0
        page.on("load", lambda *_: self._loaded())

    def _loaded(self):
        self.loads += 1

    def click(self, locator):
        self.interactions += 1
        locator.click()

    def fill(self, locator, text):
        self.interactions += 1
        locator.fill(text)


def open_work_list(page, live_server) -> Counted:
    page.goto(live_server.url + "/")
    expect(page.locator("#reminders-count")).not_to_have_text("…")
    return Counted(page)


def seed_revisit_tasks(live_server, service_user_id: int, names: list[str]) -> list[int]:
    from portal.models.customers import Contact, Customer
    from portal.models.revisits import RevisitTask

    ids = []
    with live_server.app.app_context():
        for offset, name in enumerate(names):
            suffix = secrets.token_hex(3)
            customer = Customer(code=f"KH28{secrets.randbelow(10**8):08d}", name=name)
            customer.contacts.append(Contact(name="周经理", phone="13900001111", is_primary=True))
            task = RevisitTask(customer=customer, trigger="deal", unique_key=f"loop:{suffix}", assignee_id=service_user_id,
                               due_on=clock.today() - timedelta(days=len(names) - offset), method="电话")
            db.session.add_all([customer, task])
            db.session.flush()
            ids.append(task.id)
        db.session.commit()
        db.session.remove()
    return ids


def seed_dispatched_ticket(live_server, tech_user_id: int, customer_id: int) -> int:
    from portal.models.auth import User
    from portal.models.tickets import DISPATCHED, Ticket

    now = clock.now()
    with live_server.app.app_context():
        tech = db.session.get(User, tech_user_id)
        ticket = Ticket(number=f"TS{secrets.randbelow(10**10):010d}", customer_id=customer_id, kind="投诉",
                        category="产品", severity="一般", description="门禁控制器无法联网", received_at=now,
                        respond_due_at=now + timedelta(hours=4), resolve_due_at=now + timedelta(days=3),
                        department_id=tech.department_id, assignee_id=tech.id, dispatch_state=DISPATCHED,
                        dispatched_at=now)
        db.session.add(ticket)
        db.session.commit()
        ticket_id = ticket.id
        db.session.remove()
    return ticket_id


@pytest.mark.browser
def test_sales_rep_records_due_followup_on_the_row(live_server, page, make_live_user, make_live_customer, login):
    rep = make_live_user("sales", department_name="销售部")
    name = f"日常跟进{secrets.token_hex(2)}有限公司"
    make_live_customer(name, owner_id=rep.id, grade="A", next_due_on=clock.today() - timedelta(days=202),
                       last_contacted_at=clock.now() - timedelta(days=230))
    make_live_customer(f"另一家逾期{secrets.token_hex(2)}", owner_id=rep.id, grade="B",
                       next_due_on=clock.today() - timedelta(days=1), last_contacted_at=clock.now() - timedelta(days=20))
    login(page, rep.username, rep.password)
    user = open_work_list(page, live_server)
    expect(page.locator("#work-followups_due-count")).to_have_text("2")
    expect(page.locator("#reminders-count")).to_have_text("2")
    row = page.locator(".work-item", has_text=name)

    user.click(row.get_by_role("link", name="写跟进"))
    content = row.get_by_label("沟通内容")
    expect(content).to_be_focused()  # the time is prefilled; typing starts at 沟通内容
    assert row.locator("input[name=contacted_at]").input_value().startswith(clock.today().isoformat())
    user.fill(content, "电话沟通续约，客户下周确认")
    user.click(row.get_by_role("button", name="保存跟进"))

    announce = page.locator("#work-announce")
    expect(announce).to_contain_text(f"已保存 {name} 的跟进记录")
    expect(announce.get_by_role("link", name="打开客户")).to_have_attribute("href", f"/customers/{customer_id(live_server, name)}")
    expect(page.locator(".work-item", has_text=name)).to_have_count(0)
    expect(page.locator("#work-followups_due-count")).to_have_text("1")
    expect(page.locator("#reminders-count")).to_have_text("1")
    assert user.interactions == 3 and user.loads == 0


def customer_id(live_server, name: str) -> int:
    from sqlalchemy import select

    from portal.models.customers import Customer

    with live_server.app.app_context():
        found = db.session.scalar(select(Customer.id).where(Customer.name == name))
        db.session.remove()
    return found


def answer_questionnaire(form):
    """The answers themselves (not counted as interactions): outcome, contact and every question."""
    form.locator("input[name=outcome][value=完成]").check()
    form.locator("input[name=q_q1][value=无变化]").check()
    form.locator("input[name=q_q2][value=经常使用]").check()
    form.locator("input[name=q_q4][value='5']").check()


@pytest.mark.browser
def test_service_user_completes_revisits_with_save_and_next(live_server, page, make_live_user, login):
    service = make_live_user("service", department_name="客服部")
    suffix = secrets.token_hex(2)
    first, second = f"回访甲{suffix}有限公司", f"回访乙{suffix}有限公司"
    first_id, second_id = seed_revisit_tasks(live_server, service.id, [first, second])
    login(page, service.username, service.password)
    user = open_work_list(page, live_server)
    expect(page.locator("#work-revisit_tasks-count")).to_have_text("2")
    expect(page.locator("#reminders-count")).to_have_text("2")

    user.click(page.locator(f"#work-revisit-{first_id}").get_by_role("link", name="完成回访"))
    form = page.locator(f"#revisit-form-{first_id}")
    expect(form).to_contain_text("周经理")  # who to call, beside the questionnaire
    answer_questionnaire(form)
    user.click(form.get_by_role("button", name="保存并下一条"))

    expect(page.locator("#work-announce")).to_contain_text(f"已记录回访结果：完成（{first}）")
    expect(page.locator("#work-announce").get_by_role("link", name="查看回访记录")).to_be_visible()
    expect(page.locator(f"#work-revisit-{first_id}")).to_have_count(0)
    next_form = page.locator(f"#work-revisit-{second_id} #revisit-form-{second_id}")
    expect(next_form).to_be_visible()  # the next due task's questionnaire, already open
    expect(page.locator(f"#work-revisit-{second_id}")).to_have_count(1)
    expect(page.locator("#work-revisit_tasks-count")).to_have_text("1")
    expect(page.locator("#reminders-count")).to_have_text("1")

    answer_questionnaire(next_form)
    user.click(next_form.get_by_role("button", name="保存回访结果"))
    expect(page.locator("#work-announce")).to_contain_text(f"已记录回访结果：完成（{second}）")
    expect(page.locator(f"#work-revisit-{second_id}")).to_have_count(0)
    expect(page.locator("#work-revisit_tasks-count")).to_have_text("0")
    expect(page.locator("#reminders-count")).to_have_text("0")
    # Two revisits, three interactions beyond the answers, no page load.
    assert user.interactions == 3 and user.loads == 0


@pytest.mark.browser
def test_tech_user_confirms_dispatch_on_the_row(live_server, page, make_live_user, make_live_customer, login):
    tech = make_live_user("tech", department_name="技术部")
    ticket_id = seed_dispatched_ticket(live_server, tech.id, make_live_customer(f"派工客户{secrets.token_hex(2)}"))
    login(page, tech.username, tech.password)
    user = open_work_list(page, live_server)
    expect(page.locator("#work-tickets_to_confirm-count")).to_have_text("1")
    expect(page.locator("#work-tickets_mine-count")).to_have_text("0")
    expect(page.locator("#reminders-count")).to_have_text("1")

    user.click(page.locator(f"#work-tickets_to_confirm-{ticket_id}").get_by_role("button", name="确认派工"))

    expect(page.locator("#work-announce")).to_contain_text("已确认派工")
    expect(page.locator("#work-announce").get_by_role("link", name="打开工单")).to_have_attribute(
        "href", f"/tickets/{ticket_id}")
    expect(page.locator(f"#work-tickets_to_confirm-{ticket_id}")).to_have_count(0)
    expect(page.locator("#work-tickets_to_confirm-count")).to_have_text("0")
    expect(page.locator("#work-tickets_mine-count")).to_have_text("1")
    expect(page.locator("#reminders-count")).to_have_text("1")
    assert user.interactions == 1 and user.loads == 0


@pytest.mark.browser
def test_followup_on_customer_page_updates_every_panel(live_server, page, make_live_user, make_live_customer, login):
    rep = make_live_user("sales", department_name="销售部")
    name = f"客户页跟进{secrets.token_hex(2)}有限公司"
    customer = make_live_customer(name, owner_id=rep.id, grade="A", stage="意向",
                                  next_due_on=clock.today() - timedelta(days=202),
                                  last_contacted_at=clock.now() - timedelta(days=230))
    login(page, rep.username, rep.password)
    page.goto(f"{live_server.url}/customers/{customer}")
    user = Counted(page)
    expect(page.locator("#customer-due")).to_contain_text("逾期 202 天")
    record = page.locator(".page-head").get_by_role("link", name="记录跟进")
    expect(record).to_be_in_viewport()  # the daily action is above the fold at 1366×768
    expect(page.locator(".customer-contacts")).to_be_in_viewport()

    user.click(record)
    content = page.locator("#followup-form").get_by_label("沟通内容")
    expect(content).to_be_focused()
    user.fill(content, "上门拜访，客户同意试用")
    # Enter in a single-line field moves on instead of saving a half-filled form.
    page.locator("#followup-form input[name=next_action]").press("Enter")
    expect(page.locator("#followup-form")).to_have_count(1)
    page.locator("#followup-form input[name=next_action]").fill("发送试用账号")
    page.locator("#followup-form input[name=next_action_on]").fill((clock.today() + timedelta(days=3)).isoformat())
    page.locator("#followup-form select[name=stage_to]").select_option("成交")
    page.locator("#followup-form input[name=stage_reason]").fill("同意试用")
    user.click(page.locator("#followup-form").get_by_role("button", name="保存跟进"))

    expect(page.locator("#page-announce")).to_contain_text("跟进记录已保存")
    new_record = page.locator("#followup-section .followup-item.is-new")
    expect(new_record).to_contain_text("上门拜访，客户同意试用")
    expect(new_record).to_be_in_viewport()
    # Every panel agrees on the new next-due date (set by the cadence rule), no longer overdue.
    expect(page.locator("#customer-due")).to_contain_text("未到期")
    due = re.search(r"下次跟进：(\d{4}-\d{2}-\d{2})", page.locator("#customer-due").inner_text()).group(1)
    assert due > clock.today().isoformat()
    expect(page.locator("#followup-section .followup-due")).to_contain_text(f"下次跟进：{due}")
    expect(page.locator("#customer-status")).to_contain_text("阶段：成交")
    expect(page.locator("#customer-timeline")).to_contain_text("上门拜访")
    assert user.loads == 0


AXE_SCRIPT = "bench/node_modules/axe-core/axe.min.js"


@pytest.mark.browser
def test_work_list_row_form_and_customer_page_pass_axe(live_server, browser, make_live_user, make_live_customer, login):
    import os

    if not os.path.exists(AXE_SCRIPT):
        pytest.skip("bench/node_modules/axe-core missing (npm ci in bench/)")
    rep = make_live_user("sales", department_name="销售部")
    customer = make_live_customer(f"无障碍检查{secrets.token_hex(2)}有限公司", owner_id=rep.id,
                                  next_due_on=clock.today() - timedelta(days=2))
    # axe is injected as a script tag: the portal's CSP forbids that, so bypass it in this context only.
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, rep.username, rep.password)
    found = []
    for path, open_row in (("/", True), (f"/customers/{customer}", False)):
        page.goto(live_server.url + path)
        if open_row:
            page.get_by_role("link", name="写跟进").first.click()
            page.locator(".work-item-slot form").wait_for()
        page.add_script_tag(path=AXE_SCRIPT)
        violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.impact + ' ' + v.id)")
        found += [f"{path}: {v}" for v in violations if v.split()[0] in ("serious", "critical")]
    context.close()
    assert found == []
