"""Read queries of the marketing area: the activity list, an activity's participants, cost sums and the
inputs of the effect figures. Everything starts from portal.access.marketing."""
import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from portal.access.customers import customer_row_in_scope
from portal.access.marketing import visible_activities, visible_participants
from portal.customers.queries import escape_like
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.marketing import ATTENDED, Activity, ActivityAttribution, ActivityExpense, ActivityParticipant
from portal.models.sales import Opportunity, Order
from portal.rules.attribution import LEAD, OPPORTUNITY, ORDER, Attendance, Effect, Outcome, effects
from portal.settings_store import get_setting

SORT_COLUMNS = {
    "starts_on": Activity.starts_on, "theme": Activity.theme, "kind": Activity.kind, "status": Activity.status,
    "region": Activity.region, "budget": Activity.budget,
}

def sales_outcomes(customer_ids: list[int], low: date, high: date) -> list[Outcome]:
    """The attendees' opportunities (dated when opened, expected amount) and orders (dated when signed,
    total and gross profit) inside the compared span; cancelled orders bring nothing."""
    if not customer_ids:
        return []
    opportunities = db.session.execute(
        select(Opportunity.id, Opportunity.customer_id, Opportunity.created_at, Opportunity.expected_amount)
        .where(Opportunity.customer_id.in_(customer_ids), Opportunity.created_at >= low,
               Opportunity.created_at < high + timedelta(days=1)))
    orders = db.session.execute(
        select(Order.id, Order.customer_id, Order.signed_on, Order.total, Order.total - Order.cost)
        .where(Order.customer_id.in_(customer_ids), Order.status != "已取消",
               Order.signed_on >= low, Order.signed_on <= high))
    return ([Outcome(OPPORTUNITY, key, customer_id, created_at.date(), Decimal(amount or 0))
             for key, customer_id, created_at, amount in opportunities]
            + [Outcome(ORDER, key, customer_id, signed_on, Decimal(total), Decimal(profit))
               for key, customer_id, signed_on, total, profit in orders])


def filtered_activities(user: User, filters: dict) -> Select:
    """The list query: scoped, filtered, sorted (allow-listed), owner joined."""
    query = visible_activities(user).options(joinedload(Activity.owner))
    if filters.get("q"):
        query = query.where(Activity.theme.like(f"%{escape_like(filters['q'])}%", escape="\\"))
    if filters.get("region"):
        query = query.where(Activity.region.like(f"%{escape_like(filters['region'])}%", escape="\\"))
    for name, column in (("kind", Activity.kind), ("status", Activity.status)):
        if filters.get(name):
            query = query.where(column == filters[name])
    if (filters.get("owner") or "").isdigit():
        query = query.where(Activity.owner_id == int(filters["owner"]))
    if filters.get("date_from"):
        query = query.where(Activity.ends_on >= filters["date_from"])
    if filters.get("date_to"):
        query = query.where(Activity.starts_on <= filters["date_to"])
    sort = filters.get("sort", "-starts_on")
    column = SORT_COLUMNS.get(sort.lstrip("-"), Activity.starts_on)
    if sort.startswith("-"):
        return query.order_by(column.desc(), Activity.id.desc())
    return query.order_by(column.asc(), Activity.id.asc())


def owner_choices() -> list:
    """People who may own an activity: active marketing staff, supervisors and admins, as (id, name)."""
    return list(db.session.execute(
        select(User.id, User.display_name)
        .where(User.role.in_(("marketing", "supervisor", "admin")), User.is_active_user.is_(True))
        .order_by(User.display_name, User.id)))


def actual_costs(activity_ids: list[int]) -> dict[int, Decimal]:
    """Sum of expense lines per activity, in SQL (one query)."""
    if not activity_ids:
        return {}
    rows = db.session.execute(select(ActivityExpense.activity_id, func.sum(ActivityExpense.amount))
                              .where(ActivityExpense.activity_id.in_(activity_ids))
                              .group_by(ActivityExpense.activity_id))
    return {activity_id: Decimal(total or 0).quantize(Decimal("0.01")) for activity_id, total in rows}


def participant_counts(activity_ids: list[int]) -> dict[int, dict[str, int]]:
    """Participants per activity and status (all rows: counts name nobody), one grouped query."""
    counts: dict[int, dict[str, int]] = {activity_id: {} for activity_id in activity_ids}
    if not activity_ids:
        return counts
    rows = db.session.execute(
        select(ActivityParticipant.activity_id, ActivityParticipant.status, func.count())
        .where(ActivityParticipant.activity_id.in_(activity_ids))
        .group_by(ActivityParticipant.activity_id, ActivityParticipant.status))
    for activity_id, status, number in rows:
        counts[activity_id][status] = number
    return counts


