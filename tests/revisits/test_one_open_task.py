"""Issue 11: a customer never holds two open tasks for one purpose; a plan or trigger that would
duplicate an open task links to it instead (service check + partial unique index for races)."""
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import events
from portal.extensions import db
from portal.models.revisits import RevisitTask
from portal.revisits import services
from portal.revisits.services import default_questionnaire


def open_tasks(customer):
    return db.session.scalars(select(RevisitTask).where(RevisitTask.customer_id == customer.id,
                                                        RevisitTask.status == "待回访").order_by(RevisitTask.id)).all()


def new_plan(client, name, segment="deal", **extra):
    questionnaire = default_questionnaire()
    db.session.commit()
    response = client.post("/revisits/plans/new", data={
        "name": name, "segment": segment, "method": "电话", "starts_on": "2026-11-24", "window_workdays": "5",
        "questionnaire_id": str(questionnaire.id), **extra})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_a_second_plan_for_the_same_purpose_links_instead_of_duplicating(app, frozen_now, make_user, make_customer,
                                                                         login_as):
    service = make_user("service")
    customer = make_customer(name="成交客户", stage="成交")
    client = login_as(make_user("marketing"))
    first = new_plan(client, "成交客户回访一", assignee_ids=[str(service.id)])
    second = new_plan(client, "成交客户回访二", assignee_ids=[str(service.id)])
    client.post(first + "/generate")
    response = client.post(second + "/generate", follow_redirects=True)
    assert "已生成 0 条回访任务" in response.get_data(as_text=True)
    assert "1 位客户已有同类待回访任务" in response.get_data(as_text=True)
    [task] = open_tasks(customer)
    assert task.plan.name == "成交客户回访一"


def test_an_open_trigger_task_is_taken_into_a_plan_of_the_same_purpose(app, frozen_now, make_user, make_customer,
                                                                       login_as):
    make_user("service")
    customer = make_customer(name="新注册客户", registered_on=date(2026, 11, 20))
    events.customer_registered.send(customer)
    db.session.commit()
    client = login_as(make_user("marketing"))
    plan_url = new_plan(client, "新客户首访", segment="registration")
    client.post(plan_url + "/generate")
    [task] = open_tasks(customer)
    assert (task.trigger, task.plan.name) == ("registration", "新客户首访")
    assert "新注册客户" in client.get(plan_url).get_data(as_text=True)


def test_a_second_order_while_the_after_sales_revisit_is_open_adds_nothing(app, frozen_now, make_user, make_customer):
    make_user("service")
    customer = make_customer()
    events.order_signed.send(SimpleNamespace(id=501, customer=customer, signed_on=date(2026, 11, 24), number="DD20261124001"))
    events.order_signed.send(SimpleNamespace(id=502, customer=customer, signed_on=date(2026, 11, 27), number="DD20261127001"))
    events.ticket_closed.send(SimpleNamespace(id=9, customer=customer, closed_at=None, number="GD1"))
    db.session.commit()
    assert sorted((t.purpose, t.source_ref) for t in open_tasks(customer)) == [("deal", "DD20261124001"), ("event", "GD1")]


def test_a_closed_task_does_not_block_the_next_one(app, frozen_now, make_user, make_customer):
    make_user("service")
    customer = make_customer()
    events.order_signed.send(SimpleNamespace(id=501, customer=customer, signed_on=date(2026, 11, 24), number="DD20261124001"))
    db.session.commit()
    open_tasks(customer)[0].cancel()
    events.order_signed.send(SimpleNamespace(id=502, customer=customer, signed_on=date(2026, 11, 27), number="DD20261127001"))
    db.session.commit()
    assert [t.source_ref for t in open_tasks(customer)] == ["DD20261127001"]


def test_the_database_refuses_a_racing_second_open_task_for_one_purpose(app, frozen_now, make_customer, monkeypatch):
    customer = make_customer()
    first = services.ensure_task(customer=customer, trigger="deal", unique_key="deal:1", due_on=date(2026, 12, 1))
    monkeypatch.setattr(services, "open_task_for", lambda *_args: None)  # the other generator looked first
    second = services.ensure_task(customer=customer, trigger="deal", unique_key="deal:2", due_on=date(2026, 12, 1))
    db.session.commit()
    assert first is not None and second is None and len(open_tasks(customer)) == 1
    db.session.add(RevisitTask(customer_id=customer.id, trigger="deal", purpose="deal", unique_key="deal:3",
                               due_on=date(2026, 12, 2)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
