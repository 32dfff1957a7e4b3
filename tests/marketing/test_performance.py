"""No per-row queries: the activity list and an activity page cost the same number of statements for 3
rows as for 60 (same paging), and an activity of 5,000 participants as many as one of 120."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import insert

from portal.extensions import db
from portal.models.customers import Customer
from portal.models.marketing import Activity, ActivityExpense, ActivityParticipant


def add_activities(owner, count):
    for number in range(count):
        db.session.add(Activity(theme=f"批量活动{number}", kind="展会", starts_on=date(2026, 5, 1), ends_on=date(2026, 5, 2),
                                owner_id=owner.id, budget=Decimal("100")))
    db.session.commit()


def add_participants(activity, count, start=1):
    now = datetime(2026, 5, 1, 9, 0)
    db.session.execute(insert(Customer), [
        {"code": f"KH2026{start + n:06d}", "name": f"批量客户{start + n}", "created_at": datetime(2025, 1, 1),
         "updated_at": now, "version": 1} for n in range(count)])
    ids = [row for row in db.session.scalars(db.select(Customer.id).where(Customer.code >= f"KH2026{start:06d}"))]
    db.session.execute(insert(ActivityParticipant), [
        {"activity_id": activity.id, "customer_id": customer_id, "status": "已到场" if i % 2 else "已邀请",
         "walk_in": False, "created_at": now, "updated_at": now} for i, customer_id in enumerate(ids)])
    db.session.add(ActivityExpense(activity_id=activity.id, category="场地", amount=Decimal("10"), spent_on=date(2026, 5, 1)))
    db.session.commit()


def statements(count_queries, client, url):
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_list_and_page_do_not_query_per_row(app, people, login_as, count_queries):
    client = login_as(people["marketing"])
    add_activities(people["marketing"], 3)
    few = statements(count_queries, client, "/marketing/?per_page=5")
    add_activities(people["admin"], 57)
    assert statements(count_queries, client, "/marketing/?per_page=60") == few
    activity = db.session.get(Activity, 1)
    add_participants(activity, 15)
    small = statements(count_queries, client, f"/marketing/{activity.id}?per_page=10")
    add_participants(activity, 60, start=100)
    assert statements(count_queries, client, f"/marketing/{activity.id}?per_page=60") == small


def test_an_activity_with_5000_participants_costs_what_a_small_one_costs(app, people, login_as, count_queries):
    """Participants are paged and effect figures come from grouped queries: 5,000 participants send as many
    statements as 120 (its time at scale is a bench row: 市场活动 5000人展会)."""
    client = login_as(people["marketing"])
    add_activities(people["marketing"], 2)
    small, large = db.session.get(Activity, 1), db.session.get(Activity, 2)
    add_participants(small, 120)  # more than a page, like the large one: both count their rows
    add_participants(large, 5000, start=200)
    client.get(f"/marketing/{small.id}")  # the first request after login also reads the account
    large_page = statements(count_queries, client, f"/marketing/{large.id}")
    assert large_page == statements(count_queries, client, f"/marketing/{small.id}")
