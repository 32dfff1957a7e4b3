"""Revisit state changes: tasks from triggers and plans, recording a revisit, drawing spot-checks.

Nothing here commits; views and the CLI commit once.
"""
from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal import clock, events
from portal.access.customers import visible_customers
from portal.access.revisits import visible_revisit_records, visible_spot_checks
from portal.calendar import work_calendar
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.revisits import (
    ISSUE_CATEGORIES,
    SPOT_CHECK_PENDING,
    TASK_OPEN,
    Questionnaire,
    QuestionnaireVersion,
    RevisitPlan,
    RevisitRecord,
    RevisitTask,
    SpotCheck,
)
from portal.rules.revisit_triggers import (
    PRIORITY_TIERS,
    add_months,
    gets_registration_revisit,
    inactive_revisit_due_on,
    task_purpose,
    trigger_due_on,
)
from portal.rules.sampling import draw_sample
from portal.settings_store import get_setting

DEFAULT_QUESTIONNAIRE = N_("回访问卷")
DEFAULT_DESCRIPTION = N_("覆盖基本信息核对、产品/服务使用、需求建议、满意度和竞品看法")
# DESIGN.md's revisit content: basic info check, product/service use, needs and suggestions,
# satisfaction, competitor view.
DEFAULT_QUESTIONS = [
    {"key": "q1", "text": N_("客户基本信息（联系人、电话、地址）是否有变化？"), "type": "single", "required": True,
     "options": [N_("无变化"), N_("有变化（已在备注中说明）")]},
    {"key": "q2", "text": N_("目前使用我们的产品/服务的情况"), "type": "single", "required": True,
     "options": [N_("经常使用"), N_("偶尔使用"), N_("很少使用"), N_("已停用")]},
    {"key": "q3", "text": N_("使用中遇到过哪些问题？"), "type": "multiple", "required": False,
     "options": [N_("产品质量"), N_("交付时效"), N_("售后响应"), N_("价格"), N_("操作使用"), N_("没有问题")]},
    {"key": "q4", "text": N_("对我们整体服务的满意度"), "type": "score", "required": True, "options": []},
    {"key": "q5", "text": N_("新的需求或改进建议"), "type": "text", "required": False, "options": []},
    {"key": "q6", "text": N_("是否在接触或使用竞争对手的产品？如何评价？"), "type": "text", "required": False,
     "options": []},
]
# The default questionnaire is stored like any other (and may be edited into new versions); its texts
# are shown in the reader's language only while they are still the portal's own words. Answers store
# the option as written here.
BUILTIN_TEXTS = frozenset(
    [DEFAULT_QUESTIONNAIRE, DEFAULT_DESCRIPTION]
    + [question["text"] for question in DEFAULT_QUESTIONS]
    + [option for question in DEFAULT_QUESTIONS for option in question["options"]]
)


def shown_text(text):
    """A questionnaire text in the interface language when it is one of the built-in defaults; anything
    people wrote is shown as written."""
    return gettext(text) if isinstance(text, str) and text in BUILTIN_TEXTS else text


def revisit_windows() -> dict[str, int]:
    """Admin windows (settings) in the units rules.revisit_triggers expects."""
    windows = dict(get_setting("revisit_windows"))
    if "inactive_months" in windows:
        windows["inactive"] = windows.pop("inactive_months")
    return windows


# --- questionnaires --------------------------------------------------------------------------

def default_questionnaire() -> Questionnaire:
    """The default 回访问卷, created with its first version on first use."""
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.is_default.is_(True)))
    if questionnaire is None:
        questionnaire = Questionnaire(name=DEFAULT_QUESTIONNAIRE, is_default=True, description=DEFAULT_DESCRIPTION)
        db.session.add(questionnaire)
        questionnaire.publish([dict(q) for q in DEFAULT_QUESTIONS], by=None)
        db.session.flush()
    return questionnaire


