"""Demo revisits over the year before the seed date: the default questionnaire, every triggered task
(registration, deal, dormancy) and the periodic ones done around their due dates, a campaign plan
for the current quarter, and monthly spot-checks. Adds, never commits.

Tasks come from the revisits area's own generators and are recorded through record_revisit, then
moved back to the day they happened; what would still be ahead of the seed date stays open.
"""
from calendar import monthrange
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal import clock
from portal.calendar import work_calendar
from portal.customers.demo import moment_between, quarter_start
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer, StageChange
from portal.models.sales import Order
from portal.models.revisits import SPOT_CHECK_RESULTS, RevisitPlan, RevisitTask, SpotCheck
from portal.revisits.services import (
    default_questionnaire,
    draw_spot_checks,
    ensure_task,
    generate_periodic_tasks,
    generate_plan_tasks,
    preview_sample,
    record_revisit,
    revisit_windows,
)
from portal.rules.revisit_triggers import PRIORITY_TIERS, inactive_revisit_due_on, trigger_due_on

SUGGESTIONS = ("希望增加线上培训", "报表导出速度可以再快一些", "希望提供季度使用报告", "", "", "")
COMPETITOR_VIEWS = ("在对比另一家厂商，价格更低但服务一般", "没有接触其他厂商", "", "")
ISSUES = (("发票寄错地址，需要重开", "服务"), ("系统偶尔登录缓慢", "产品"), ("希望增加移动端审批", "需求"),
          ("上次上门安装迟到一小时", "服务"))
CONTACTS = ("王经理", "李总", "张主管", "刘女士", "陈先生", "赵经理")
FINDINGS = {
    "不完整": ("未记录客户提到的交付问题", "补录问题并在下次回访时确认处理结果"),
    "流程不符": ("未按问卷顺序核对客户基本信息", "按问卷逐项回访，先核对基本信息"),
    "不真实": ("复核电话中客户表示当天未接到回访", "说明情况并重新回访该客户"),
    "态度问题": ("客户反映回访时语气生硬", "参加服务礼仪复训"),
}


def answers_for(rng, score: int) -> dict:
    use = "经常使用" if score >= 4 else rng.choice(("偶尔使用", "很少使用"))
    problems = ["没有问题"] if score >= 4 else rng.sample(["产品质量", "交付时效", "售后响应", "价格"], 2)
    return {"q1": rng.choice(("无变化", "无变化", "有变化（已在备注中说明）")), "q2": use, "q3": problems, "q4": score,
            "q5": rng.choice(SUGGESTIONS), "q6": rng.choice(COMPETITOR_VIEWS)}


def on_day(rng, day: date) -> datetime:
    return datetime.combine(day, time(rng.randrange(9, 17), rng.choice((0, 10, 20, 30, 40, 50))))


def attempt(rng, task: RevisitTask, staff: User, at: datetime, version, outcome: str):
    """One revisit attempt through record_revisit, moved back to `at`."""
    score = rng.choices((5, 4, 3, 2), weights=(5, 4, 2, 1))[0]
    issue, category = rng.choice(ISSUES) if outcome == "完成" and rng.random() < 0.2 else ("", "")
    record = record_revisit(task, by=staff, outcome=outcome, version=version, answers=answers_for(rng, score),
                            contact_person=rng.choice(CONTACTS), issues_raised=issue, issue_category=category)
    record.revisited_at = record.created_at = record.updated_at = at
    if not task.is_open:
        task.completed_at = at
    return record


