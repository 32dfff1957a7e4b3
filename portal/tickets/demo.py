"""Demo tickets over the year before the seed date, with realistic Chinese content: the older ones
worked through to their closing revisit, this quarter's in every state (new, dispatched, in progress,
waiting for the customer, resolved, closed, a few past their SLA). Each transition goes through the
ticket's own state machine and is then moved back to when it happened. Adds, never commits."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from portal import clock
from portal.calendar import work_calendar
from portal.customers.demo import moment_between, quarter_start
from portal.extensions import db
from portal.models.auth import Department
from portal.models.customers import Customer, StageChange
from portal.models.revisits import RevisitTask
from portal.revisits.demo import carry_out
from portal.revisits.services import default_questionnaire, revisit_windows
from portal.rules.revisit_triggers import trigger_due_on
from portal.tickets.services import create_ticket, record_closing_revisit, resolve_deadline_for, resume_ticket

# (kind, category, description, root cause type, root cause, solution, handling department)
PROBLEMS = (
    ("投诉", "产品", "设备运行一周后频繁死机，重启后仍无法恢复正常", "产品缺陷", "主板批次存在虚焊", "更换主板并升级固件至 3.2.1", "技术部"),
    ("投诉", "服务", "售后工程师预约上门两次均未按时到达", "服务不到位", "排班系统未同步工程师请假信息", "调整排班流程，安排主管致电致歉", "客服部"),
    ("服务请求", "需求", "希望增加按部门导出报表的功能", "需求理解偏差", "实施时未确认报表口径", "提供定制导出模板", "技术部"),
    ("回访问题", "服务", "回访中客户反映发票寄送延迟", "服务不到位", "财务寄件地址登记错误", "更正地址并加急补寄", "客服部"),
    ("投诉", "产品", "打印模块出纸卡顿，影响日常出单", "操作不当", "客户使用了非标纸张", "现场指导并赠送标准纸张两箱", "技术部"),
    ("投诉", "其他", "对合同续费价格调整有异议", "外部因素", "原材料价格上涨导致调价", "主管沟通后给予老客户折扣", "销售部"),
    ("服务请求", "产品", "系统登录偶发超时，需要排查网络", "外部因素", "客户机房交换机老化", "协助客户更换交换机并复测", "技术部"),
    ("投诉", "服务", "销售承诺的免费培训课时未兑现", "服务不到位", "合同附件漏写培训条款", "补签附件并安排两次上门培训", "销售部"),
)
COMPLAINANTS = ("王经理", "李主任", "陈工", "刘总", "赵会计", "孙主管", "周工程师")
COMMENTS = ("处理及时，问题已解决", "工程师很专业", "基本满意，希望以后更快响应", "态度不错", "问题已解决，谢谢")
# This quarter's tickets from the newest back: what state each has reached by now.
RECENT_STATES = ("new", "dispatched", "in_progress", "waiting", "resumed", "resolved")


def stamp(ticket, since: int, at: datetime) -> None:
    """Timeline entries written since entry `since` happened at `at` (the methods stamp clock.now())."""
    for event in ticket.events[since:]:
        event.at = at


def step(ticket, at: datetime, action, *args) -> None:
    since = len(ticket.events)
    action(*args)
    stamp(ticket, since, at)


def handler_for(department_name: str, staff: dict, departments: dict):
    """The department and person taking a ticket: tech support, the service desk or the sales
    supervisor (tech support when that department or person is not in the demo)."""
    handler = {"技术部": staff["tech"], "客服部": staff["service"], "销售部": staff["sales_lead"]}.get(department_name)
    if handler is None or department_name not in departments:
        return departments["技术部"], staff["tech"]
    return departments[department_name], handler


def work_ticket(rng, ticket, state: str, problem, staff: dict, departments: dict, now: datetime, version, calendar, windows):
    """Take the ticket from intake to `state` at plausible moments after it was received."""
    kind, category, description, cause_type, cause, solution, department_name = problem
    department, handler = handler_for(department_name, staff, departments)
    received = ticket.received_at
    if state == "new":
        return
    dispatcher = staff["service"] if rng.random() < 0.7 else staff["supervisor"]
    dispatched = received + timedelta(minutes=rng.randrange(15, 90))
    step(ticket, dispatched, ticket.dispatch, department, handler, dispatcher)
    ticket.dispatched_at = dispatched
    if state == "dispatched":
        if ticket.respond_due_at < now:
            step(ticket, ticket.respond_due_at, ticket.log, "SLA超时", None, "响应超时：期限已过，尚未确认")
            ticket.response_breached_at = ticket.respond_due_at
        return
    slow = rng.random() < 0.1
    window = (ticket.respond_due_at - dispatched).total_seconds()
    confirmed = (ticket.respond_due_at + timedelta(hours=rng.randrange(1, 6)) if slow
                 else dispatched + timedelta(seconds=rng.uniform(0.05, 0.6) * max(window, 600)))
    confirmed = min(confirmed, now - timedelta(minutes=20))
    step(ticket, confirmed, ticket.confirm, handler)
    step(ticket, confirmed + timedelta(minutes=5), ticket.start, handler)
    ticket.confirmed_at = ticket.responded_at = confirmed
    if confirmed > ticket.respond_due_at:
        step(ticket, ticket.respond_due_at, ticket.log, "SLA超时", None, "响应超时：期限已过，尚未确认")
        ticket.response_breached_at = ticket.respond_due_at
    step(ticket, confirmed + timedelta(minutes=40), ticket.log, "评论", handler, "已电话联系客户，了解现场情况")
    if state in ("waiting", "resumed"):
        paused = min(confirmed + timedelta(hours=rng.randrange(2, 20)), now - timedelta(minutes=10))
        step(ticket, paused, ticket.pause, handler, "已请客户提供现场日志")
        ticket.paused_since = paused
        if state == "waiting":
            return
        resumed = min(paused + timedelta(hours=rng.randrange(3, 30)), now - timedelta(minutes=5))
        step(ticket, resumed, resume_ticket, ticket, handler, "客户已回传日志")
        ticket.resolve_due_at = resolve_deadline_for(ticket)
        return
    if state == "in_progress":
        return
    due = ticket.resolve_due_at
    late = rng.random() < 0.12
    resolved = (due + timedelta(hours=rng.randrange(2, 30)) if late
                else confirmed + (due - confirmed) * rng.uniform(0.15, 0.85))
    if resolved >= now - timedelta(minutes=30):
        return  # not solved yet: stays 处理中
    if late:
        step(ticket, due, ticket.log, "SLA超时", None, "解决超时：已超过解决时限")
        ticket.resolve_breached_at = due
    step(ticket, resolved, ticket.resolve, handler, solution, cause_type, cause,
         "赠送一次免费巡检" if rng.random() > 0.7 else "")
    ticket.resolved_at = resolved
    closing_by = staff["supervisor"] if handler is staff["service"] or rng.random() < 0.3 else staff["service"]
    closing_at = datetime.combine(calendar.add_workdays(resolved.date(), rng.randrange(1, 3)),
                                  time(rng.randrange(9, 17), rng.randrange(0, 60)))
    if state == "resolved" and rng.random() < 0.5 or closing_at >= now - timedelta(minutes=10):
        return  # the closing revisit is still to be made
    step(ticket, closing_at, record_closing_revisit, ticket, closing_by, rng.choice((3, 4, 4, 5, 5)), rng.choice(COMMENTS))
    ticket.closing_recorded_at = ticket.closed_at = closing_at
    follow_up_closed_ticket(rng, ticket, staff["service"], now, version, calendar, windows)


def follow_up_closed_ticket(rng, ticket, service, now, version, calendar, windows) -> None:
    """The event revisit ticket_closed triggered: due two working days after closing, done if that is past."""
    task = db.session.scalar(select(RevisitTask).where(RevisitTask.unique_key == f"ticket_closed:{ticket.id}"))
    if task is None:
        return
    task.due_on = trigger_due_on("event", ticket.closed_at.date(), calendar, windows)
    task.created_at = ticket.closed_at
    staff = service
    if ticket.assignee is not None and ticket.assignee.role == "tech" and rng.random() < 0.5:
        staff, task.assignee_id = ticket.assignee, ticket.assignee_id  # 技术回访 by whoever fixed it
    carry_out(rng, task, staff, version, now, calendar, ticket.closed_at)


def seed(rng, users: dict, customers: int = 60) -> None:
    """About one ticket per two customers over the year, a third of them this quarter."""
    service, tech = users.get("wangfang"), users.get("liuyang")
    staff = {"service": service, "tech": tech, "supervisor": users.get("sunli") or service,
             "sales_lead": users.get("zhaomin")}
    pool = list(db.session.scalars(select(Customer).order_by(Customer.created_at, Customer.id)))
    departments = {d.name: d for d in db.session.scalars(select(Department))}
    if not pool or service is None or tech is None or "技术部" not in departments:
        return
    now = clock.now()
    quarter = datetime.combine(quarter_start(now.date()), time())
    calendar, windows = work_calendar(), revisit_windows()
    version = default_questionnaire().current_version
    won_at = {}
    for change in db.session.scalars(select(StageChange).where(StageChange.to_stage == "成交").order_by(StageChange.changed_at)):
        won_at.setdefault(change.customer_id, change.changed_at)
    total = max(customers // 2, 8)
    recent = max(total // 3, len(RECENT_STATES) + 2)
    first_seen = pool[0].created_at + timedelta(days=1)
    moments = sorted(moment_between(rng, max(quarter, first_seen), now - timedelta(hours=1)) for _ in range(recent))
    # Complaints and service requests come from customers who bought something, so from the first deal on.
    older_from = max(now - timedelta(days=365), min(won_at.values(), default=first_seen) + timedelta(days=3))
    moments = sorted(moment_between(rng, older_from, max(quarter, older_from) - timedelta(hours=12))
                     for _ in range(total - recent)) + moments
    states = ["closed"] * (total - recent) + (["closed", "resolved"] * recent)[:recent]
    states[-len(RECENT_STATES):] = list(reversed(RECENT_STATES))
    sales_ticket_done = staff["sales_lead"] is None or "销售部" not in departments
    tech_ticket_done = False
    for index, (received, state) in enumerate(zip(moments, states)):
        received = received.replace(second=0)
        problem = rng.choice(PROBLEMS)
        if received >= quarter and state in ("closed", "resolved") and not (sales_ticket_done and tech_ticket_done):
            # This quarter has a price complaint for the sales supervisor and a fault for tech support.
            problem = PROBLEMS[5] if not sales_ticket_done else PROBLEMS[0]
            sales_ticket_done, tech_ticket_done = True, sales_ticket_done
        existing = [c for c in pool if c.created_at < received - timedelta(hours=4)] or pool[:1]
        customers_then = [c for c in existing if won_at.get(c.id) and won_at[c.id] < received] or existing
        # Some customers complain repeatedly.
        customer = customers_then[index % min(3, len(customers_then))] if index % 4 == 0 else rng.choice(customers_then)
        kind, category, description = problem[:3]
        severity = rng.choices(("重大", "一般", "轻微"), weights=(2, 5, 3))[0]
        ticket = create_ticket(customer=customer, kind=kind, category=category, severity=severity, description=description,
                               by=service, received_at=received, channel="回访" if kind == "回访问题" else
                               rng.choice(("电话", "微信", "邮件")), complainant=rng.choice(COMPLAINANTS),
                               contact=f"138{rng.randrange(10**7, 10**8)}")
        stamp(ticket, 0, received)
        ticket.created_at = received
        work_ticket(rng, ticket, state, problem, staff, departments, now, version, calendar, windows)
    db.session.flush()
