"""Marketing state changes: activities and their transitions, invitations, attendance, walk-in leads,
event revisits, expense lines, materials and competitors.

Nothing here commits; views commit once.
"""
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, exists, insert, literal, select

from portal import clock
from portal.customers.queries import clashing_owner, find_duplicates
from portal.customers.services import create_customer, write_audit_entry
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.marketing import (
    ATTENDED,
    FINISHED,
    INVITED,
    Activity,
    ActivityExpense,
    ActivityMaterial,
    ActivityParticipant,
    Competitor,
    MaterialVersion,
    TransitionRefused,
)
from portal.revisits.services import trigger_task

WALK_IN_SOURCE = "展会登记"


# --- activities --------------------------------------------------------------------------------------

def create_activity(values: dict, by: User) -> Activity:
    activity = Activity(**values, created_by_id=by.id)
    db.session.add(activity)
    db.session.flush()
    return activity


def update_activity(activity: Activity, values: dict) -> None:
    for name, value in values.items():
        setattr(activity, name, value)


def apply_transition(activity: Activity, action: str, reason: str = "") -> int:
    """Start, finish or cancel; finishing gives every attendee their event revisit. Returns tasks created."""
    if action == "start":
        activity.start()
    elif action == "finish":
        activity.finish()
        return schedule_event_revisits(activity)
    elif action == "cancel":
        activity.cancel(reason)
    else:
        raise TransitionRefused(action)
    return 0


# --- event revisits ------------------------------------------------------------------------------------

def event_revisit_key(activity_id: int, customer_id: int) -> str:
    """One revisit per customer and activity, whoever or whatever asks for it again."""
    return f"event:activity:{activity_id}:{customer_id}"


def schedule_event_revisit(activity: Activity, customer: Customer) -> bool:
    """The attendee's event revisit, due the event window (setting, 2 working days) after the activity
    ends — counted from today if the portal learns of the attendance later. Idempotent."""
    task = trigger_task(customer, "event", activity.ends_on, unique_key=event_revisit_key(activity.id, customer.id),
                        source_ref=f"市场活动：{activity.theme}"[:64])
    return task is not None


def schedule_event_revisits(activity: Activity) -> int:
    """Event revisits for every attendee of a finished activity (already scheduled ones are skipped)."""
    rows = db.session.scalars(
        select(Customer).join(ActivityParticipant, ActivityParticipant.customer_id == Customer.id)
        .where(ActivityParticipant.activity_id == activity.id, ActivityParticipant.status == ATTENDED,
               Customer.archived_at.is_(None))
        .order_by(Customer.id)
    )
    return sum(1 for customer in list(rows) if schedule_event_revisit(activity, customer))


# --- participants ----------------------------------------------------------------------------------------

def invite_customers(activity: Activity, customers: Select, by: User) -> int:
    """Invite every customer of a (scoped, filtered) customer query in one statement; customers already
    on the list are left as they are, so inviting the same filter twice adds nobody twice."""
    if activity.is_closed:
        raise TransitionRefused(_("活动已结束或已取消，不能再邀请客户"))
    now = clock.now()
    already = exists().where(ActivityParticipant.activity_id == activity.id,
                             ActivityParticipant.customer_id == Customer.id)
    chosen = (customers.order_by(None).with_only_columns(
        literal(activity.id), Customer.id, literal(INVITED), literal(False), literal(by.id), literal(now), literal(now))
        .where(~already))
    table = ActivityParticipant.__table__
    result = db.session.execute(insert(table).from_select(
        ["activity_id", "customer_id", "status", "walk_in", "invited_by_id", "created_at", "updated_at"], chosen))
    invited = result.rowcount or 0
    if invited:
        write_audit_entry("Activity", activity.id, {"participants": (None, invited)}, f"邀请客户 {invited} 位", "invite")
    return invited


def mark_participants(activity: Activity, participants: list[ActivityParticipant], action: str) -> tuple[int, int]:
    """已报名 / 已到场 for each row that may move; (changed, refused). Attendance on a finished activity
    schedules the event revisit at once (before the end it is scheduled when the activity finishes)."""
    if action == "attend" and activity.status not in ("进行中", FINISHED):
        raise TransitionRefused(_("活动开始后才能标记到场"))
    if activity.status == "已取消":
        raise TransitionRefused(_("活动已取消"))
    changed = refused = 0
    for row in participants:
        try:
            row.register() if action == "register" else row.attend()
            changed += 1
        except TransitionRefused:
            refused += 1
            continue
        if action == "attend" and activity.status == FINISHED:
            schedule_event_revisit(activity, row.customer)
    return changed, refused