def participants_of(user: User, activity_id: int, status: str = "", walk_in: bool = False) -> Select:
    """An activity's participant rows in the user's customer scope, customer joined, newest first."""
    query = (visible_participants(user, activity_id).options(joinedload(ActivityParticipant.customer))
             .order_by(ActivityParticipant.id.desc()))
    if status:
        query = query.where(ActivityParticipant.status == status)
    if walk_in:
        query = query.where(ActivityParticipant.walk_in.is_(True))
    return query


def participants_by_ids(user: User, activity_id: int, ids: list[int]) -> list[ActivityParticipant]:
    """Posted participant ids, filtered through the scoped query again (never trusted)."""
    if not ids:
        return []
    query = participants_of(user, activity_id).where(ActivityParticipant.id.in_(ids[:5000]))
    return list(db.session.scalars(query).unique())


# --- effect -------------------------------------------------------------------------------------------

def attribution_window() -> int:
    return int(get_setting("attribution_window_days"))


def effect_inputs(activities: list[Activity], window_days: int) -> tuple[list[Attendance], list[Outcome]]:
    """Attendances and outcomes that can decide these activities' effect, and no more.

    An outcome of these activities is dated between the earliest start and the latest start plus the
    window; an attendance up to a window before that span can compete for it (a later-started one wins,
    but a walk-in attendance wins a lead whenever it is a candidate), so older and later attendances are
    not read. Leads are the files of those attendees opened in that span; a file counts as opened at the
    latest walk-in attendance on or before its opening day (the large data has customers with two)."""
    ids = [activity.id for activity in activities]
    low = min(activity.starts_on for activity in activities)
    high = max(activity.starts_on for activity in activities) + timedelta(days=window_days)
    earliest_candidate = low - timedelta(days=window_days)
    attendee_ids = (select(ActivityParticipant.customer_id)
                    .where(ActivityParticipant.activity_id.in_(ids), ActivityParticipant.status == ATTENDED))
    rows = db.session.execute(
        select(ActivityParticipant.customer_id, ActivityParticipant.activity_id, Activity.starts_on,
               ActivityParticipant.walk_in, Customer.created_at)
        .join(Activity, Activity.id == ActivityParticipant.activity_id)
        .join(Customer, Customer.id == ActivityParticipant.customer_id)
        .where(ActivityParticipant.status == ATTENDED, ActivityParticipant.customer_id.in_(attendee_ids),
               Activity.status != "已取消", Activity.starts_on >= earliest_candidate, Activity.starts_on <= high))
    attendances, created, walk_ins = [], {}, {}
    for customer_id, activity_id, starts_on, walk_in, created_at in rows:
        attendances.append(Attendance(customer_id, activity_id, starts_on))
        opened_on = created_at.date()
        if low <= opened_on <= high:
            created[customer_id] = opened_on
        if walk_in and starts_on <= opened_on:
            walk_ins[customer_id] = max(walk_ins.get(customer_id, (starts_on, activity_id)), (starts_on, activity_id))
    outcomes = [Outcome(LEAD, customer_id, customer_id, on,
                        source_activity_id=walk_ins[customer_id][1] if customer_id in walk_ins else None)
                for customer_id, on in created.items()]
    customer_ids = sorted({attendance.customer_id for attendance in attendances})
    return attendances, outcomes + sales_outcomes(customer_ids, low, high)


def live_activity_effects(activities: list[Activity]) -> dict[int, Effect]:
    """The effect figures attributed live from the attendees' histories: the reference the maintained
    activity_attribution table is tested against (a year of activities: ~1.5 s, hence the table)."""
    ids = [activity.id for activity in activities]
    if not ids:
        return {}
    counts = participant_counts(ids)
    window = attribution_window()
    attendances, outcomes = effect_inputs(activities, window)
    return effects(ids, {i: counts[i].get(ATTENDED, 0) for i in ids}, actual_costs(ids), outcomes, attendances, window)


