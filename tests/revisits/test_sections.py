"""What revisits adds to other pages: work-list sections, the customer timeline and the customer-page section."""
from datetime import date, datetime

from portal.extensions import db
from portal.models.revisits import SpotCheck
from portal.timeline import customer_timeline
from portal.workbench.sections import work_sections


def sections_of(app, user, today=date(2026, 11, 24)):
    with app.test_request_context():
        return {section.key: section for section in work_sections(user, today)}


def test_task_section_lists_due_and_overdue_with_words(app, make_user, make_customer, make_task):
    service = make_user("service")
    make_task(make_customer(name="逾期客户"), assignee=service, due_on=date(2026, 11, 20))
    make_task(make_customer(name="明日客户"), assignee=service, due_on=date(2026, 11, 25))
    make_task(make_customer(name="下周客户"), assignee=service, due_on=date(2026, 12, 4))  # beyond 3 days
    make_task(make_customer(name="已完成客户"), assignee=service, due_on=date(2026, 11, 20), status="已完成")
    section = sections_of(app, service)["revisit_tasks"]
    assert section.total == 2
    assert [(i.title, i.status_word, i.tone) for i in section.items] == [
        ("回访 逾期客户", "逾期4天", "red"), ("回访 明日客户", "明日到期", "amber")]
    assert "revisit_tasks" not in sections_of(app, make_user("sales"))


def test_supervisor_sees_pending_spot_checks(app, make_user, make_department, make_customer, make_record):
    team = make_department("客服部")
    staff, supervisor = make_user("service", team), make_user("supervisor", team)
    record = make_record(make_customer(name="抽查客户"), staff, datetime(2026, 11, 3, 10), satisfaction=4)
    db.session.add(SpotCheck(record_id=record.id, staff_id=staff.id, supervisor_id=supervisor.id, sample_seed=8,
                             period_start=date(2026, 11, 1), period_end=date(2026, 11, 30)))
    db.session.commit()
    section = sections_of(app, supervisor)["pending_spot_checks"]
    assert section.total == 1 and "抽查客户" in section.items[0].title
    assert "pending_spot_checks" not in sections_of(app, make_user("supervisor", make_department("别的部门")))
    assert "spot_check_findings" not in sections_of(app, staff)  # nothing to acknowledge until it is marked


def test_timeline_shows_revisit_records(app, make_user, make_customer, make_record):
    staff = make_user("service", display_name="小王")
    customer = make_customer()
    make_record(customer, staff, datetime(2026, 11, 3, 10), satisfaction=5)
    make_record(customer, staff, datetime(2026, 11, 5, 10), outcome="未接通")
    with app.test_request_context():
        events = [e for e in customer_timeline(customer) if e.kind == "回访"]
    assert [(e.title, e.actor) for e in events] == [("电话回访：未接通", "小王"), ("电话回访：完成", "小王")]
    assert events[1].detail == "满意度 5"


def test_customer_section_page_fragment_and_scope(app, make_user, make_customer, make_task, login_as, hx):
    service = make_user("service")
    customer = make_customer(name="分区客户")
    make_task(customer, assignee=service, due_on=date(2026, 11, 20))
    client = login_as(service)
    page = client.get(f"/revisits/customers/{customer.id}")
    fragment = client.get(f"/revisits/customers/{customer.id}", headers=hx)
    assert page.status_code == fragment.status_code == 200
    assert "<html" in page.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)
    assert login_as(make_user("tech")).get(f"/revisits/customers/{customer.id}").status_code == 404
    assert login_as(make_user("sales")).get(f"/revisits/customers/{customer.id}").status_code == 403


def test_spot_check_and_findings_lists_do_not_query_per_row(app, make_user, make_department, make_customer,
                                                           make_record, login_as, count_queries):
    team = make_department("客服部")
    staff, supervisor = make_user("service", team), make_user("supervisor", team)

    def add_checks(n):
        for _ in range(n):
            record = make_record(make_customer(), staff, datetime(2026, 11, 3, 10), satisfaction=4)
            db.session.add(SpotCheck(record_id=record.id, staff_id=staff.id, supervisor_id=supervisor.id,
                                     sample_seed=8, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30),
                                     result="不完整", checked_at=datetime(2026, 11, 24, 9), corrective_action="补录"))
        db.session.commit()

    boss, worker = login_as(supervisor), login_as(staff)
    add_checks(1)
    counts = []
    for n in (0, 5):
        add_checks(n)
        for client, url in ((boss, "/spot-checks/"), (worker, "/revisits/findings/")):
            client.get(url)  # warm-up after the factories' commits
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            counts.append(queries.count)
    assert counts[:2] == counts[2:]
