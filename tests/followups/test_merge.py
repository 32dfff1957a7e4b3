"""Merging two customer files: follow-ups and orders move to the kept file with its dates and order total."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from portal.customers.services import merge_customers
from portal.extensions import db
from portal.models.followups import FollowUp
from portal.models.sales import Order
from portal.sales.services import LineInput, record_order


def add_followup(customer, author, contacted_at, next_action_on=None):
    db.session.add(FollowUp(customer_id=customer.id, author_id=author.id, contacted_at=contacted_at,
                            recorded_at=contacted_at, method="电话", content="沟通", next_action_on=next_action_on))


def test_merge_moves_followups_and_orders_to_the_kept_file(app, frozen_now, make_user, new_customer):
    rep, boss = make_user("sales"), make_user("supervisor")
    kept, merged = new_customer(rep, grade="A"), new_customer(rep, grade="C")
    add_followup(kept, rep, datetime(2026, 11, 2, 9))
    add_followup(merged, rep, datetime(2026, 11, 18, 15), next_action_on=date(2026, 11, 20))
    record_order(kept, rep, date(2026, 10, 8), [LineInput(None, "实施服务", Decimal("1"), Decimal("1000.00"))], rep)
    record_order(merged, rep, date(2026, 11, 3), [LineInput(None, "培训服务", Decimal("1"), Decimal("2500.50"))], rep)
    db.session.commit()

    counts = merge_customers(kept, merged, boss)
    db.session.commit()

    assert counts["跟进记录"] == 1 and counts["订单"] == 1
    for model in (FollowUp, Order):
        assert db.session.scalar(select(func.count()).where(model.customer_id == merged.id)) == 0
        assert db.session.scalar(select(func.count()).where(model.customer_id == kept.id)) == 2
    db.session.refresh(kept)
    assert kept.last_contacted_at == datetime(2026, 11, 18, 15)  # the merged file's later contact
    assert kept.next_due_on == date(2026, 11, 20)  # its next action, earlier than 11-18 + 7 days (grade A)
    assert kept.total_deal_amount == Decimal("3500.50")


def test_merge_keeps_one_open_task_per_purpose(app, frozen_now, make_user, new_customer):
    """Both files had their after-sales revisit open: the kept file's stays, the merged one's is cancelled."""
    from portal.models.revisits import TASK_OPEN, RevisitTask

    rep, boss = make_user("sales"), make_user("supervisor")
    make_user("service")
    kept, merged = new_customer(rep), new_customer(rep)
    record_order(kept, rep, date(2026, 11, 2), [LineInput(None, "实施服务", Decimal("1"), Decimal("1000.00"))], rep)
    record_order(merged, rep, date(2026, 11, 3), [LineInput(None, "培训服务", Decimal("1"), Decimal("500.00"))], rep)
    db.session.commit()
    kept_task = db.session.scalar(select(RevisitTask).where(RevisitTask.customer_id == kept.id))

    counts = merge_customers(kept, merged, boss)
    db.session.commit()

    assert counts["重复的回访任务（已取消）"] == 1
    open_tasks = db.session.scalars(select(RevisitTask).where(RevisitTask.customer_id == kept.id,
                                                              RevisitTask.status == TASK_OPEN)).all()
    assert [task.id for task in open_tasks] == [kept_task.id]
