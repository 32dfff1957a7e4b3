"""Demo complaint tickets in every state, with realistic Chinese content. Adds, never commits."""
from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models.auth import Department
from portal.models.customers import Customer
from portal.tickets.services import create_ticket, resume_ticket

PROBLEMS = (
    ("投诉", "产品", "设备运行一周后频繁死机，重启后仍无法恢复正常", "产品缺陷", "主板批次存在虚焊", "更换主板并升级固件至 3.2.1"),
    ("投诉", "服务", "售后工程师预约上门两次均未按时到达", "服务不到位", "排班系统未同步工程师请假信息", "调整排班流程，安排主管致电致歉"),
    ("服务请求", "需求", "希望增加按部门导出报表的功能", "需求理解偏差", "实施时未确认报表口径", "提供定制导出模板"),
    ("回访问题", "服务", "回访中客户反映发票寄送延迟", "服务不到位", "财务寄件地址登记错误", "更正地址并加急补寄"),
    ("投诉", "产品", "打印模块出纸卡顿，影响日常出单", "操作不当", "客户使用了非标纸张", "现场指导并赠送标准纸张两箱"),
    ("投诉", "其他", "对合同续费价格调整有异议", "外部因素", "原材料价格上涨导致调价", "主管沟通后给予老客户折扣"),
    ("服务请求", "产品", "系统登录偶发超时，需要排查网络", "外部因素", "客户机房交换机老化", "协助客户更换交换机并复测"),
)
COMPLAINANTS = ("王经理", "李主任", "陈工", "刘总", "赵会计", "孙主管", "周工程师")
COMMENTS = ("处理及时，问题已解决", "工程师很专业", "基本满意，希望以后更快响应", "问题没有彻底解决", "态度不错")


def shift(ticket, received):
    """Move the timeline to plausible times after `received` (the methods stamp clock.now())."""
    for index, event in enumerate(ticket.events):
        event.at = received + timedelta(hours=index * 3, minutes=index * 7)
    if ticket.responded_at:
        ticket.responded_at = received + timedelta(hours=1, minutes=20)
    if ticket.dispatched_at:
        ticket.dispatched_at = received + timedelta(minutes=40)
    if ticket.confirmed_at:
        ticket.confirmed_at = received + timedelta(hours=1, minutes=20)
    if ticket.resolved_at:
        ticket.resolved_at = received + timedelta(hours=len(ticket.events) * 5)


def seed(rng, users: dict, customers: int = 60) -> None:
    """About one ticket per three customers: new, dispatched, in progress, waiting, resolved, closed, breached."""
    service, tech = users.get("wangfang"), users.get("liuyang")
    supervisor = users.get("sunli") or service
    pool = list(db.session.scalars(select(Customer).order_by(Customer.id)))
    tech_department = db.session.scalar(select(Department).where(Department.name == "技术部"))
    if not pool or service is None or tech is None or tech_department is None:
        return
    now = clock.now()
    for index in range(max(customers // 3, 8)):
        kind, category, description, cause_type, cause, solution = rng.choice(PROBLEMS)
        customer = pool[index % 5] if index % 4 == 0 else rng.choice(pool)  # some customers complain repeatedly
        day = now - timedelta(days=rng.randrange(1, 40))
        received = day.replace(hour=rng.randrange(8, 18), minute=rng.randrange(0, 60), second=0)  # office hours
        severity = rng.choices(("重大", "一般", "轻微"), weights=(2, 5, 3))[0]
        ticket = create_ticket(customer=customer, kind=kind, category=category, severity=severity, description=description,
                               by=service, received_at=received, channel=rng.choice(("电话", "回访", "微信", "邮件")),
                               complainant=rng.choice(COMPLAINANTS), contact=f"138{rng.randrange(10**7, 10**8)}")
        stage = index % 7
        if stage >= 1:
            ticket.dispatch(tech_department, tech if rng.random() > 0.2 else None, service)
        if stage >= 2:
            ticket.confirm(tech)
            ticket.start(tech)
        if stage == 3:
            ticket.pause(tech, "已请客户提供现场日志")
        if stage == 4:
            ticket.pause(tech, "等待客户确认测试结果")
            resume_ticket(ticket, tech, "客户已回传日志")
        if stage >= 5:
            ticket.resolve(tech, solution, cause_type, cause, "赠送一次免费巡检" if rng.random() > 0.6 else "")
        if stage == 6:
            ticket.record_closing_revisit(service if rng.random() > 0.3 else supervisor, rng.choice((3, 4, 4, 5, 5)),
                                          rng.choice(COMMENTS))
        if index % 5 == 0 and stage <= 2:
            ticket.log("SLA超时", None, "响应超时：期限已过，尚未确认")
            ticket.response_breached_at = ticket.respond_due_at
        if stage >= 1:
            ticket.log("评论", tech, "已电话联系客户，了解现场情况")
        shift(ticket, received)
    db.session.flush()