def carry_out(rng, task: RevisitTask, staff: User, version, now: datetime, calendar, not_before: datetime) -> date | None:
    """Revisit the task around its due date (a few late, some calls unanswered and retried the next
    working day); attempts that would lie after `now` are left to do. Returns the day it was done."""
    due = task.due_on
    if 0 <= (now.date() - due).days <= 6 and rng.random() < 0.3:
        return None  # fell due in the last few days and not done yet: the overdue list has something
    if rng.random() < 0.1:
        day = calendar.add_workdays(due, rng.randrange(1, 4))
    else:
        earliest = max(not_before.date(), due - timedelta(days=rng.randrange(0, 4)))
        day = earliest + timedelta(days=rng.randrange(0, max((due - earliest).days, 0) + 1))
    at = max(on_day(rng, day), not_before + timedelta(hours=1))
    while at < now - timedelta(minutes=30) and task.is_open:
        roll = rng.random()
        outcome = "未接通" if roll < 0.14 else "拒访" if roll < 0.17 else "完成"
        attempt(rng, task, staff, at, version, outcome)
        if task.is_open:
            task.due_on = calendar.add_workdays(at.date(), 1)
            at = on_day(rng, task.due_on)
    if task.status == "已完成":
        return task.completed_at.date()
    return None


def seed(rng, users: dict, customers: int = 60) -> None:
    """A year of revisits by the service desk (technical ones by tech support, key accounts by the
    sales supervisor), a current-quarter plan by marketing, and monthly spot-checks."""
    service, supervisor, marketing = users.get("wangfang"), users.get("sunli"), users.get("chenjing")
    sales_lead, tech, admin = users.get("zhaomin"), users.get("liuyang"), users.get("admin")
    if service is None:
        return
    version = default_questionnaire().current_version
    now, today = clock.now(), clock.today()
    calendar, windows = work_calendar(), revisit_windows()
    months = windows.get("inactive", 3)
    sales_ids = {user.id for user in users.values() if user.role == "sales"}
    stage_changes: dict[int, list[StageChange]] = {}
    for change in db.session.scalars(select(StageChange).order_by(StageChange.changed_at, StageChange.id)):
        stage_changes.setdefault(change.customer_id, []).append(change)
    deal_days = dict(db.session.execute(select(Order.id, Order.signed_on)).all())
    triggered: dict[int, list[RevisitTask]] = {}
    for task in db.session.scalars(select(RevisitTask).where(RevisitTask.status == "待回访").order_by(RevisitTask.id)):
        # The triggers count from the day the portal learns of an event; here it happened back then.
        if task.trigger == "registration" and task.customer.registered_on:
            event_on = task.customer.registered_on
        elif task.trigger == "deal" and task.unique_key.startswith("deal:"):
            event_on = deal_days.get(int(task.unique_key.split(":")[1]), today)
            if tech is not None and rng.random() < 0.3:
                task.assignee_id, task.method = tech.id, "实地"  # 技术回访 after implementation
        else:
            continue
        task.due_on = trigger_due_on(task.trigger, event_on, calendar, windows)
        task.created_at = datetime.combine(event_on, time(18, 30))
        triggered.setdefault(task.customer_id, []).append(task)
    for customer in db.session.scalars(select(Customer).order_by(Customer.id)).all():
        history = stage_changes.get(customer.id, [])
        lost = next((c.changed_at for c in history if c.to_stage == "流失"), None)
        tasks = list(triggered.get(customer.id, []))
        for change in history:
            if change.to_stage == "沉睡":
                day = change.changed_at.date()
                task = ensure_task(customer=customer, trigger="dormant", unique_key=f"dormant:{customer.id}:{day}",
                                   due_on=trigger_due_on("event", day, calendar, windows), assignee=service)
                if task is not None:
                    task.created_at = change.changed_at
                    tasks.append(task)
        key_account = customer.owner_id in sales_ids and sales_lead is not None and (
            customer.tier == "战略" or (customer.tier in PRIORITY_TIERS and customer.id % 5 < 2))
        start = customer.registered_on or customer.created_at.date()
        last_done = None
        tasks.sort(key=lambda t: t.due_on)
        while True:
            periodic = inactive_revisit_due_on(last_done, start, customer.tier, months)
            if lost is not None and periodic >= lost.date():
                periodic = None
            if tasks and (periodic is None or tasks[0].due_on <= periodic):
                task = tasks.pop(0)
            elif periodic is not None and periodic <= today:
                staff = sales_lead if key_account else service
                task = ensure_task(customer=customer, trigger="inactive", unique_key=f"inactive:{customer.id}:{periodic}",
                                   due_on=periodic, assignee=staff, method="实地" if key_account else "电话")
                if task is None:
                    break
                task.created_at = datetime.combine(periodic - timedelta(days=7), time(2, 0))
            else:
                break
            staff = db.session.get(User, task.assignee_id) if task.assignee_id else service
            done_on = carry_out(rng, task, staff, version, now, calendar, task.created_at)
            if task.is_open:
                break  # still to do: no periodic task while one is open (the generator's rule)
            # A refusal or three unanswered calls also restart the three-month clock of this chain.
            last_done = done_on or task.completed_at.date()
    if marketing is not None:
        plan_current_quarter(rng, marketing, [user for user in (service, sales_lead) if user], version, now, calendar)
    generate_periodic_tasks(today)
    db.session.flush()
    seed_spot_checks(rng, supervisor, admin, [user for user in (sales_lead, tech) if user], now)


