"""Demo follow-ups and deals for the demo customers: a few contacts each, some 补录, deals for
customers in 成交. Customer rows get their last contact and next due date as real writes would."""
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.calendar import work_calendar
from portal.extensions import db
from portal.followups.services import compute_next_due
from portal.models.customers import Customer
from portal.models.followups import FOLLOWUP_METHODS, Deal, FollowUp
from portal.settings_store import get_setting

TALKS = (
    ("介绍产品功能，客户关注数据安全和私有化部署", "同意安排技术交流", "发送技术方案"),
    ("电话确认采购预算与决策流程，预算在审批中", "等待预算批复", "跟进预算审批结果"),
    ("上门演示客户档案与回访模块，IT主管提出对接现有OA", "需要评估接口工作量", "提供接口文档"),
    ("商务报价沟通，客户希望年付享受折扣", "报价已发出", "确认折扣方案"),
    ("回访使用情况，客户反馈报表导出速度慢", "已记录问题并转技术支持", "两周后回访确认"),
    ("参加客户年度供应商会议，介绍新版本规划", "客户有扩容意向", "准备扩容报价"),
    ("微信在线沟通合同条款，法务提出修改意见", "条款修改中", "发送修订版合同"),
)
PRODUCTS = ("客户跟踪管理系统 标准版（年度订阅）", "客户跟踪管理系统 专业版（年度订阅）", "实施与培训服务",
            "数据迁移服务", "年度运维服务", "回访外呼模块")


def seed(rng, users: dict, customers: int = 60) -> None:
    """2–5 follow-ups for most demo customers by their owner (or a service colleague), deals for 成交 ones."""
    now = clock.now()
    calendar = work_calendar()
    cadence_days = get_setting("cadence_days")
    service = users.get("wangfang")
    for customer in db.session.scalars(select(Customer).order_by(Customer.id)):
        author = customer.owner or service
        if author is None or rng.random() < 0.1:
            continue
        latest = customer.last_contacted_at or now - timedelta(days=rng.randrange(1, 60))
        latest = min(latest, now - timedelta(minutes=40))
        contact_times = sorted(latest - timedelta(days=rng.randrange(7, 25) * n, hours=rng.randrange(0, 4))
                               for n in range(rng.randrange(2, 6)))
        last_followup = None
        for contacted_at in contact_times:
            talk, result, action = rng.choice(TALKS)
            late = rng.random() < 0.15
            recorded_at = contacted_at + timedelta(minutes=rng.randrange(35, 600) if late else rng.randrange(2, 30))
            next_on = (contacted_at + timedelta(days=rng.randrange(3, 20))).date() if rng.random() < 0.7 else None
            last_followup = FollowUp(
                customer=customer, author=author, contacted_at=contacted_at, recorded_at=recorded_at, is_late=late,
                method=rng.choice(FOLLOWUP_METHODS), participants=rng.choice(("", "客户总经理", "采购经理、IT主管")),
                content=talk, result=result, next_action=action if next_on else "", next_action_on=next_on,
            )
            db.session.add(last_followup)
        customer.last_contacted_at = last_followup.contacted_at
        customer.next_due_on = compute_next_due(customer.grade, last_followup.contacted_at.date(),
                                                last_followup.next_action_on, calendar, cadence_days)
        if customer.stage == "成交":
            total = Decimal("0")
            for n in range(rng.choice((1, 1, 2))):
                amount = Decimal(rng.randrange(20, 600) * 500)
                db.session.add(Deal(customer=customer, owner=author, amount=amount,
                                    signed_on=(latest - timedelta(days=rng.randrange(10, 300))).date(),
                                    product=rng.choice(PRODUCTS),
                                    payment_status=rng.choice(("已付清", "已付清", "部分付款", "未付款"))))
                total += amount
            customer.total_deal_amount = total
