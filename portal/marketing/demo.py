"""Demo marketing activities: one finished fair with attendees, a walk-in lead and costs, one running
salon, one planned launch, one cancelled promotion; two competitors linked to customers."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models.customers import Customer
from portal.models.marketing import Activity, ActivityExpense, ActivityParticipant, Competitor


def seed(rng, users, customers: int = 60) -> None:
    today = clock.today()
    owner = users["chenjing"]
    pool = list(db.session.scalars(select(Customer).where(Customer.archived_at.is_(None)).order_by(Customer.id)))
    if not pool:
        return
    plans = (
        ("2026 秋季工业展（上海）", "展会", -40, -38, "华东", "80000", "已结束"),
        ("重点客户沙龙", "客户沙龙", -1, 1, "华南", "15000", "进行中"),
        ("新一代产品发布会", "新品发布会", 20, 20, "华北", "120000", "计划中"),
        ("双十一线上促销", "促销活动", -20, -18, "全国", "30000", "已取消"),
    )
    activities = []
    for theme, kind, start, end, region, budget, status in plans:
        activity = Activity(theme=theme, kind=kind, starts_on=today + timedelta(days=start),
                            ends_on=today + timedelta(days=end), region=region, owner_id=owner.id,
                            budget=Decimal(budget), status=status, created_by_id=owner.id,
                            cancel_reason="平台规则调整" if status == "已取消" else "")
        db.session.add(activity)
        activities.append(activity)
    db.session.flush()
    fair, salon = activities[0], activities[1]
    for index, customer in enumerate(rng.sample(pool, min(12, len(pool)))):
        status = ("已到场", "已报名", "已邀请")[index % 3]
        db.session.add(ActivityParticipant(activity_id=fair.id, customer_id=customer.id, status=status,
                                           invited_by_id=owner.id))
    for customer in rng.sample(pool, min(6, len(pool))):
        db.session.add(ActivityParticipant(activity_id=salon.id, customer_id=customer.id, status="已报名",
                                           invited_by_id=owner.id))
    for category, amount in (("场地", "42000.00"), ("宣传", "18500.00"), ("差旅", "9600.00"), ("住宿", "7200.00")):
        db.session.add(ActivityExpense(activity_id=fair.id, category=category, amount=Decimal(amount),
                                       spent_on=fair.starts_on, recorded_by_id=owner.id))
    db.session.add(ActivityExpense(activity_id=salon.id, category="场地", amount=Decimal("6000.00"),
                                   spent_on=salon.starts_on, recorded_by_id=owner.id))
    rivals = (Competitor(name="远大软件", products="CRM 标准版、呼叫中心", strengths="价格低，实施快",
                         prices_seen="每用户每年 300 元（2026-10 报价）"),
              Competitor(name="恒信数科", products="行业版客户管理系统", strengths="制造业案例多",
                         prices_seen="项目制，约 25 万起"))
    for rival in rivals:
        rival.customers = rng.sample(pool, min(3, len(pool)))
        db.session.add(rival)
    db.session.flush()
