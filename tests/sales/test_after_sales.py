"""成交客户跟踪: the first order puts the customer on the service supervisor's work list until a
售后跟踪责任人 from 客服部 is named; the page shows both owners; after-sales revisits go to that person."""
from datetime import date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models.revisits import RevisitTask
from portal.models.sales import AfterSalesHandover
from tests.sales.conftest import sign


def test_first_order_hands_the_customer_to_a_named_service_owner(sales_world, login_as, make_user, make_department):
    w = sales_world
    service_department = make_department("客服部")
    service_boss = make_user("supervisor", department=service_department, display_name="客服主管")
    agent = make_user("service", department=service_department, display_name="刘客服")
    first = sign(w.customer, w.rep, "5000.00", date(2026, 11, 20))
    sign(w.customer, w.rep, "100.00", date(2026, 11, 21))
    assert db.session.scalar(select(AfterSalesHandover.first_order_id)) == first.id

    boss = login_as(service_boss)
    work = boss.get("/").get_data(as_text=True)
    assert "待指定售后责任人" in work and w.customer.name in work
    # The sales supervisor is not the service supervisor.
    assert login_as(w.supervisor).get(f"/sales/customers/{w.customer.id}/after-sales").status_code == 403
    refused = boss.post(f"/sales/customers/{w.customer.id}/after-sales", data={"owner_id": str(w.rep.id)})
    assert refused.status_code == 422  # a rep is not among the 客服 staff offered
    assert db.session.scalar(select(AfterSalesHandover.owner_id)) is None
    assert boss.post(f"/sales/customers/{w.customer.id}/after-sales", data={"owner_id": str(agent.id)}).status_code == 303

    assert "没有待指定售后跟踪责任人" in boss.get("/").get_data(as_text=True)
    tasks = db.session.scalars(select(RevisitTask).where(RevisitTask.trigger == "deal")).all()
    # The second order found the first after-sales revisit still open: one open task per purpose.
    assert len(tasks) == 1 and tasks[0].assignee_id == agent.id
    tasks[0].record_outcome("完成", datetime(2026, 11, 23, 10), date(2026, 11, 23))
    db.session.commit()
    third = sign(w.customer, w.rep, "200.00", date(2026, 11, 24))
    assert db.session.scalar(select(RevisitTask.assignee_id).where(RevisitTask.unique_key == f"deal:{third.id}")) == agent.id
    page = login_as(w.rep).get(f"/customers/{w.customer.id}").get_data(as_text=True)
    assert "销售负责人：<strong>张伟</strong>" in page and '<strong class="after-sales-owner">刘客服</strong>' in page


def test_handover_moves_the_selling_work_and_the_after_sales_role(sales_world, make_user, make_department):
    from portal.customers.services import handover
    from portal.models.sales import Opportunity, Order, PaymentInstalment
    from portal.sales.services import create_opportunity, name_after_sales_owner

    w = sales_world
    service_department = make_department("客服部")
    leaving_agent = make_user("service", department=service_department)
    colleague = make_user("service", department=service_department)
    order = sign(w.customer, w.rep, "5000.00", date(2026, 11, 20))
    create_opportunity(w.customer, w.rep, {"name": "续约"}, w.rep)
    name_after_sales_owner(db.session.get(AfterSalesHandover, w.customer.id), leaving_agent, w.supervisor)
    db.session.commit()

    counts = handover(w.rep, [w.other_rep.id], w.supervisor, dry_run=False)
    db.session.commit()
    assert counts["进行中商机"] == 1 and counts["执行中订单"] == 1
    assert db.session.scalar(select(Opportunity.owner_id)) == w.other_rep.id
    assert db.session.get(Order, order.id).owner_id == w.other_rep.id
    assert db.session.scalar(select(PaymentInstalment.owner_id)) == w.other_rep.id

    counts = handover(leaving_agent, [], w.supervisor, dry_run=False)
    db.session.commit()
    assert counts["售后跟踪客户"] == 1
    assert db.session.get(AfterSalesHandover, w.customer.id).owner_id == colleague.id
    task = db.session.scalar(select(RevisitTask).where(RevisitTask.trigger == "deal"))
    assert task.assignee_id == colleague.id  # the revisit and the role went to the same person
