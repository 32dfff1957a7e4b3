"""The `--scale large` generator at a small size: proportions, derived fields the customers area would
write, last contact consistent with follow-ups, the busy customer's timeline, indexes rebuilt."""
from sqlalchemy import func, select, text

from portal.customers.services import name_pinyin, search_text
from portal.demo_large import BUSY_REP, TIMELINE_EVENTS, Sizes, busy_customer_id, seed_large
from portal.extensions import db
from portal.models.customers import Customer, CustomerSearch, StageChange
from portal.models.followups import FollowUp
from portal.rules.dedupe import normalize_company_name


def index_names() -> set[str]:
    return set(db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'index'")))


def test_scaled_large_seed(app, frozen_now):
    """300 customers: every table filled in proportion, derived fields match the customers area's functions."""
    indexes_before = index_names() if db.engine.dialect.name == "sqlite" else set()
    loaded = seed_large(Sizes.scaled(300))
    assert loaded.counts["user"] == 200
    assert loaded.counts["customer"] == 300
    assert loaded.counts["customer_search"] == 300
    assert loaded.counts["follow_up"] == 3000  # 1,000,000 × 300 / 100,000, exactly
    assert loaded.counts["revisit_task"] == 600 and loaded.counts["ticket"] == 150 and loaded.counts["sales_order"] == 180 and loaded.counts["opportunity"] == 90
    if indexes_before:
        assert index_names() == indexes_before

    departments = db.session.execute(text("SELECT count(*) FROM department")).scalar()
    assert departments == 8
    for customer in db.session.scalars(select(Customer).limit(40)):
        assert (customer.name_pinyin, customer.name_initials) == name_pinyin(customer.name)
        assert customer.name_normalized == normalize_company_name(customer.name)
        stored = db.session.get(CustomerSearch, customer.id).text
        assert stored == search_text(customer)
        last = db.session.scalar(select(func.max(FollowUp.contacted_at)).where(FollowUp.customer_id == customer.id))
        assert customer.last_contacted_at == last
        history = db.session.scalars(select(StageChange).where(StageChange.customer_id == customer.id)
                                     .order_by(StageChange.changed_at, StageChange.id)).all()
        assert history[0].from_stage is None and history[0].changed_at == customer.created_at
        assert history[-1].to_stage == customer.stage  # the history leads to the stage the file shows
        assert all(a.to_stage == b.from_stage for a, b in zip(history, history[1:]))

    busy = busy_customer_id()
    assert db.session.get(Customer, busy).owner.username == BUSY_REP
    assert db.session.scalar(select(func.count()).where(FollowUp.customer_id == busy)) == TIMELINE_EVENTS
    codes = db.session.scalars(select(Customer.code)).all()
    assert len(set(codes)) == len(codes) and all(code.startswith("KH") and len(code) == 12 for code in codes)


def test_app_writes_after_the_large_seed(app, frozen_now):
    """Explicit ids in the bulk load leave the id sequences ready: the next customer gets a fresh id and code."""
    from portal.customers.services import create_customer

    seed_large(Sizes.scaled(100))
    highest = db.session.scalar(select(func.max(Customer.id)))
    codes = set(db.session.scalars(select(Customer.code)))
    customer = create_customer({"name": "宁波新建测试贸易有限公司", "source_channel": "电话咨询"}, [], None)
    db.session.commit()
    assert customer.id > highest
    assert customer.code not in codes


def test_scaled_marketing_seed(app, frozen_now):
    """1,000 customers: 20 activities, 2,000 participants with a fair of 50, 200 walk-in leads whose files
    were opened within a month of the activity they attended."""
    from portal.models.marketing import Activity, ActivityParticipant

    loaded = seed_large(Sizes.scaled(1000))
    assert loaded.counts["activity"] == 20 and loaded.counts["activity_participant"] == 2000
    assert loaded.counts["walk_in_leads"] == 200
    fair = db.session.scalar(select(Activity).where(Activity.theme.startswith("全国客户大会")))
    assert fair.status == "已结束"
    assert db.session.scalar(select(func.count()).where(ActivityParticipant.activity_id == fair.id)) >= 50
    walk_ins = db.session.execute(select(ActivityParticipant, Activity.starts_on, Customer.created_at)
                                  .join(Activity, Activity.id == ActivityParticipant.activity_id)
                                  .join(Customer, Customer.id == ActivityParticipant.customer_id)
                                  .where(ActivityParticipant.walk_in.is_(True))).all()
    assert len(walk_ins) == 200
    assert all(p.status == "已到场" and 0 <= (created.date() - starts).days <= 30 for p, starts, created in walk_ins)
    unheld = db.session.scalar(select(func.count()).select_from(ActivityParticipant).join(Activity)
                               .where(Activity.status.in_(("计划中", "已取消")), ActivityParticipant.status == "已到场"))
    assert unheld == 0
