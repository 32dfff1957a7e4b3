"""Demo revisits: the default questionnaire, a plan, half a year of revisit records and spot-checks."""
from calendar import monthrange
from datetime import datetime, time, timedelta

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models.customers import Customer
from portal.models.revisits import METHODS, RevisitPlan, RevisitRecord, RevisitTask, SpotCheck
from portal.revisits.services import default_questionnaire, generate_periodic_tasks, generate_plan_tasks

SUGGESTIONS = ("希望增加线上培训", "报表导出速度可以再快一些", "希望提供季度使用报告", "", "", "")
COMPETITOR_VIEWS = ("在对比另一家厂商，价格更低但服务一般", "没有接触其他厂商", "", "")
ISSUES = (("发票寄错地址，需要重开", "服务"), ("系统偶尔登录缓慢", "产品"), ("希望增加移动端审批", "需求"),
          ("上次上门安装迟到一小时", "服务"))
CONTACTS = ("王经理", "李总", "张主管", "刘女士", "陈先生", "赵经理")


def answers_for(rng, score: int) -> dict:
    use = "经常使用" if score >= 4 else rng.choice(("偶尔使用", "很少使用"))
    problems = ["没有问题"] if score >= 4 else rng.sample(["产品质量", "交付时效", "售后响应", "价格"], 2)
    return {"q1": rng.choice(("无变化", "无变化", "有变化（已在备注中说明）")), "q2": use, "q3": problems, "q4": score,
            "q5": rng.choice(SUGGESTIONS), "q6": rng.choice(COMPETITOR_VIEWS)}


def seed(rng, users: dict, customers: int = 60) -> None:
    """Records by the service user over six months, a Q4 plan with open tasks, and reviewed spot-checks."""
    service, supervisor, marketing = users.get("wangfang"), users.get("sunli"), users.get("chenjing")
    if service is None:
        return
    questionnaire = default_questionnaire()
    version = questionnaire.current_version
    now = clock.now()
    all_customers = db.session.scalars(select(Customer).order_by(Customer.id)).all()
    records = []
    for index, customer in enumerate(all_customers):
        for months_ago in rng.sample(range(0, 6), rng.randrange(0, 3)):
            at = datetime.combine(now.date() - timedelta(days=30 * months_ago + rng.randrange(1, 28)),
                                  time(rng.randrange(9, 17), rng.choice((0, 15, 30, 45))))
            outcome = rng.choices(("完成", "未接通", "拒访"), weights=(8, 2, 1))[0]
            task = RevisitTask(customer=customer, trigger=rng.choice(("registration", "deal", "inactive", "ticket_closed")),
                               unique_key=f"demo:{customer.id}:{at.isoformat()}", method=rng.choice(METHODS[:3]),
                               due_on=at.date(), assignee=service, status={"完成": "已完成"}.get(outcome, outcome),
                               attempts=1, completed_at=at)
            score = rng.choices((5, 4, 3, 2), weights=(5, 4, 2, 1))[0] if outcome == "完成" else None
            issue, category = rng.choice(ISSUES) if outcome == "完成" and rng.random() < 0.2 else ("", "")
            record = RevisitRecord(task=task, customer_id=customer.id, staff_id=service.id, method=task.method,
                                   outcome=outcome, revisited_at=at, contact_person=rng.choice(CONTACTS),
                                   questionnaire_version=version if score else None,
                                   answers=answers_for(rng, score) if score else {}, satisfaction=score,
                                   issues_raised=issue, issue_category=category)
            db.session.add_all([task, record])
            records.append(record)
    for days_late, customer in zip((1, 3, 6), rng.sample(all_customers, min(3, len(all_customers)))):
        # A few event revisits that slipped, so the lists show what overdue looks like.
        db.session.add(RevisitTask(customer=customer, trigger="ticket_closed", unique_key=f"demo:late:{customer.id}",
                                   method="电话", due_on=now.date() - timedelta(days=days_late), assignee=service,
                                   attempts=1 if days_late == 6 else 0))
    if marketing is not None:
        plan = RevisitPlan(name="2026年第四季度成交客户回访", segment="deal", method="电话", starts_on=now.date(),
                           window_workdays=7, questionnaire=questionnaire, created_by=marketing, assignees=[service])
        db.session.add(plan)
        db.session.flush()
        generate_plan_tasks(plan, marketing)
    generate_periodic_tasks(now.date())
    db.session.flush()
    last_month = [r for r in records if r.outcome == "完成" and 20 <= (now - r.revisited_at).days <= 50]
    if supervisor is not None:
        for record in rng.sample(last_month, min(3, len(last_month))):
            result = rng.choice(("合格", "合格", "不完整"))
            db.session.add(SpotCheck(
                record_id=record.id, staff_id=service.id, supervisor_id=supervisor.id, sample_seed=20261124,
                period_start=record.revisited_at.date().replace(day=1),
                period_end=record.revisited_at.date().replace(
                    day=monthrange(record.revisited_at.year, record.revisited_at.month)[1]),
                result=result, checked_at=now - timedelta(days=1),
                comment="" if result == "合格" else "未记录客户提到的交付问题",
                corrective_action="" if result == "合格" else "补录问题并在下次回访时确认处理结果"))