def questionnaire_for(task: RevisitTask, shown_id: int | None = None) -> QuestionnaireVersion:
    """The version a new record on this task answers: the plan's questionnaire, else the default.

    When the form names the version it showed (and it belongs to that questionnaire), answers are
    checked against that one, so a questionnaire edited meanwhile cannot reject or relabel them."""
    questionnaire = task.plan.questionnaire if task.plan and task.plan.questionnaire else None
    questionnaire = questionnaire or default_questionnaire()
    if shown_id is not None:
        shown = db.session.get(QuestionnaireVersion, shown_id)
        if shown is not None and shown.questionnaire_id == questionnaire.id:
            return shown
    return questionnaire.current_version


def satisfaction_from(questions: list[dict], answers: dict) -> int | None:
    """The overall satisfaction is the answer to the first score question."""
    for question in questions:
        if question["type"] == "score" and answers.get(question["key"]) not in (None, ""):
            return int(answers[question["key"]])
    return None


# --- tasks -----------------------------------------------------------------------------------

def least_busy_revisitor() -> User | None:
    """The active service user with the fewest open tasks (ties: lowest id), in one query."""
    open_count = (
        select(func.count(RevisitTask.id))
        .where(RevisitTask.assignee_id == User.id, RevisitTask.status == TASK_OPEN)
        .scalar_subquery()
    )
    return db.session.scalar(
        select(User).where(User.role == "service", User.is_active_user.is_(True)).order_by(open_count, User.id).limit(1)
    )


def ensure_task(*, customer: Customer, trigger: str, unique_key: str, due_on: date, source_ref: str = "",
                method: str = "电话", assignee: User | None = None, plan: RevisitPlan | None = None) -> RevisitTask | None:
    """Create the task unless its unique key exists or the customer already holds an open task for the
    same purpose; None when nothing was created (idempotent; the open task stands for this one).

    The checks answer the common case; the unique constraints, inside a savepoint, answer two
    generators racing for the same key or purpose without failing the caller's transaction."""
    purpose = task_purpose(trigger, plan.segment if plan else None)
    if task_key_taken(unique_key) or open_task_for(customer.id, purpose) is not None:
        return None
    chosen = assignee if assignee is not None else least_busy_revisitor()
    task = RevisitTask(customer_id=customer.id, trigger=trigger, purpose=purpose, unique_key=unique_key, due_on=due_on,
                       source_ref=source_ref, method=method, plan_id=plan.id if plan else None,
                       assignee_id=chosen.id if chosen else None)
    try:
        with db.session.begin_nested():
            db.session.add(task)
            db.session.flush()
    except IntegrityError:
        return None
    return task


def open_task_for(customer_id: int, purpose: str) -> RevisitTask | None:
    """The customer's open task for this purpose, if any (at most one: DESIGN.md "Revisit triggers")."""
    return db.session.scalar(select(RevisitTask).where(
        RevisitTask.customer_id == customer_id, RevisitTask.purpose == purpose, RevisitTask.status == TASK_OPEN))


def task_key_taken(unique_key: str) -> bool:
    return db.session.scalar(select(RevisitTask.id).where(RevisitTask.unique_key == unique_key)) is not None


def trigger_task(customer: Customer, trigger: str, event_on: date, unique_key: str, source_ref: str = "",
                 assignee: User | None = None) -> RevisitTask | None:
    """One task for one business event, due by the trigger's working-day window.

    A backdated event (an imported registration, a deal entered weeks after signing) counts from the
    day the portal learns of it, so a new task is never born overdue."""
    rule_trigger = "event" if trigger in {"dormant", "ticket_closed"} else trigger
    event_on = max(event_on, clock.today())
    due_on = trigger_due_on(rule_trigger, event_on, work_calendar(), revisit_windows())
    return ensure_task(customer=customer, trigger=trigger, unique_key=unique_key, due_on=due_on,
                       source_ref=source_ref, assignee=assignee)


# How far back `revisits generate` looks for registrations that never got their first revisit.
REGISTRATION_SWEEP_MONTHS = 1