def activity_effects(activities: list[Activity], lead_ids: bool = True,
                     attendees: dict[int, int] | None = None) -> dict[int, Effect]:
    """Effect figures for these activities: attendees, cost, and the outcomes the maintained attribution
    table gives them, summed per activity and kind from its covering index, the converted leads counted
    there too (a year: 500 activities, ~8k index entries, no per-outcome Python: 1.5-2.6 s → 90 ms).
    `lead_ids`: also list each activity's lead customers (the activity page, not the comparison).
    `attendees`: the 已到场 counts when the caller already has them."""
    ids = [activity.id for activity in activities]
    if not ids:
        return {}
    attendees = attendees if attendees is not None else attendee_counts(ids)
    costs = actual_costs(ids)
    result = {i: Effect(i, attendees.get(i, 0), Decimal(costs.get(i, 0)), converted=0) for i in ids}
    table = ActivityAttribution
    rows = db.session.execute(
        select(table.activity_id, table.kind, func.count(), func.sum(table.amount), func.sum(table.gross_profit))
        .where(table.activity_id.in_(ids)).group_by(table.activity_id, table.kind))
    for activity_id, kind, number, amount, gross_profit in rows:
        result[activity_id].add(kind, number, Decimal(amount or 0), Decimal(gross_profit or 0))
    for activity_id, converted in db.session.execute(converted_leads(ids)):
        result[activity_id].converted = converted
    if lead_ids:
        for activity_id, customer_id in db.session.execute(
                select(table.activity_id, table.customer_id).where(table.activity_id.in_(ids), table.kind == LEAD)
                .order_by(table.activity_id, table.customer_id)):
            result[activity_id].lead_customer_ids.append(customer_id)
    return result


def converted_leads(ids: list[int]) -> Select:
    """Per activity, its leads whose customer also has an order attributed to it (index lookups only)."""
    lead, order = ActivityAttribution.__table__.alias("lead"), ActivityAttribution.__table__.alias("attributed_order")
    has_order = (select(order.c.customer_id).where(order.c.activity_id == lead.c.activity_id, order.c.kind == ORDER,
                                                 order.c.customer_id == lead.c.customer_id).exists())
    return (select(lead.c.activity_id, func.count()).where(lead.c.activity_id.in_(ids), lead.c.kind == LEAD, has_order)
            .group_by(lead.c.activity_id))


def attendee_counts(activity_ids: list[int]) -> dict[int, int]:
    """已到场 participants per activity (only those index entries are read)."""
    return dict(db.session.execute(
        select(ActivityParticipant.activity_id, func.count())
        .where(ActivityParticipant.activity_id.in_(activity_ids), ActivityParticipant.status == ATTENDED)
        .group_by(ActivityParticipant.activity_id)).all())


def compared_activities(user: User, date_from: date | None, date_to: date | None, kind: str = "") -> list[Activity]:
    """Activities (not cancelled) starting in the period, for the comparison table, oldest first."""
    query = visible_activities(user).where(Activity.status != "已取消").options(joinedload(Activity.owner))
    if date_from:
        query = query.where(Activity.starts_on >= date_from)
    if date_to:
        query = query.where(Activity.starts_on <= date_to)
    if kind:
        query = query.where(Activity.kind == kind)
    return list(db.session.scalars(query.order_by(Activity.starts_on, Activity.id).limit(500)))


def lead_customers(customer_ids: list[int], user: User) -> list[Customer]:
    """The attributed leads the user may see, for the activity page, owners loaded with them; each lead
    is tested against the scope (a bounded set), rather than the scope listed first."""
    if not customer_ids:
        return []
    query = select(Customer).where(Customer.id.in_(customer_ids)).options(joinedload(Customer.owner))
    scope = customer_row_in_scope(user)
    if scope is not None:
        query = query.where(scope)
    return list(db.session.scalars(query.order_by(Customer.id.desc()).limit(200)))


def customer_marketing(customer: Customer) -> dict:
    """For the customer page (already scoped): the activities it took part in and its competitors."""
    from portal.models.marketing import Competitor, customer_competitor

    participations = list(db.session.execute(
        select(ActivityParticipant, Activity).join(Activity, Activity.id == ActivityParticipant.activity_id)
        .where(ActivityParticipant.customer_id == customer.id)
        .order_by(Activity.starts_on.desc(), Activity.id.desc()).limit(20)))
    competitors = list(db.session.scalars(
        select(Competitor).join(customer_competitor, customer_competitor.c.competitor_id == Competitor.id)
        .where(customer_competitor.c.customer_id == customer.id).order_by(Competitor.name)))
    return {"participations": participations, "competitors": competitors}


def competitor_names(limit: int = 500) -> list[str]:
    """Names of the 竞争对手 records, offered where a lost opportunity names the winner."""
    from portal.models.marketing import Competitor

    return list(db.session.scalars(select(Competitor.name).order_by(Competitor.name).limit(limit)))


COMPETITOR_SEPARATORS = re.compile(r"[,，、;；/\s]+")


def named_competitors(text: str) -> list[tuple[str, int | None]]:
    """The names in an opportunity's free-text 竞争对手 field, each with its competitor record's id if one
    has that name (one query), so the page can link them."""
    from portal.models.marketing import Competitor

    names = [name for name in COMPETITOR_SEPARATORS.split(text or "") if name]
    if not names:
        return []
    ids = dict(db.session.execute(select(Competitor.name, Competitor.id).where(Competitor.name.in_(names))).all())
    return [(name, ids.get(name)) for name in names]
