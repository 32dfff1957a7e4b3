"""Demo follow-ups and orders over the year before the seed date, and the stage history they cause.

Each customer gets a story from the day its owner took it on: regular contacts at its grade's pace
(most on time for the next action the previous one set, some late, some written up late as 补录), the
contact that turned it into 意向, the signed order that made it 成交 (through the sales service, so the stage
change and the after-sales revisit trigger happen as in the app), renewals, and for some a later
流失 or 90 days of silence and 沉睡. Pool files nobody touched for 90 days are 沉睡 too. The customer
row's last contact and next due date come from refresh_contact_dates. Adds, never commits."""
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.calendar import work_calendar
from portal.customers.demo import moment_between, next_office_moment, quarter_start, stamp_latest
from portal.extensions import db
from portal.followups.services import change_stage, refresh_contact_dates
from portal.models.customers import Customer, OwnerChange, StageChange
from portal.models.followups import FOLLOWUP_METHODS, FollowUp
from portal.settings_store import get_setting

TALKS = (
    ("介绍产品功能，客户关注数据安全和私有化部署", "同意安排技术交流", "发送技术方案"),
    ("电话确认采购预算与决策流程，预算在审批中", "等待预算批复", "跟进预算审批结果"),
    ("上门演示客户档案与回访模块，IT主管提出对接现有OA", "需要评估接口工作量", "提供接口文档"),
    ("商务报价沟通，客户希望年付享受折扣", "报价已发出", "确认折扣方案"),
    ("微信在线沟通合同条款，法务提出修改意见", "条款修改中", "发送修订版合同"),
)
CARE_TALKS = (
    ("回访使用情况，客户反馈报表导出速度慢", "已记录问题并转技术支持", "两周后回访确认"),
    ("参加客户年度供应商会议，介绍新版本规划", "客户有扩容意向", "准备扩容报价"),
    ("电话了解上线后使用情况，各部门已全部启用", "客户满意，愿意做案例分享", "约定下季度走访"),
    ("协助客户新员工开通账号并讲解回访流程", "培训完成", "一个月后确认使用情况"),
)
FIRST_CALL = ("客户来电咨询产品与价格，已介绍标准版功能", "客户留下联系方式，转销售跟进", "")
INTENT_TALK = ("需求调研会：客户确认今年要上客户管理系统，希望先看方案", "客户有明确采购意向", "提交方案与报价")
SIGN_TALK = ("面谈签订合同，确认实施排期与培训安排", "合同已签订", "安排实施启动会")
LOST_TALKS = ("客户通知已选用其他厂商的产品，本次合作暂停", "客户表示预算取消，项目无限期搁置")
PRODUCTS = ("客户跟踪管理系统 标准版（年度订阅）", "客户跟踪管理系统 专业版（年度订阅）", "实施与培训服务",
            "数据迁移服务")
ADD_ONS = ("年度运维服务", "回访外呼模块", "增购用户许可（20个）", "实施与培训服务")
DORMANT_REASON = "超过{days}天无互动，系统自动标记"
# Story of an owned customer when nothing forces one: (name, weight).
FATES = (("won", 46), ("won_dormant", 7), ("won_lost", 6), ("open", 25), ("lost", 8), ("stale", 8))


@dataclass
class Story:
    """When the milestones of one customer happen (None: not in this customer's story)."""

    fate: str
    start: datetime
    won_at: datetime | None = None
    silent_from: datetime | None = None  # last interaction before it went 沉睡
    lost_at: datetime | None = None


def plan_story(rng, fate: str, start: datetime, now: datetime, quarter: datetime, dormant_days: int) -> Story | None:
    """Milestones for `fate`, or None when the customer came too late for it."""
    previous_quarter = datetime.combine(quarter_start(quarter.date() - timedelta(days=1)), time())
    earliest_win = start + timedelta(days=14)
    if fate == "win_this_quarter":
        if earliest_win >= quarter:
            return None
        return Story("won", start, won_at=moment_between(rng, quarter, now - timedelta(hours=1)))
    if fate == "win_previous_quarter":
        if earliest_win >= quarter - timedelta(days=2):
            return None
        return Story("won", start, won_at=moment_between(rng, max(previous_quarter, earliest_win), quarter - timedelta(days=1)))
    if fate == "dormant_this_quarter":
        dormant_on = moment_between(rng, quarter, now - timedelta(hours=1))
        silent_from = dormant_on - timedelta(days=dormant_days + 1)
        if earliest_win + timedelta(days=7) >= silent_from:
            return None
        return Story("won_dormant", start, won_at=moment_between(rng, earliest_win, silent_from - timedelta(days=7)),
                     silent_from=silent_from)
    won_at = next_office_moment(rng, start + timedelta(days=rng.randrange(14, 100), hours=rng.randrange(0, 6)))
    if fate in ("won", "won_dormant", "won_lost"):
        if won_at >= now - timedelta(hours=1):
            return Story("open", start)
        story = Story("won", start, won_at=won_at)
        if fate == "won_dormant":
            silent_from = won_at + timedelta(days=rng.randrange(10, 120))
            if silent_from + timedelta(days=dormant_days + 1) < now:
                story.fate, story.silent_from = fate, silent_from
        elif fate == "won_lost":
            lost_at = won_at + timedelta(days=rng.randrange(60, 240))
            if lost_at < now - timedelta(hours=1):
                story.fate, story.lost_at = fate, lost_at
        return story
    if fate == "lost":
        lost_at = start + timedelta(days=rng.randrange(20, 120))
        return Story("lost", start, lost_at=lost_at) if lost_at < now - timedelta(hours=1) else Story("open", start)
    if fate == "stale":
        silent_from = start + timedelta(days=rng.randrange(5, 40))
        if silent_from + timedelta(days=dormant_days + 1) < now:
            return Story("stale", start, silent_from=silent_from)
        return Story("open", start)
    return Story("open", start)


