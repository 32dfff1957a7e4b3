"""`followups mark-dormant`: 90 days without interaction -> 沉睡, once, with the event for revisits."""
from datetime import datetime

from sqlalchemy import select

from portal.events import customer_went_dormant
from portal.extensions import db
from portal.models.customers import Customer, StageChange


def test_mark_dormant_flags_once_and_announces(app, frozen_now, runner, make_user, new_customer):
    rep = make_user("sales")
    # Today is 2026-11-24; 90 days earlier is 2026-08-26.
    exactly = new_customer(rep, name="整九十天", last_contacted_at=datetime(2026, 8, 26, 18, 0))
    one_day_short = new_customer(rep, name="八十九天", last_contacted_at=datetime(2026, 8, 27, 8, 0))
    never = new_customer(rep, name="从未联系", created_at=datetime(2026, 7, 1, 9, 0))
    already = new_customer(rep, name="已沉睡", stage="沉睡", last_contacted_at=datetime(2026, 1, 1, 9, 0))
    lost = new_customer(rep, name="已流失", stage="流失", last_contacted_at=datetime(2026, 1, 1, 9, 0))
    heard = []
    customer_went_dormant.connect(heard.append, weak=False)
    try:
        first = runner.invoke(args=["followups", "mark-dormant"])
        second = runner.invoke(args=["followups", "mark-dormant"])
    finally:
        customer_went_dormant.disconnect(heard.append)
    assert "marked 2 customer(s) dormant" in first.output
    assert "marked 0 customer(s) dormant" in second.output
    assert sorted(c.name for c in heard) == ["从未联系", "整九十天"]
    stages = dict(db.session.execute(select(Customer.name, Customer.stage)).all())
    assert stages == {"整九十天": "沉睡", "八十九天": "潜在", "从未联系": "沉睡", "已沉睡": "沉睡", "已流失": "流失"}
    changes = db.session.scalars(select(StageChange).order_by(StageChange.customer_id)).all()
    assert [(c.customer_id, c.from_stage, c.to_stage) for c in changes] == [
        (exactly.id, "潜在", "沉睡"), (never.id, "潜在", "沉睡")]
    assert "90天无互动" in changes[0].reason and changes[0].changed_by_id is None
    assert one_day_short.id and already.id and lost.id


def test_dormant_customer_gets_one_revisit_task(app, frozen_now, runner, make_user, new_customer):
    """The revisits area listens to customer_went_dormant; the sweep run twice leaves one task."""
    from portal.models.revisits import RevisitTask

    rep = make_user("sales")
    customer = new_customer(rep, last_contacted_at=datetime(2026, 6, 1, 9, 0))
    runner.invoke(args=["followups", "mark-dormant"])
    runner.invoke(args=["followups", "mark-dormant"])
    tasks = db.session.scalars(select(RevisitTask).where(RevisitTask.customer_id == customer.id)).all()
    assert [task.trigger for task in tasks] == ["dormant"]
