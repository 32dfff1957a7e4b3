"""Handover and merge move revisit work along with people and customer files."""
from datetime import date, datetime

from sqlalchemy import select

from portal.customers import services as customer_services
from portal.extensions import db
from portal.models.revisits import RevisitRecord, RevisitTask


def test_handover_moves_open_tasks_to_receivers_or_least_busy_colleagues(app, make_user, make_customer, make_task):
    leaver, receiver = make_user("sales"), make_user("sales")
    busy, idle = make_user("service"), make_user("service")
    make_task(make_customer(), assignee=busy)  # busy already has an open task
    owned = make_customer(owner=leaver)
    other_a, other_b = make_customer(), make_customer()
    t_owned = make_task(owned, assignee=leaver)
    t_a = make_task(other_a, assignee=leaver, due_on=date(2026, 11, 24))
    t_b = make_task(other_b, assignee=leaver, due_on=date(2026, 11, 25))
    done = make_task(other_a, assignee=leaver, status="已完成")
    preview = customer_services.handover(leaver, [receiver.id], by=make_user("supervisor"), dry_run=True)
    assert preview["回访任务"] == 3 and t_owned.assignee_id == leaver.id
    counts = customer_services.handover(leaver, [receiver.id], by=make_user("supervisor"), dry_run=False)
    db.session.commit()
    assert counts["回访任务"] == 3
    assert t_owned.assignee_id == receiver.id  # follows the customer
    assert (t_a.assignee_id, t_b.assignee_id) == (idle.id, busy.id)  # least busy first, then in turn
    assert done.assignee_id == leaver.id  # history stays


def test_merge_moves_tasks_and_records_to_the_kept_file(app, make_user, make_customer, make_task, make_record):
    staff = make_user("service")
    kept, merged = make_customer(), make_customer()
    make_task(merged, assignee=staff)
    make_record(merged, staff, datetime(2026, 11, 3, 10), satisfaction=4)
    counts = customer_services.merge_customers(kept, merged, make_user("admin"))
    db.session.commit()
    assert counts["回访任务"] == 1 and counts["回访记录"] == 1
    assert {t.customer_id for t in db.session.scalars(select(RevisitTask))} == {kept.id}
    assert {r.customer_id for r in db.session.scalars(select(RevisitRecord))} == {kept.id}