def attend_existing(activity: Activity, customer: Customer, by: User) -> ActivityParticipant:
    """An existing customer met at the activity: on the list as 已到场 (invited or not)."""
    row = db.session.scalar(select(ActivityParticipant).where(ActivityParticipant.activity_id == activity.id,
                                                              ActivityParticipant.customer_id == customer.id))
    if row is None:
        row = ActivityParticipant(activity_id=activity.id, customer_id=customer.id, status=INVITED, invited_by_id=by.id)
        db.session.add(row)
    if row.status != ATTENDED:
        mark_participants(activity, [row], "attend")
    db.session.flush()
    return row


def walk_in_duplicates(name: str, phone: str, email: str) -> list:
    """查重 for a lead met on the spot: the customers area's own duplicate search."""
    return find_duplicates(name=name, phones=[phone] if phone else [], emails=[email] if email else [])


def walk_in_clash(user: User, duplicates: list):
    """撞单: a duplicate owned by a rep (the customers area's own rule). A marketer owns no customers,
    so any owned duplicate is someone's customer and no second file may be opened for it."""
    return clashing_owner(user, duplicates)


def add_walk_in(activity: Activity, values: dict, by: User) -> Customer:
    """现场登记: a new customer file (source 展会登记, in the public pool) on the list as 已到场 and as a lead."""
    if activity.status not in ("进行中", FINISHED):
        raise TransitionRefused(_("活动开始后才能现场登记"))
    customer = create_customer(
        {"name": values["name"], "industry": values.get("industry") or "", "source_channel": WALK_IN_SOURCE,
         "purchase_intent": values.get("purchase_intent") or "",
         "tags": f"活动#{activity.id}"[:256]},
        [{"name": values["contact_name"], "phone": values.get("phone") or "", "email": values.get("email") or "",
          "is_primary": True}],
        by,
    )
    row = ActivityParticipant(activity_id=activity.id, customer_id=customer.id, status=INVITED, walk_in=True,
                              invited_by_id=by.id)
    db.session.add(row)
    row.customer = customer
    mark_participants(activity, [row], "attend")
    db.session.flush()
    return customer


# --- expenses and materials -------------------------------------------------------------------------------

def add_expense(activity: Activity, category: str, amount, spent_on: date, note: str, by: User) -> ActivityExpense:
    if activity.status == "已取消":
        raise TransitionRefused(_("活动已取消，不能再登记费用"))
    expense = ActivityExpense(activity_id=activity.id, category=category, amount=amount, spent_on=spent_on,
                              note=note or "", recorded_by_id=by.id)
    db.session.add(expense)
    db.session.flush()
    return expense


def add_material(activity: Activity, title: str, stored: tuple[str, str, str, int], by: User) -> ActivityMaterial:
    material = ActivityMaterial(activity_id=activity.id, title=title, created_by_id=by.id)
    db.session.add(material)
    db.session.flush()
    add_version(material, stored, by)
    return material


def add_version(material: ActivityMaterial, stored: tuple[str, str, str, int], by: User) -> MaterialVersion:
    """A new version beside the old ones (never overwriting), numbered after the highest."""
    stored_name, filename, content_type, size = stored
    number = (db.session.scalar(select(db.func.max(MaterialVersion.number))
                                .where(MaterialVersion.material_id == material.id)) or 0) + 1
    version = MaterialVersion(material_id=material.id, number=number, filename=filename, stored_name=stored_name,
                              content_type=content_type, size=size, uploaded_by_id=by.id, uploaded_at=clock.now())
    db.session.add(version)
    db.session.flush()
    db.session.expire(material, ["versions"])
    return version


# --- competitors ------------------------------------------------------------------------------------------

def save_competitor(competitor: Competitor | None, values: dict) -> Competitor:
    if competitor is None:
        competitor = Competitor()
        db.session.add(competitor)
    for name, value in values.items():
        setattr(competitor, name, value)
    db.session.flush()
    return competitor


def link_customer(competitor: Competitor, customer: Customer) -> bool:
    if customer in competitor.customers:
        return False
    competitor.customers.append(customer)
    write_audit_entry("Competitor", competitor.id, {"customer": (None, customer.code)}, "关联客户", "link")
    return True


def unlink_customer(competitor: Competitor, customer: Customer) -> None:
    if customer in competitor.customers:
        competitor.customers.remove(customer)
        write_audit_entry("Competitor", competitor.id, {"customer": (customer.code, None)}, "取消关联客户", "unlink")