def registration_revisit_due(customer: Customer) -> bool:
    """Whether this customer's registration starts a first revisit (DESIGN.md "Revisit triggers")."""
    return gets_registration_revisit(customer.is_member, customer.registered_on,
                                     bool(get_setting("revisit_members_on_registration")))


def generate_registration_tasks(today: date) -> int:
    """The registration trigger as a sweep, for registrations no event announced (older imports, data
    fixed by hand): customers registered in the last month without a registration task. Older
    registrations are the periodic trigger's business. Idempotent (one registration key per customer)."""
    since = add_months(today, -REGISTRATION_SWEEP_MONTHS)
    query = select(Customer).where(
        Customer.registered_on.is_not(None), Customer.registered_on >= since, Customer.registered_on <= today,
        Customer.archived_at.is_(None), Customer.merged_into_id.is_(None),
        ~select(RevisitTask.id).where(RevisitTask.customer_id == Customer.id,
                                      RevisitTask.trigger == "registration").exists(),
    )
    if not get_setting("revisit_members_on_registration"):
        query = query.where(Customer.is_member.is_(False))
    created = 0
    for customer in db.session.scalars(query.order_by(Customer.id)):
        if trigger_task(customer, "registration", customer.registered_on, unique_key=f"registration:{customer.id}",
                        source_ref=customer.code or ""):
            created += 1
    return created


def last_revisit_dates() -> dict[int, date]:
    """Each customer's last completed revisit date, in one grouped query."""
    rows = db.session.execute(
        select(RevisitRecord.customer_id, func.max(RevisitRecord.revisited_at))
        .where(RevisitRecord.outcome == "完成").group_by(RevisitRecord.customer_id)
    )
    return {customer_id: (at.date() if isinstance(at, datetime) else at) for customer_id, at in rows}


def generate_periodic_tasks(today: date, lookahead_days: int = 7) -> int:
    """The time-based trigger: every customer is revisited every N months (重点/战略 twice as often),
    counted from the last completed revisit or registration; creates tasks due within the lookahead.
    Running it twice creates nothing twice (unique key per customer and due date)."""
    months = revisit_windows().get("inactive", 3)
    last = last_revisit_dates()
    existing = set(db.session.scalars(select(RevisitTask.unique_key).where(RevisitTask.trigger == "inactive")))
    # A customer who already has an open revisit task is not called twice.
    busy = set(db.session.scalars(select(RevisitTask.customer_id).where(RevisitTask.status == TASK_OPEN)))
    customers = db.session.scalars(
        select(Customer).where(Customer.archived_at.is_(None), Customer.merged_into_id.is_(None),
                               Customer.stage != "流失").order_by(Customer.id)
    )
    created = 0
    for customer in customers:
        start = customer.registered_on or customer.created_at.date()
        due_on = inactive_revisit_due_on(last.get(customer.id), start, customer.tier, months)
        key = f"inactive:{customer.id}:{due_on.isoformat()}"
        if due_on > today + timedelta(days=lookahead_days) or key in existing or customer.id in busy:
            continue
        if ensure_task(customer=customer, trigger="inactive", unique_key=key, due_on=max(due_on, today)):
            created += 1
    return created


def plan_customers(plan: RevisitPlan, user: User):
    """The plan's target segment within the planner's customer scope."""
    query = visible_customers(user).where(Customer.archived_at.is_(None), Customer.merged_into_id.is_(None))
    since = add_months(plan.starts_on, -3)
    if plan.segment == "registration":
        query = query.where(Customer.registered_on >= since, Customer.registered_on <= plan.starts_on)
    elif plan.segment == "deal":
        query = query.where(Customer.stage == "成交")
    elif plan.segment == "inactive":
        cutoff = datetime.combine(plan.starts_on - timedelta(days=int(get_setting("dormant_days"))), datetime.min.time())
        query = query.where(or_(Customer.stage == "沉睡", Customer.last_contacted_at.is_(None),
                                Customer.last_contacted_at < cutoff))
    elif plan.segment == "event":
        recent = select(RevisitTask.customer_id).where(
            RevisitTask.trigger.in_(("event", "ticket_closed")), RevisitTask.created_at >= since)
        query = query.where(Customer.id.in_(recent))
    else:
        codes = [line.strip().upper() for line in plan.customer_codes.splitlines() if line.strip()]
        query = query.where(Customer.code.in_(codes))
    return db.session.scalars(query.order_by(Customer.id))


