"""Follow-ups on the customer timeline: newest contact first, 补录 marked, next step appended, linked."""
from datetime import datetime

from portal.extensions import db
from portal.followups.timeline import followup_events
from portal.models.followups import FollowUp


def test_followup_events_show_each_record_as_before(app, frozen_now, make_user, new_customer):
    rep = make_user("sales", display_name="张伟")
    customer = new_customer(rep, name="杭州云帆科技有限公司")
    rows = [
        FollowUp(customer_id=customer.id, author_id=rep.id, contacted_at=datetime(2026, 11, 2, 9), is_late=False,
                 recorded_at=datetime(2026, 11, 2, 9), method="电话", content="报价" * 150, next_action="寄样品"),
        FollowUp(customer_id=customer.id, author_id=None, contacted_at=datetime(2026, 11, 5, 9), is_late=True,
                 recorded_at=datetime(2026, 11, 9, 9), method="拜访", content="补记拜访"),
        FollowUp(customer_id=customer.id, author_id=rep.id, contacted_at=datetime(2026, 11, 5, 9), is_late=False,
                 recorded_at=datetime(2026, 11, 5, 9), method="电话", content="同一时刻"),
    ]
    db.session.add_all(rows)
    db.session.commit()
    with app.test_request_context():
        events = followup_events(customer, 10)
    assert [(e.at, e.kind, e.title, e.detail, e.url, e.actor) for e in events] == [
        (datetime(2026, 11, 5, 9), "跟进", "电话跟进", "同一时刻", f"/followups/{rows[2].id}", "张伟"),
        (datetime(2026, 11, 5, 9), "跟进", "拜访跟进（补录）", "补记拜访", f"/followups/{rows[1].id}", ""),
        (datetime(2026, 11, 2, 9), "跟进", "电话跟进", "报价" * 100 + "；下一步：寄样品", f"/followups/{rows[0].id}", "张伟"),
    ]
    with app.test_request_context():
        assert len(followup_events(customer, 2)) == 2
