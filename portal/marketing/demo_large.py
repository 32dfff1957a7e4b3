"""The marketing part of the large data set (issue 14): 2,000 activities over the seeded years with
200,000 participants — one fair of 5,000, the rest 20 to 150 each — and 20,000 walk-in leads (files
opened within a month of the activity they turned up at), plus a few expense lines per activity.
Core bulk inserts, called from portal.demo_large.seed_large after the customers."""
import bisect
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Connection, select

from portal import clock
from portal.extensions import db
from portal.knowledge.demo_large import insert_batches
from portal.models.marketing import (
    ACTIVITY_KINDS,
    ATTENDED,
    CANCELLED,
    EXPENSE_CATEGORIES,
    FINISHED,
    INVITED,
    PLANNED,
    REGISTERED,
    RUNNING,
)

ACTIVITIES = 2_000
PARTICIPANTS = 200_000
LEADS = 20_000
BIG_FAIR = 5_000  # the activity page must stay fast for the largest fair
REGIONS = ("华东", "华南", "华北", "西南", "华中", "东北", "西北")
THEMES = ("春季新品发布", "行业解决方案沙龙", "年度客户答谢", "渠道伙伴大会", "线上直播", "数字化转型论坛", "促销月")
LEAD_WINDOW_DAYS = 30


def biggest_activity_id() -> int | None:
    """The seeded fair of 5,000 participants (the bench times its page)."""
    from sqlalchemy import func

    from portal.models.marketing import ActivityParticipant

    return db.session.scalar(select(ActivityParticipant.activity_id).group_by(ActivityParticipant.activity_id)
                             .order_by(func.count().desc()).limit(1))


def activity_status(rng: random.Random, starts_on: date, ends_on: date, today: date) -> str:
    if rng.random() < 0.04:
        return CANCELLED
    if ends_on < today:
        return FINISHED
    return RUNNING if starts_on <= today else PLANNED


def participant_row(rng: random.Random, activity: dict, customer_id: int, inviter: int) -> dict:
    """A participant as far along as the activity's state allows: only a held activity has attendees."""
    held = activity["status"] in (FINISHED, RUNNING)
    roll = rng.random()
    status = ATTENDED if held and roll < 0.45 else (REGISTERED if roll < 0.75 else INVITED)
    at = datetime.combine(activity["starts_on"], time(9))
    return dict(activity_id=activity["id"], customer_id=customer_id, status=status, walk_in=False,
                invited_by_id=inviter, registered_at=at - timedelta(days=7) if status != INVITED else None,
                attended_at=at if status == ATTENDED else None, created_at=at - timedelta(days=14), updated_at=at)


def seed_marketing(connection: Connection, rng: random.Random, activities: int = ACTIVITIES,
                   participants: int = PARTICIPANTS, leads: int = LEADS, big_fair_size: int = BIG_FAIR) -> dict[str, int]:
    """Write activities, participants (walk-in leads among them) and expense lines; returns row counts."""
    users = db.metadata.tables["user"]
    staff = list(connection.scalars(select(users.c.id).where(users.c.role == "marketing"))) or \
        list(connection.scalars(select(users.c.id)))
    customers = db.metadata.tables["customer"]
    opened = sorted(connection.execute(select(customers.c.created_at, customers.c.id)).all())
    opened_days = [created_at.date() for created_at, _id in opened]
    customer_ids = [customer_id for _created, customer_id in opened]
    today = clock.today()
    first_day = opened_days[0] if opened_days else today - timedelta(days=3 * 365)
    span_days = max((today + timedelta(days=60) - first_day).days, 1)

    activity_rows = []
    for activity_id in range(1, activities + 1):
        starts_on = first_day + timedelta(days=rng.randrange(span_days))
        ends_on = starts_on + timedelta(days=rng.choice((0, 0, 1, 2)))
        activity_rows.append(dict(
            id=activity_id, theme=f"{rng.choice(REGIONS)}{rng.choice(THEMES)}（{activity_id}）", kind=rng.choice(ACTIVITY_KINDS),
            starts_on=starts_on, ends_on=ends_on, region=rng.choice(REGIONS), owner_id=rng.choice(staff),
            budget=Decimal(rng.randrange(5, 200) * 1000), description="", cancel_reason="",
            status_changed_at=None, created_by_id=rng.choice(staff), version=1,
            created_at=datetime.combine(starts_on - timedelta(days=30), time(10)), updated_at=datetime.combine(starts_on, time(10))))
    for row in activity_rows:
        row["status"] = activity_status(rng, row["starts_on"], row["ends_on"], today)
    held = [row for row in activity_rows if row["status"] == FINISHED]
    big_fair = max(held, key=lambda row: row["starts_on"]) if held else activity_rows[0]
    big_fair["kind"], big_fair["theme"] = "展会", f"全国客户大会（{big_fair['id']}）"

    participant_rows, lead_pairs = [], set()
    # Walk-in leads: files opened in the month after a held activity, registered on the spot.
    for _ in range(leads * 3):
        if len(lead_pairs) >= leads or not held:
            break
        activity = rng.choice(held)
        low = bisect.bisect_left(opened_days, activity["starts_on"])
        high = bisect.bisect_right(opened_days, activity["starts_on"] + timedelta(days=LEAD_WINDOW_DAYS))
        if low < high:
            lead_pairs.add((activity["id"], customer_ids[rng.randrange(low, high)]))
    by_id = {row["id"]: row for row in activity_rows}
    for activity_id, customer_id in lead_pairs:
        row = participant_row(rng, by_id[activity_id], customer_id, by_id[activity_id]["owner_id"])
        row.update(status=ATTENDED, walk_in=True, registered_at=None,
                   attended_at=datetime.combine(by_id[activity_id]["starts_on"], time(10)))
        participant_rows.append(row)
    pairs = set(lead_pairs)

    def invite(activity: dict, customer_id: int) -> None:
        if (activity["id"], customer_id) not in pairs and len(participant_rows) < participants:
            pairs.add((activity["id"], customer_id))
            participant_rows.append(participant_row(rng, activity, customer_id, activity["owner_id"]))

    invited = participants - len(participant_rows)
    sizes = [rng.randrange(20, 150) for _ in range(activities - 1)]
    scale = (invited - big_fair_size) / max(sum(sizes), 1)
    others = [row for row in activity_rows if row is not big_fair]
    for activity, size in zip([big_fair] + others, [big_fair_size] + [max(1, int(s * scale)) for s in sizes]):
        for customer_id in rng.sample(customer_ids, min(size, len(customer_ids))):
            invite(activity, customer_id)
    for _ in range(participants):  # what rounding left: one more here and there, while pairs are free
        if len(participant_rows) >= participants or not others:
            break
        invite(rng.choice(others), rng.choice(customer_ids))

    expense_rows = [dict(activity_id=row["id"], category=rng.choice(EXPENSE_CATEGORIES),
                         amount=Decimal(rng.randrange(500, 50_000)), spent_on=row["starts_on"], note="",
                         recorded_by_id=row["owner_id"], created_at=datetime.combine(row["starts_on"], time(18)),
                         updated_at=datetime.combine(row["starts_on"], time(18)))
                    for row in activity_rows if row["status"] in (FINISHED, RUNNING) for _ in range(rng.randrange(1, 4))]
    return {
        "activity": insert_batches(connection, "activity", activity_rows),
        "activity_participant": insert_batches(connection, "activity_participant", participant_rows),
        "activity_expense": insert_batches(connection, "activity_expense", expense_rows),
        "walk_in_leads": len(lead_pairs),
    }