def plan_due_on(plan: RevisitPlan, customer: Customer, calendar) -> date:
    """Due by the plan's window in working days; 重点/战略 customers within half the window."""
    window = plan.window_workdays
    if customer.tier in PRIORITY_TIERS:
        window = max(1, window // 2)
    return calendar.add_workdays(plan.starts_on, window)


def generate_plan_tasks(plan: RevisitPlan, user: User) -> tuple[int, int]:
    """One task per target customer, assignees in turn; re-running adds only newly matching customers.

    A customer who already holds an open task for the plan's purpose gets no second one: that task is
    linked to the plan (taken into it when no other plan owns it). Returns (created, linked)."""
    calendar = work_calendar()
    assignees = list(plan.assignees)
    purpose = task_purpose("plan", plan.segment)
    existing = set(db.session.scalars(select(RevisitTask.customer_id).where(RevisitTask.plan_id == plan.id)))
    created = linked = 0
    for customer in plan_customers(plan, user):
        if customer.id in existing:
            continue
        open_task = open_task_for(customer.id, purpose)
        if open_task is not None:
            if open_task.plan_id is None:
                open_task.plan_id = plan.id
            linked += 1
            continue
        assignee = assignees[(len(existing) + created) % len(assignees)] if assignees else None
        task = ensure_task(customer=customer, trigger="plan", unique_key=f"plan:{plan.id}:{customer.id}",
                           due_on=plan_due_on(plan, customer, calendar), method=plan.method, plan=plan,
                           assignee=assignee, source_ref=plan.name[:64])
        created += 1 if task else 0
    plan.tasks_generated_at = clock.now()
    return created, linked


# --- doing a revisit ---------------------------------------------------------------------------

def record_revisit(task: RevisitTask, *, by: User, outcome: str, version: QuestionnaireVersion, answers: dict,
                   contact_person: str = "", notes: str = "", issues_raised: str = "", issue_category: str = "",
                   open_ticket: bool = False) -> RevisitRecord:
    """Store one attempt; the task moves on (未接通 reschedules to the next working day); an issue
    raised on a completed revisit can open a 回访问题 ticket linked both ways."""
    now = clock.now()
    completed = outcome == "完成"
    record = RevisitRecord(
        task=task, customer_id=task.customer_id, staff_id=by.id, method=task.method, outcome=outcome,
        revisited_at=now, contact_person=contact_person, notes=notes,
        questionnaire_version=version if completed else None,
        answers=answers if completed else {},
        satisfaction=satisfaction_from(version.questions, answers) if completed else None,
        issues_raised=issues_raised if completed else "",
        issue_category=issue_category if completed and issues_raised else "",
    )
    db.session.add(record)
    task.record_outcome(outcome, now, work_calendar().add_workdays(now.date(), 1))
    db.session.flush()
    if completed and issues_raised and open_ticket:
        record.ticket_id = open_issue_ticket(record, by).id
    events.customer_activity.send(task.customer, kind="回访", by=by, at=now)
    return record


def open_issue_ticket(record: RevisitRecord, by: User):
    """A 回访问题 ticket for the problem raised in this revisit."""
    from portal.tickets.services import create_ticket

    category = record.issue_category if record.issue_category in ISSUE_CATEGORIES else "其他"
    return create_ticket(customer=record.customer, kind="回访问题", category=category, severity="一般",
                         description=record.issues_raised, by=by, received_at=record.revisited_at,
                         channel="回访", complainant=record.contact_person)


# --- spot-checks -------------------------------------------------------------------------------

def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, datetime.min.time()), datetime.combine(end + timedelta(days=1), datetime.min.time())


