"""Issue 11: a supervisor sees at least what her department's staff see. The 客服部 supervisor sees all
customers (as service staff do) and all tickets; her work list shows her team's due/overdue revisits."""
from datetime import date

from sqlalchemy import func, select

from portal.access.customers import visible_customers
from portal.access.tickets import visible_tickets
from portal.extensions import db
from portal.models.customers import Customer
from tests.revisits.test_sections import sections_of


def count(query):
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def test_service_supervisor_sees_every_customer_like_her_staff(app, make_user, make_department, make_customer,
                                                              login_as):
    service_dept, sales_dept = make_department("客服部"), make_department("销售部")
    staff = make_user("service", service_dept)
    supervisor = make_user("supervisor", service_dept)
    rep = make_user("sales", sales_dept)
    for n in range(4):
        make_customer(name=f"销售客户{n}", owner=rep)
    assert count(visible_customers(staff)) == count(visible_customers(supervisor)) == 4
    listing = login_as(supervisor).get("/customers/").get_data(as_text=True)
    assert all(f"销售客户{n}" in listing for n in range(4))


def test_sales_supervisor_still_sees_only_her_department_and_what_her_staff_collaborate_on(
        app, make_user, make_department, make_customer):
    sales_dept, other_dept = make_department("销售部"), make_department("销售二部")
    rep = make_user("sales", sales_dept)
    supervisor = make_user("supervisor", sales_dept)
    outsider = make_user("sales", other_dept)
    mine = make_customer(name="本部门客户", owner=rep)
    shared = make_customer(name="协作客户", owner=outsider)
    shared.collaborators.append(rep)
    make_customer(name="别部门客户", owner=outsider)
    db.session.commit()
    staff_sees = set(db.session.scalars(visible_customers(rep).with_only_columns(Customer.id)))
    boss_sees = set(db.session.scalars(visible_customers(supervisor).with_only_columns(Customer.id)))
    assert staff_sees <= boss_sees and boss_sees == {mine.id, shared.id}


def test_service_supervisor_sees_every_ticket_like_her_staff(app, make_user, make_department, make_customer):
    from portal.models.tickets import Ticket
    from datetime import datetime

    service_dept, sales_dept = make_department("客服部"), make_department("销售部")
    staff, supervisor = make_user("service", service_dept), make_user("supervisor", service_dept)
    customer = make_customer(owner=make_user("sales", sales_dept))
    db.session.add(Ticket(number="GD2026112400001", customer_id=customer.id, kind="投诉", category="服务",
                          severity="一般", received_at=datetime(2026, 11, 24, 9), respond_due_at=datetime(2026, 11, 25, 9),
                          description="客户反馈"))
    db.session.commit()
    assert count(visible_tickets(staff)) == count(visible_tickets(supervisor)) == 1


def test_supervisor_work_list_shows_her_teams_due_and_overdue_revisits(app, make_user, make_department,
                                                                      make_customer, make_task):
    team, other = make_department("客服部"), make_department("技术部")
    first, second = make_user("service", team), make_user("service", team)
    supervisor = make_user("supervisor", team)
    make_task(make_customer(name="逾期客户"), assignee=first, due_on=date(2026, 11, 20))
    make_task(make_customer(name="今日客户"), assignee=second, due_on=date(2026, 11, 24))
    make_task(make_customer(name="待分配客户"), assignee=None, due_on=date(2026, 11, 25))
    make_task(make_customer(name="别部门客户"), assignee=make_user("tech", other), due_on=date(2026, 11, 20))
    make_task(make_customer(name="下周客户"), assignee=first, due_on=date(2026, 12, 4))
    section = sections_of(app, supervisor)["revisit_tasks"]
    assert section.total == 3 and section.title == "团队回访任务（3天内到期及逾期）"
    assert [item.title for item in section.items] == ["回访 逾期客户", "回访 今日客户", "回访 待分配客户"]
    # Her staff still see only their own.
    assert sections_of(app, first)["revisit_tasks"].total == 1
