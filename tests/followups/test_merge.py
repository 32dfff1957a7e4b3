"""Merging two customer files: follow-ups and deals move to the kept file with its dates and deal total."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from portal.customers.services import merge_customers
from portal.extensions import db
from portal.models.followups import Deal, FollowUp


def add_followup(customer, author, contacted_at, next_action_on=None):
    db.session.add(FollowUp(customer_id=customer.id, author_id=author.id, contacted_at=contacted_at,
                            recorded_at=contacted_at, method="电话", content="沟通", next_action_on=next_action_on))


def test_merge_moves_followups_and_deals_to_the_kept_file(app, frozen_now, make_user, new_customer):
    rep, boss = make_user("sales"), make_user("supervisor")
    kept, merged = new_customer(rep, grade="A"), new_customer(rep, grade="C")
    add_followup(kept, rep, datetime(2026, 11, 2, 9))
    add_followup(merged, rep, datetime(2026, 11, 18, 15), next_action_on=date(2026, 11, 20))
    db.session.add_all([Deal(customer_id=kept.id, owner_id=rep.id, amount=Decimal("1000.00"), signed_on=date(2026, 10, 8), product="实施服务"),
                        Deal(customer_id=merged.id, owner_id=rep.id, amount=Decimal("2500.50"), signed_on=date(2026, 11, 3), product="培训服务")])
    db.session.commit()

    counts = merge_customers(kept, merged, boss)
    db.session.commit()

    assert counts["跟进记录"] == 1 and counts["成交记录"] == 1
    for model in (FollowUp, Deal):
        assert db.session.scalar(select(func.count()).where(model.customer_id == merged.id)) == 0
        assert db.session.scalar(select(func.count()).where(model.customer_id == kept.id)) == 2
    db.session.refresh(kept)
    assert kept.last_contacted_at == datetime(2026, 11, 18, 15)  # the merged file's later contact
    assert kept.next_due_on == date(2026, 11, 20)  # its next action, earlier than 11-18 + 7 days (grade A)
    assert kept.total_deal_amount == Decimal("3500.50")
