"""Work-list rows act in place (htmx) and as plain pages without JS; the 提醒 badge counts
everything waiting for the person, whatever area it comes from."""
import re
from datetime import date, timedelta

from portal.extensions import db
from portal.models.revisits import RevisitTask
from portal.models.tickets import DISPATCHED, Ticket
from portal.tickets.services import create_ticket

FOLLOWUP = {"contacted_at": "2026-11-24T09:30", "method": "电话", "content": "电话沟通续约"}


def overdue(new_customer, owner, name="逾期客户", days=3):
    return new_customer(owner, name=name, next_due_on=date(2026, 11, 24) - timedelta(days=days))


def test_followup_row_offers_write_followup_and_opens_form(app, frozen_now, make_user, new_customer, login_as, hx):
    rep = make_user("sales")
    customer = overdue(new_customer, rep)
    client = login_as(rep)
    page = client.get("/").get_data(as_text=True)
    assert f'id="work-followup-{customer.id}"' in page
    assert f'href="/followups/customers/{customer.id}/new?worklist=1"' in page
    form = client.get(f"/followups/customers/{customer.id}/new?worklist=1", headers=hx).get_data(as_text=True)
    assert "<html" not in form and 'name="worklist" value="1"' in form
    focused = re.search(r"<(?:input|textarea|select)[^>]*\bautofocus\b[^>]*>", form).group(0)
    assert 'id="content"' in focused  # 沟通内容 gets the focus; the time is prefilled
    assert re.search(r'<input[^>]*name="contacted_at"[^>]*value="2026-11-24T10:00"', form)


def test_followup_saved_on_row_answers_in_place(app, frozen_now, make_user, new_customer, login_as, hx):
    rep = make_user("sales")
    customer = overdue(new_customer, rep)
    overdue(new_customer, rep, name="另一家")
    response = login_as(rep).post(f"/followups/customers/{customer.id}/new",
                                  data={**FOLLOWUP, "worklist": "1", "work_sections": "followups_due,gone"}, headers=hx)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "closest .work-item" and response.headers["HX-Reswap"] == "outerHTML"
    html = response.get_data(as_text=True)
    assert "已保存 逾期客户 的跟进记录" in html and f'href="/customers/{customer.id}"' in html
    assert 'id="work-followups_due-count" data-count="1" hx-swap-oob="outerHTML">1<' in html
    assert 'id="work-gone-count" data-count="0" hx-swap-oob="outerHTML">0<' in html  # a section that vanished
    assert 'id="reminders-count"' in html and 'hx-swap-oob="outerHTML">1</span>' in html


def test_followup_saved_on_row_without_js_returns_to_work_list(app, frozen_now, make_user, new_customer, login_as):
    rep = make_user("sales")
    customer = overdue(new_customer, rep)
    client = login_as(rep)
    assert 'name="worklist" value="1"' in client.get(f"/followups/customers/{customer.id}/new?worklist=1").get_data(as_text=True)
    response = client.post(f"/followups/customers/{customer.id}/new", data={**FOLLOWUP, "worklist": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "已保存 逾期客户 的跟进记录" in client.get("/").get_data(as_text=True)


def test_invalid_followup_on_row_is_the_form_again(app, frozen_now, make_user, new_customer, login_as, hx):
    rep = make_user("sales")
    customer = overdue(new_customer, rep)
    response = login_as(rep).post(f"/followups/customers/{customer.id}/new",
                                  data={**FOLLOWUP, "content": "", "worklist": "1"}, headers=hx)
    assert response.status_code == 422 and "HX-Retarget" not in response.headers
    assert "请填写沟通内容" in response.get_data(as_text=True)


def tasks_for(user, new_customer, count=2):
    tasks = []
    for n in range(count):
        customer = new_customer(None, name=f"回访客户{n}")
        task = RevisitTask(customer=customer, assignee=user, due_on=date(2026, 11, 23 + n), trigger="plan",
                           unique_key=f"rows:{user.id}:{n}", method="电话")
        db.session.add(task)
        tasks.append(task)
    db.session.commit()
    return tasks


def revisit_answer(task, **extra):
    return {"outcome": "未接通", "version": str(task.version), **extra}


def test_revisit_save_and_next_without_js_goes_to_next_task(app, frozen_now, make_user, new_customer, login_as):
    service = make_user("service")
    first, second = tasks_for(service, new_customer)
    client = login_as(service)
    response = client.post(f"/revisits/tasks/{first.id}", data=revisit_answer(first, save_next="1", worklist="1"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/revisits/tasks/{second.id}?worklist=1"


def test_revisit_save_and_next_on_row_opens_next_form_in_place(app, frozen_now, make_user, new_customer, login_as, hx):
    service = make_user("service")
    first, second = tasks_for(service, new_customer)
    response = login_as(service).post(f"/revisits/tasks/{first.id}",
                                      data=revisit_answer(first, save_next="1", worklist="1"), headers=hx)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # The next task's row (questionnaire open) takes the saved row's place; its old row goes.
    assert f'<li class="work-item" id="work-revisit-{second.id}"' in html.split('id="work-announce"')[0]
    assert f'id="revisit-form-{second.id}"' in html and "已记录回访结果：未接通（回访客户0）" in html
    assert f'<div id="work-revisit-{second.id}" hx-swap-oob="delete">' in html


def test_reminders_count_everything_waiting(app, frozen_now, make_user, make_department, new_customer, login_as, hx):
    tech_department = make_department("技术部")
    service, tech = make_user("service"), make_user("tech", department=tech_department)
    tasks_for(service, new_customer)
    assert ">2</span>" in login_as(service).get("/reminders/count", headers=hx).get_data(as_text=True)
    ticket = create_ticket(customer=new_customer(None), kind="投诉", category="产品", severity="一般",
                           description="无法开机", by=service, received_at=None, channel="电话")
    ticket.dispatch(tech_department, tech, service)
    db.session.commit()
    assert db.session.get(Ticket, ticket.id).dispatch_state == DISPATCHED
    client = login_as(tech)
    assert ">1</span>" in client.get("/reminders/count", headers=hx).get_data(as_text=True)
    response = client.post(f"/tickets/{ticket.id}/state/confirm?worklist=1", data={}, headers=hx)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "已确认派工" in html
    assert 'id="work-tickets_mine-count" data-count="1"' in html
    assert ">1</span>" in client.get("/reminders/count", headers=hx).get_data(as_text=True)
