"""A hand-built world for the review: two departments, three staff, customers with stage history,
tickets, revisit tasks/records and spot-checks in 2026 Q3 (and a little in Q2 and Q4).

Expected figures are computed by hand in the tests that use it."""
from dataclasses import dataclass
from datetime import date, datetime

import pytest

from portal.extensions import db
from portal.models.customers import Customer, StageChange
from portal.models.followups import FollowUp
from portal.models.sales import Order
from portal.models.revisits import RevisitRecord, RevisitTask, SpotCheck
from portal.models.tickets import Ticket

FULL = {
    "credit_code": "91330100MA27XXXX1X", "industry": "制造业", "scale_employees": "100-499", "address": "杭州市",
    "source_channel": "展会登记", "main_business": "机床", "decision_maker": "王总", "budget_range": "50万",
    "preferred_channel": "电话", "purchase_intent": "年内采购",
}
PARTIAL = {"industry": "零售", "address": "上海市", "source_channel": "电话咨询"}


@dataclass
class ReviewWorld:
    sales_dept: object
    service_dept: object
    a: object
    b: object
    c: object
    supervisor: object
    other_supervisor: object
    admin: object
    customers: dict
    tickets: dict


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def add_customer(key, owner, created, history, fields=None):
    """history: [(at, to_stage)], the first entry being the creation stage."""
    stage = history[-1][1]
    customer = Customer(code=f"KH2026{key}", name=f"测试客户{key}有限公司", owner_id=owner.id, stage=stage,
                        created_at=at(created), **(fields or {}))
    db.session.add(customer)
    db.session.flush()
    previous = None
    for when, to_stage in history:
        db.session.add(StageChange(customer_id=customer.id, from_stage=previous, to_stage=to_stage, changed_at=at(when)))
        previous = to_stage
    return customer


def add_ticket(number, customer, assignee, kind, received, status="处理中", resolved=None, due=None, breached=None):
    ticket = Ticket(number=number, customer_id=customer.id, kind=kind, category="服务", severity="一般",
                    received_at=at(received), respond_due_at=at(received), assignee_id=assignee.id, status=status,
                    resolved_at=at(resolved) if resolved else None, resolve_due_at=at(due) if due else None,
                    resolve_breached_at=at(breached) if breached else None, description="客户反馈问题")
    db.session.add(ticket)
    return ticket


@pytest.fixture
def review_world(app, make_user, make_department, frozen_now):
    sales_dept, service_dept = make_department("销售一部"), make_department("客服一部")
    a = make_user("sales", sales_dept, "zhang", "张伟")
    b = make_user("sales", sales_dept, "li", "李娜")
    c = make_user("service", service_dept, "wang", "王芳")
    supervisor = make_user("supervisor", sales_dept, "zhao", "赵敏")
    other_supervisor = make_user("supervisor", service_dept, "sun", "孙丽")
    admin = make_user("admin", None, "root", "管理员")
    start = "2026-01-01 09:00:00"
    customers = {
        "c1": add_customer("0001", a, start, [(start, "潜在"), ("2026-03-01 10:00:00", "成交")], FULL),
        "c2": add_customer("0002", a, start, [(start, "潜在"), ("2026-03-01 10:00:00", "成交"),
                                              ("2026-08-15 10:00:00", "流失")], PARTIAL),
        "c3": add_customer("0003", b, start, [(start, "潜在"), ("2026-05-01 10:00:00", "成交"),
                                              ("2026-10-05 10:00:00", "沉睡")]),
        "c4": add_customer("0004", a, start, [(start, "潜在"), ("2026-07-20 10:00:00", "成交")]),
        "c5": add_customer("0005", a, start, [(start, "潜在"), ("2026-02-01 10:00:00", "意向")]),
        "c6": add_customer("0006", b, "2026-08-01 09:00:00", [("2026-08-01 09:00:00", "潜在")]),
        "c7": add_customer("0007", b, start, [(start, "潜在"), ("2026-10-10 10:00:00", "成交")]),
    }
    customers_ = customers
    tickets = {
        "t1": add_ticket("GD2026080001", customers_["c1"], c, "投诉", "2026-08-01 09:00:00", "已解决",
                         resolved="2026-08-03 15:00:00", due="2026-08-05 18:00:00"),
        "t2": add_ticket("GD2026080002", customers_["c4"], c, "服务请求", "2026-08-02 09:00:00"),
        "t3": add_ticket("GD2026100001", customers_["c1"], c, "投诉", "2026-10-02 09:00:00"),
        "t4": add_ticket("GD2026060001", customers_["c5"], c, "回访问题", "2026-06-20 09:00:00", "已回访关闭",
                         resolved="2026-07-10 09:00:00", due="2026-06-30 18:00:00", breached="2026-06-30 18:00:00"),
    }
    for n, (status, score) in enumerate([("已完成", 5), ("待回访", 4), ("已取消", 2)], start=1):
        task = RevisitTask(customer_id=customers["c1"].id, trigger="inactive", unique_key=f"k{n}",
                           due_on=date(2026, 8, n), assignee_id=c.id, status=status)
        db.session.add(task)
    records = []
    for n, score in enumerate([5, 4, 2, None], start=1):
        record = RevisitRecord(customer_id=customers["c1"].id, staff_id=c.id, method="电话", outcome="完成",
                               revisited_at=datetime(2026, 9, n, 10), satisfaction=score)
        db.session.add(record)
        records.append(record)
    db.session.add(RevisitRecord(customer_id=customers["c1"].id, staff_id=c.id, method="电话", outcome="完成",
                                 revisited_at=datetime(2026, 6, 1, 10), satisfaction=1))
    db.session.flush()
    for record, result in zip(records, ["合格", "不完整", "待抽查"]):
        db.session.add(SpotCheck(record_id=record.id, staff_id=c.id, supervisor_id=other_supervisor.id,
                                 sample_seed=1, period_start=date(2026, 7, 1), period_end=date(2026, 9, 30),
                                 result=result, checked_at=datetime(2026, 9, 20, 10) if result != "待抽查" else None,
                                 comment="回访内容不完整" if result == "不完整" else ""))
    # Orders: A signs 30,000 + 20,000 in Q3 against 40,000 in Q2 (the Q4 deal is outside); B only in Q3.
    for owner, customer, amount, signed in [(a, "c1", "30000", date(2026, 7, 5)), (a, "c4", "20000", date(2026, 9, 30)),
                                            (a, "c1", "40000", date(2026, 5, 5)), (a, "c1", "10000", date(2026, 10, 1)),
                                            (b, "c3", "10000", date(2026, 8, 8))]:
        db.session.add(Order(number=f"DD{signed:%Y%m%d}{customers[customer].id:03d}", customer_id=customers[customer].id,
                             owner_id=owner.id, total=amount, signed_on=signed))
    # Follow-ups of A due in Q3: f1 (due 07-03) met by f2 on 07-03; f2 (due 07-10) never met; f3 due in Q4.
    for customer, contacted, due in [("c1", "2026-06-25 10:00:00", date(2026, 7, 3)),
                                     ("c1", "2026-07-03 15:00:00", date(2026, 7, 10)),
                                     ("c4", "2026-08-01 10:00:00", date(2026, 10, 5))]:
        db.session.add(FollowUp(customer_id=customers[customer].id, author_id=a.id, contacted_at=at(contacted),
                                recorded_at=at(contacted), method="电话", content="电话沟通需求", next_action="再次回访",
                                next_action_on=due))
    db.session.commit()
    return ReviewWorld(sales_dept, service_dept, a, b, c, supervisor, other_supervisor, admin, customers, tickets)
