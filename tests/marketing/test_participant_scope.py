"""An activity's participants and leads for roles that see part of the customers: the same rows as the
customer scope (portal.access.customers), found from the activity and tested customer by customer."""
from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.access.customers import visible_customer_ids
from portal.access.marketing import visible_participants
from portal.extensions import db
from portal.marketing import queries
from portal.models.marketing import ActivityParticipant
from portal.models.tickets import Ticket


def ticket(customer, department=None, assignee=None, number=[0]):
    number[0] += 1
    now = datetime(2026, 5, 1, 9, 0)
    db.session.add(Ticket(number=f"GD{number[0]:06d}", customer_id=customer.id, kind="投诉", category="产品质量",
                          severity="一般", received_at=now, respond_due_at=now + timedelta(hours=24),
                          department_id=department.id if department else None,
                          assignee_id=assignee.id if assignee else None))
    db.session.commit()


def test_tech_supervisor_sees_the_customers_of_the_departments_tickets(app, people, make_user, make_department,
                                                                       make_activity, make_customer, login_as):
    tech_department = make_department("技术部")
    technician = make_user("tech", department=tech_department, username="tech1")
    boss = make_user("supervisor", department=tech_department, username="techboss")
    activity = make_activity(status="已结束", starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 1))
    by_department = make_customer(owner=people["sales"], name="派到技术部的客户有限公司")
    by_assignee = make_customer(owner=people["sales"], name="派给技术员的客户有限公司")
    pool = make_customer(name="公海客户有限公司")
    hidden = make_customer(owner=people["sales"], name="别人的客户有限公司")
    ticket(by_department, department=tech_department)
    ticket(by_assignee, assignee=technician)
    ticket(hidden, department=make_department("客服部"))
    for customer in (by_department, by_assignee, pool, hidden):
        db.session.add(ActivityParticipant(activity_id=activity.id, customer_id=customer.id, status="已到场"))
    db.session.commit()

    for user in (boss, technician, people["sales"], people["supervisor"], people["marketing"]):
        shown = set(db.session.scalars(visible_participants(user, activity.id).with_only_columns(
            ActivityParticipant.customer_id)))
        in_scope = set(db.session.scalars(select(ActivityParticipant.customer_id).where(
            ActivityParticipant.activity_id == activity.id,
            ActivityParticipant.customer_id.in_(visible_customer_ids(user)))))
        assert shown == in_scope, user.username
        leads = {customer.id for customer in queries.lead_customers([c.id for c in (by_department, pool, hidden)], user)}
        assert leads == in_scope & {by_department.id, pool.id, hidden.id}, user.username
    page = login_as(boss).get(f"/marketing/{activity.id}").get_data(as_text=True)
    assert by_department.name in page and by_assignee.name in page and pool.name in page
    assert hidden.name not in page


def test_participants_are_tested_row_by_row_not_listed_from_the_scope(app, make_user, make_department, make_activity,
                                                                      monkeypatch):
    """Each participant's customer is tested by primary key and a wide ticket scope as a correlated EXISTS:
    no scan of the tickets for 技术部's supervisor (access.customers.customer_in_scope)."""
    from portal.access import customers as customers_access

    monkeypatch.setattr(customers_access, "TICKET_SCOPE_PROBE_ROWS", -1)  # wide even without tickets, as 技术部 at scale
    tech_department = make_department("技术部")
    make_user("tech", department=tech_department, username="tech1")
    boss = make_user("supervisor", department=tech_department, username="techboss")
    statement = visible_participants(boss, make_activity().id)
    compiled = statement.compile(db.engine)
    assert "EXISTS (SELECT ticket" in str(compiled) and "activity_participant.customer_id IN" not in str(compiled)
    if db.engine.dialect.name == "sqlite":
        parameters = tuple(compiled.params[name] for name in compiled.positiontup)
        plan = " | ".join(row[-1] for row in db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled), parameters))
        assert "SCAN customer" not in plan and "SCAN ticket" not in plan, plan
