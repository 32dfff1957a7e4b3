"""Expenses: submitted with links, approved by the department's supervisor from the work list."""
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.models.expenses import Expense
from tests.sales.conftest import sign


def submit(client, **overrides):
    data = {"kind": "个人费用", "category": "差旅", "channel": "直销", "amount": "1280.50", "spent_on": "2026-11-20",
            "description": "上海拜访客户", "region": "华东"}
    data.update(overrides)
    return client.post("/expenses/new", data=data)


def test_rep_submits_and_the_supervisor_approves(sales_world, login_as):
    w = sales_world
    from datetime import date

    order = sign(w.customer, w.rep, "1000.00", date(2026, 11, 1))
    rep, boss = login_as(w.rep), login_as(w.supervisor)
    refused = submit(rep, customer_code=w.others_customer.code)
    assert refused.status_code == 422 and "找不到该客户编号" in refused.get_data(as_text=True)
    assert submit(rep, customer_code=w.customer.code, order_number=order.number).status_code == 303
    expense = db.session.scalar(select(Expense))
    assert (expense.customer_id, expense.order_id, expense.person_id, expense.status) == \
        (w.customer.id, order.id, w.rep.id, "待审批")
    assert rep.post(f"/expenses/{expense.id}/decide", data={"decision": "approve"}).status_code == 403
    assert login_as(w.other_rep).get(f"/expenses/{expense.id}").status_code == 404
    work = boss.get("/").get_data(as_text=True)
    assert "待审批费用" in work and "¥1,280.50" in work
    assert boss.post(f"/expenses/{expense.id}/decide", data={"decision": "approve", "note": "同意"}).status_code == 303
    db.session.refresh(expense)
    assert expense.status == "已批准" and expense.decided_by_id == w.supervisor.id
    assert "已批准合计：¥1,280.50" in rep.get("/expenses/").get_data(as_text=True)
    assert boss.post(f"/expenses/{expense.id}/decide", data={"decision": "reject"}).status_code == 403
    assert submit(rep, amount="0", description="").status_code == 422
    assert db.session.scalar(select(Expense.amount)) == Decimal("1280.50")