def plan_current_quarter(rng, marketing: User, assignees: list[User], version, now: datetime, calendar) -> None:
    """Marketing's campaign for this quarter's 成交 customers, worked through since it started."""
    first = quarter_start(now.date())
    opened = datetime.combine(first, time(9))
    created_at = min(moment_between(rng, opened, min(opened + timedelta(days=3), now - timedelta(hours=2))),
                     now - timedelta(minutes=5))
    number = (first.month - 1) // 3 + 1
    plan = RevisitPlan(name=f"{first.year}年第{number}季度成交客户回访", segment="deal", method="电话",
                       starts_on=created_at.date(), window_workdays=7, questionnaire=default_questionnaire(),
                       created_by=marketing, assignees=assignees, created_at=created_at)
    db.session.add(plan)
    db.session.flush()
    generate_plan_tasks(plan, marketing)
    plan.tasks_generated_at = created_at
    for task in db.session.scalars(select(RevisitTask).where(RevisitTask.plan_id == plan.id).order_by(RevisitTask.id)):
        task.created_at = created_at
        staff = db.session.get(User, task.assignee_id) if task.assignee_id else assignees[0]
        carry_out(rng, task, staff, version, now, calendar, created_at)


def seed_spot_checks(rng, supervisor: User | None, admin: User | None, others: list[User], now: datetime) -> None:
    """Each month's draw: the service supervisor checks two records of her staff; the administrator
    one each of the sales supervisor's and tech support's; findings acknowledged the next day."""
    month = date(now.year - 1, now.month, 1)
    other_ids = {user.id for user in others}
    while month <= now.date():
        last_day = month.replace(day=monthrange(month.year, month.month)[1])
        checked_at = min(on_day(rng, last_day + timedelta(days=rng.randrange(2, 7))), now - timedelta(hours=1))
        if last_day >= now.date():
            checked_at = now - timedelta(hours=rng.randrange(1, 5))  # the current month: checked so far
        checks = []
        if supervisor is not None:
            checks += draw_spot_checks(supervisor, month, last_day, rng.randrange(10**6, 10**8), count=2)
        if admin is not None and other_ids:
            draw_seed = rng.randrange(10**6, 10**8)
            for staff_id, record_ids in preview_sample(admin, month, last_day, draw_seed, count=1).items():
                if staff_id in other_ids:
                    for record_id in record_ids:
                        check = SpotCheck(record_id=record_id, staff_id=staff_id, supervisor_id=admin.id,
                                          sample_seed=draw_seed, period_start=month, period_end=last_day)
                        db.session.add(check)
                        checks.append(check)
        for check in checks:
            result = "合格" if rng.random() < 0.85 else rng.choice(SPOT_CHECK_RESULTS[1:])
            comment, action = FINDINGS.get(result, ("记录完整，客户确认已回访", ""))
            check.mark(result, comment, action, checked_at)
            check.created_at = checked_at - timedelta(minutes=rng.randrange(20, 90))
            acknowledged = checked_at + timedelta(hours=rng.randrange(2, 30))
            if acknowledged < now:
                check.acknowledge(acknowledged)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    db.session.flush()