def contact_times(rng, start: datetime, end: datetime, cadence: int, calm_after: datetime | None):
    """Contact moments from `start` to `end`, each with the next-action date it set.

    About four in five next contacts happen by the date the previous one set (跟进及时率);
    after `calm_after` (the deal) the pace is an account-care pace, half as often."""
    moments = []
    at = start
    while at < end:
        pace = cadence * (2 if calm_after and at > calm_after else 1)
        next_on = (at + timedelta(days=rng.randrange(3, pace + 4))).date() if rng.random() < 0.75 else None
        moments.append((at, next_on))
        if next_on is not None and rng.random() < 0.82:
            gap_days = rng.randrange(1, max((next_on - at.date()).days, 1) + 1)
        elif next_on is not None:
            gap_days = (next_on - at.date()).days + rng.randrange(1, 9)
        else:
            gap_days = rng.randrange(pace // 2 + 2, pace * 2 + 3)
        day = at.date() + timedelta(days=min(gap_days, 75))
        at = datetime.combine(day, time(rng.randrange(9, 18), rng.randrange(0, 60)))
    return moments


def add_followup(rng, customer, author, contacted_at, talk, next_on, stage_to=None):
    """One follow-up written by `author`; about one in seven written up late (补录)."""
    late = rng.random() < 0.15
    recorded_at = contacted_at + timedelta(minutes=rng.randrange(35, 600) if late else rng.randrange(2, 30))
    content, result, action = talk
    followup = FollowUp(
        customer=customer, author=author, contacted_at=contacted_at, recorded_at=recorded_at, is_late=late,
        method=rng.choice(FOLLOWUP_METHODS), participants=rng.choice(("", "客户总经理", "采购经理、IT主管")),
        content=content, result=result, next_action=action if next_on and action else "",
        next_action_on=next_on if action else None, created_at=recorded_at, updated_at=recorded_at,
        stage_from=customer.stage if stage_to else None, stage_to=stage_to,
    )
    db.session.add(followup)
    return followup


def sign_order(rng, customer, author, signed_at: datetime, now: datetime, first: bool) -> None:
    """An order of one line signed at `signed_at`, through the sales service (stage 成交, revisit
    trigger, payment plan), then paid in full, in part or not yet, as old orders mostly are."""
    from uuid import uuid4

    from portal.sales.services import LineInput, record_order, record_payment

    amount = Decimal(rng.randrange(40, 600) * 500 if first else rng.randrange(10, 160) * 500)
    recent = (now - signed_at).days < 60
    paid = rng.choice(("部分付款", "未付款", "已付清") if recent else ("已付清", "已付清", "已付清", "部分付款"))
    line = LineInput(None, rng.choice(PRODUCTS if first else ADD_ONS), Decimal("1"), amount)
    order = record_order(customer, author, signed_at.date(), [line], author)
    order.created_at = order.updated_at = signed_at + timedelta(hours=2)
    received = amount if paid == "已付清" else (amount / 2).quantize(Decimal("0.01")) if paid == "部分付款" else 0
    if received:
        paid_on = min(signed_at.date() + timedelta(days=rng.randrange(5, 40)), now.date())
        record_payment(order, received, paid_on, "银行转账", "", uuid4().hex, author)


def live_story(rng, customer, story: Story, author, supervisor, now: datetime, dormant_days: int, cadence: int):
    """Write the follow-ups, stage changes and deals of one owned customer, oldest first."""
    end = story.lost_at or story.silent_from or now - timedelta(minutes=45)
    moments = [(at, next_on) for at, next_on in contact_times(rng, story.start, end, cadence, story.won_at)
               if not story.won_at or abs((at - story.won_at).total_seconds()) > 86400]
    milestones = []
    if story.won_at:
        milestones.append((story.won_at, "won"))
        renewal = story.won_at + timedelta(days=rng.randrange(70, 200))
        while renewal < end and renewal < now - timedelta(hours=3):
            if rng.random() < 0.6:
                milestones.append((renewal, "renewal"))
            renewal += timedelta(days=rng.randrange(70, 200))
    if story.lost_at:
        milestones.append((story.lost_at, "lost"))
    wants_intent = customer.stage == "潜在" and (story.won_at or story.fate == "lost" or rng.random() < 0.5)
    pipeline = [at for at, _ in moments if not story.won_at or at < story.won_at]
    intent_at = pipeline[len(pipeline) // 2] if wants_intent and len(pipeline) > 1 else None
    timeline = sorted([(at, "contact", next_on) for at, next_on in moments] + [(at, kind, None) for at, kind in milestones],
                      key=lambda item: item[0])
    for at, kind, next_on in timeline:
        if kind == "won":
            signer = supervisor if supervisor and customer.tier != "普通" and rng.random() < 0.3 else author
            # The rep owns the next step, so a supervisor's signing record sets no next action.
            next_day = (at + timedelta(days=rng.randrange(3, 10))).date() if signer is author else None
            add_followup(rng, customer, signer, at, SIGN_TALK, next_day)
            if customer.stage == "潜在":
                change_stage(customer, "意向", "客户确认采购需求", author)
                stamp_latest(StageChange, customer.id, at - timedelta(days=rng.randrange(3, 10)))
            sign_order(rng, customer, author, at, now, first=True)
            stamp_latest(StageChange, customer.id, at + timedelta(minutes=40))
        elif kind == "renewal":
            add_followup(rng, customer, author, at, ("商务沟通续费与增购事宜", "客户确认增购", "发送合同"), None)
            sign_order(rng, customer, author, at, now, first=False)
        elif kind == "lost":
            reason = rng.choice(LOST_TALKS)
            add_followup(rng, customer, author, at, (reason, "客户流失", ""), None, stage_to="流失")
            change_stage(customer, "流失", reason, author)
            stamp_latest(StageChange, customer.id, at + timedelta(minutes=30))
        else:
            in_care = story.won_at is not None and at > story.won_at
            # Introductions and demos before the customer states a need, quotes and contracts after.
            talk = rng.choice(CARE_TALKS if in_care else TALKS[1:] if customer.stage == "意向" else TALKS[:3])
            if at == intent_at and customer.stage == "潜在":
                add_followup(rng, customer, author, at, INTENT_TALK, next_on, stage_to="意向")
                change_stage(customer, "意向", "客户确认采购需求", author)
                stamp_latest(StageChange, customer.id, at + timedelta(minutes=20))
            else:
                add_followup(rng, customer, author, at, talk, next_on)
    if story.silent_from and customer.stage not in ("沉睡", "流失"):
        fall_asleep(rng, customer, story.silent_from, dormant_days)


def fall_asleep(rng, customer, last_interaction: datetime, dormant_days: int) -> None:
    """The nightly dormancy rule, as it ran the night the customer passed `dormant_days` of silence."""
    change_stage(customer, "沉睡", DORMANT_REASON.format(days=dormant_days), None)
    night = datetime.combine(last_interaction.date() + timedelta(days=dormant_days + 1), time(1, rng.randrange(0, 50)))
    stamp_latest(StageChange, customer.id, night)


def seed(rng, users: dict, customers: int = 60) -> None:
    """A year of follow-ups and deals for the demo customers, with the stage changes they caused;
    each demo rep gets a win in the current and the previous quarter and a customer gone dormant
    this quarter when their files allow, so the periodic review has every figure."""
    now = clock.now()
    quarter = datetime.combine(quarter_start(now.date()), time())
    calendar = work_calendar()
    cadence_days = get_setting("cadence_days")
    dormant_days = int(get_setting("dormant_days"))
    supervisor = users.get("zhaomin")
    owner_since = {}
    for change in db.session.scalars(select(OwnerChange).order_by(OwnerChange.changed_at, OwnerChange.id)):
        owner_since[change.customer_id] = change.changed_at
    forced: dict[int, list[str]] = {}
    for customer in db.session.scalars(select(Customer).order_by(Customer.id)).all():
        entered_by = customer.entered_by
        first_call = None
        if entered_by is not None and entered_by.role == "service":
            first_call = customer.created_at + timedelta(minutes=rng.randrange(5, 50))
            add_followup(rng, customer, entered_by, first_call, FIRST_CALL, None)
        if customer.owner is None:
            last = first_call or customer.created_at
            if last + timedelta(days=dormant_days + 1) < now:
                fall_asleep(rng, customer, last, dormant_days)
        else:
            start = max(owner_since.get(customer.id, customer.created_at), first_call or customer.created_at)
            start = next_office_moment(rng, start + timedelta(hours=rng.randrange(1, 30)))
            if start < now - timedelta(hours=2):
                pending = forced.setdefault(customer.owner_id, ["win_this_quarter", "win_previous_quarter",
                                                                "dormant_this_quarter"])
                story = None
                for fate in list(pending):
                    story = plan_story(rng, fate, start, now, quarter, dormant_days)
                    if story is not None:
                        pending.remove(fate)
                        break
                if story is None:
                    fate = rng.choices([name for name, _ in FATES], weights=[weight for _, weight in FATES])[0]
                    story = plan_story(rng, fate, start, now, quarter, dormant_days)
                cadence = int(cadence_days.get(customer.grade, 30))
                live_story(rng, customer, story, customer.owner, supervisor, now, dormant_days, cadence)
        db.session.flush()
        refresh_contact_dates(customer, calendar)