def checkable_records(supervisor: User, start: date, end: date) -> dict[int, list[int]]:
    """Completed revisit records of the supervisor's staff in the period, by staff member."""
    low, high = period_bounds(start, end)
    rows = db.session.execute(
        visible_revisit_records(supervisor)
        .with_only_columns(RevisitRecord.staff_id, RevisitRecord.id)
        .where(RevisitRecord.outcome == "完成", RevisitRecord.revisited_at >= low, RevisitRecord.revisited_at < high,
               RevisitRecord.staff_id != supervisor.id)
    )
    by_staff: dict[int, list[int]] = {}
    for staff_id, record_id in rows:
        by_staff.setdefault(staff_id, []).append(record_id)
    return by_staff


def already_checked(start: date, end: date, seed: int | None = None) -> set[int]:
    """Records with a spot-check in an overlapping period: never drawn twice for the same period.
    The sample of (`seed`, this exact period) itself is not excluded, so re-running it reproduces it."""
    query = select(SpotCheck.record_id).where(SpotCheck.period_start <= end, SpotCheck.period_end >= start)
    if seed is not None:
        query = query.where(~((SpotCheck.sample_seed == seed) & (SpotCheck.period_start == start)
                              & (SpotCheck.period_end == end)))
    return set(db.session.scalars(query))


def existing_sample_seed(supervisor: User, start: date, end: date) -> int | None:
    """The seed of the sample already drawn for exactly this period in the supervisor's scope, if any:
    a repeated draw shows that one instead of adding a second (20 % must not become 40 %)."""
    return db.session.scalar(
        visible_spot_checks(supervisor).with_only_columns(SpotCheck.sample_seed)
        .where(SpotCheck.period_start == start, SpotCheck.period_end == end).order_by(SpotCheck.id).limit(1))


def preview_sample(supervisor: User, start: date, end: date, seed: int, *, percent=None, count=None) -> dict[int, list[int]]:
    """The draw the seed gives now (nothing stored): same seed, parameters and data, same records."""
    return draw_sample(checkable_records(supervisor, start, end), seed, percent=percent, count=count,
                       exclude=already_checked(start, end, seed))


def sample_records(sample: dict[int, list[int]]) -> list[RevisitRecord]:
    """The drawn records for the preview, by staff member and date, in one query."""
    ids = [record_id for record_ids in sample.values() for record_id in record_ids]
    if not ids:
        return []
    return list(db.session.scalars(
        select(RevisitRecord).where(RevisitRecord.id.in_(ids))
        .options(selectinload(RevisitRecord.customer), selectinload(RevisitRecord.staff))
        .order_by(RevisitRecord.staff_id, RevisitRecord.revisited_at, RevisitRecord.id)))


def sample_fingerprint(sample: dict[int, list[int]]) -> str:
    """The previewed sample as text, so saving can prove it stores what was shown."""
    return ",".join(str(record_id) for record_id in sorted(i for ids in sample.values() for i in ids))


def draw_spot_checks(supervisor: User, start: date, end: date, seed: int, *, percent=None, count=None) -> list[SpotCheck]:
    """Store the drawn records as pending spot-checks carrying the seed and period."""
    sample = preview_sample(supervisor, start, end, seed, percent=percent, count=count)
    return store_sample(supervisor, start, end, seed, sample)


def store_sample(supervisor: User, start: date, end: date, seed: int, sample: dict[int, list[int]]) -> list[SpotCheck]:
    checks = [
        SpotCheck(record_id=record_id, staff_id=staff_id, supervisor_id=supervisor.id, sample_seed=seed,
                  period_start=start, period_end=end, result=SPOT_CHECK_PENDING)
        for staff_id, record_ids in sample.items() for record_id in record_ids
    ]
    db.session.add_all(checks)
    db.session.flush()
    return checks
