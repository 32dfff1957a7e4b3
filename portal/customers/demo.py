"""Demo customer files: realistic Chinese companies (城市+字号+行业+有限公司) with contacts, entered on
varied dates over the year before the seed date, each with its ownership history (assigned on entry,
or left in the public pool 公海 and claimed or assigned later). The stage history that moves them on
(潜在 → 意向 → 成交, some to 沉睡/流失) is written by the follow-ups seeder together with the follow-ups
and orders that cause it. Also holds the small time helpers the other areas' demo seeders share.
Adds, never commits."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from portal import clock
from portal.customers.services import assign_owner, create_customer
from portal.extensions import db
from portal.models.customers import GRADES, SOURCE_CHANNELS, TIERS, OwnerChange, StageChange
from portal.rules.dedupe import CREDIT_CODE_ALPHABET, credit_code_check_char

CITIES = (("杭州", "0571", "330100"), ("上海", "021", "310100"), ("北京", "010", "110100"),
          ("深圳", "0755", "440300"), ("南京", "025", "320100"), ("苏州", "0512", "320500"),
          ("成都", "028", "510100"), ("武汉", "027", "420100"), ("宁波", "0574", "330200"),
          ("广州", "020", "440100"), ("西安", "029", "610100"), ("合肥", "0551", "340100"))
BRAND_NAMES = ("恒通", "华信", "博远", "启明", "天诚", "瑞丰", "云帆", "金桥", "正泰", "鼎盛", "海纳", "新辰",
               "东方", "安达", "同创", "智联", "汇川", "长风", "嘉禾", "星河", "明德", "远景", "百川", "中科")
INDUSTRIES = (("科技", "软件和信息技术服务业"), ("电子", "电子元器件制造"), ("贸易", "批发和零售业"),
              ("医疗器械", "医疗器械制造"), ("物流", "交通运输和仓储"), ("建材", "建筑材料制造"),
              ("食品", "食品制造"), ("教育科技", "教育"), ("环保", "环保工程"), ("机械", "通用设备制造"))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "秀英", "建华",
               "志强", "海燕", "晓东", "丽华")
POSITIONS = (("总经理", "决策者"), ("采购经理", "影响者"), ("IT主管", "影响者"), ("行政专员", "使用者"),
             ("财务总监", "决策者"), ("项目经理", "使用者"))
SCALES = ("20人以下", "20-99人", "100-499人", "500-999人", "1000人以上")
REVENUE_BANDS = ("500万以下", "500万-2000万", "2000万-1亿", "1亿以上")
BUDGETS = ("5万以下", "5万-20万", "20万-50万", "50万-100万", "100万以上")
PAIN_POINTS = ("客户信息分散在个人手里，离职就丢", "回访靠人工记忆，经常漏", "投诉处理周期长，客户不满意",
               "销售过程不透明，主管看不到进度", "")


def credit_code(rng, division: str) -> str:
    body = "91" + division + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return body + credit_code_check_char(body)


def mobile(rng) -> str:
    return rng.choice(("138", "139", "136", "150", "158", "186", "177", "189")) + f"{rng.randrange(10**8):08d}"


def landline(rng, area_code: str) -> str:
    digits = 8 if len(area_code) == 3 else 7
    return f"{area_code}-{rng.randrange(2 * 10 ** (digits - 1), 10 ** digits)}"


def person(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def company(rng, used: set[str]) -> tuple[str, tuple[str, str, str], tuple[str, str]]:
    while True:
        city = rng.choice(CITIES)
        trade = rng.choice(INDUSTRIES)
        name = f"{city[0]}{rng.choice(BRAND_NAMES)}{trade[0]}有限公司"
        if name not in used:
            used.add(name)
            return name, city, trade


PURCHASE_INTENTS = ("年内上线客户管理系统", "替换现有Excel台账", "先试用标准版再决定", "扩展到全国分公司", "")
PREFERRED_CHANNELS = ("电话", "微信", "邮件", "面谈", "")
# Who enters a file from each source channel: the rep who found it, the service desk, or marketing.
ENTERED_BY = {"销售拜访": "owner", "合作伙伴推荐": "owner", "电话咨询": "wangfang", "官网注册": "wangfang",
              "展会登记": "chenjing", "市场调研": "chenjing", "网站/社交媒体": "chenjing"}
HISTORY_DAYS = 365


# --- time helpers shared by the demo seeders ---------------------------------------------------

def quarter_start(day: date) -> date:
    """First day of the calendar quarter holding `day` (the review's default period)."""
    return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def moment_between(rng, start: datetime, end: datetime) -> datetime:
    """A moment in office hours (09:00–18:00) between `start` and `end`, clamped into the span."""
    if end <= start:
        return start
    day = start.date() + timedelta(days=rng.randrange(0, (end.date() - start.date()).days + 1))
    at = datetime.combine(day, time(rng.randrange(9, 18), rng.randrange(0, 60)))
    return min(max(at, start), end)


def next_office_moment(rng, at: datetime) -> datetime:
    """`at` if it falls in office hours, else a moment early in the next office hours after it."""
    if 9 <= at.hour < 18:
        return at
    day = at.date() + timedelta(days=1) if at.hour >= 18 else at.date()
    return datetime.combine(day, time(rng.randrange(9, 12), rng.randrange(0, 60)))


def stamp_latest(model, customer_id: int, at: datetime) -> None:
    """Backdate the history row (StageChange/OwnerChange) a service just wrote for the customer."""
    row = db.session.scalar(select(model).where(model.customer_id == customer_id).order_by(model.id.desc()).limit(1))
    if row is not None:
        row.changed_at = at


# --- the customer files --------------------------------------------------------------------------

def created_moment(rng, now: datetime, share_this_quarter: float = 0.18) -> datetime:
    """When a file was entered: about a fifth in the current quarter, the rest over the year before it."""
    first_of_quarter = datetime.combine(quarter_start(now.date()), time())
    year_ago = now - timedelta(days=HISTORY_DAYS)
    if rng.random() < share_this_quarter:
        return moment_between(rng, first_of_quarter, now - timedelta(hours=2))
    return moment_between(rng, year_ago, min(first_of_quarter, now) - timedelta(hours=12))


def customer_values(rng, index: int, used: set[str], created_at: datetime) -> tuple[dict, list[dict]]:
    """One file's column values and contacts (owner and stage are decided by the caller)."""
    name, city, trade = company(rng, used)
    contacts = []
    for number in range(rng.choice((1, 1, 2, 3))):
        position, role = rng.choice(POSITIONS)
        contacts.append({
            "name": person(rng), "position": position, "decision_role": role, "is_primary": number == 0,
            "phone": mobile(rng) if rng.random() > 0.3 else landline(rng, city[1]),
            "email": f"contact{index}{number}@{rng.choice(('163.com', 'qq.com', 'example.cn'))}",
        })
    source = rng.choice(SOURCE_CHANNELS)
    # Web sign-ups are members from the day they register; a few others register on entry too.
    is_member = source == "官网注册" or rng.random() < 0.12
    data = {
        "name": name,
        "credit_code": credit_code(rng, city[2]) if rng.random() > 0.25 else None,
        "industry": trade[1],
        "scale_employees": rng.choice(SCALES),
        "revenue_band": rng.choice(REVENUE_BANDS),
        "founded_on": date(rng.randrange(1995, 2022), rng.randrange(1, 13), rng.randrange(1, 28)),
        "main_business": f"{trade[1]}相关产品与服务",
        "address": f"{city[0]}市{rng.choice(('高新区', '经开区', '滨江区', '工业园区'))}"
                   f"{rng.choice(('科技路', '创业大道', '文一路', '长江路'))}{rng.randrange(1, 300)}号",
        "website": f"https://www.demo{index:03d}.cn" if rng.random() > 0.5 else "",
        "source_channel": source,
        "grade": rng.choice(GRADES),
        "tier": rng.choices(TIERS, weights=(1, 3, 8))[0],
        # Inbound enquiries often arrive with a stated need; the rest start as 潜在.
        "stage": "意向" if source in ("电话咨询", "官网注册") and rng.random() < 0.4 else "潜在",
        "is_member": is_member,
        "registered_on": created_at.date() if is_member else None,
        "pain_points": rng.choice(PAIN_POINTS),
        "purchase_intent": rng.choice(PURCHASE_INTENTS),
        "budget_range": rng.choice(BUDGETS),
        "preferred_channel": rng.choice(PREFERRED_CHANNELS),
        "decision_maker": contacts[0]["name"] if rng.random() > 0.4 else "",
        "tags": rng.choice(("", "老客户", "展会", "重点跟进", "华东区")),
        "created_at": created_at,
    }
    return data, contacts


def seed(rng, users: dict, customers: int = 60) -> None:
    """`customers` files entered over the past year: reps' own finds, and service/marketing leads
    that went to the public pool and were mostly claimed or assigned within a few weeks."""
    owners = [user for user in (users.get("zhangwei"), users.get("lina")) if user is not None]
    supervisor = users.get("zhaomin")
    fallback = users.get("wangfang") or next(iter(users.values()))
    now = clock.now()
    used: set[str] = set()
    planned = []
    for index in range(customers):
        created_at = created_moment(rng, now)
        data, contacts = customer_values(rng, index, used, created_at)
        planned.append((created_at, index, data, contacts))
    # Entered in date order, so codes and ids follow the order the files came in.
    for created_at, _index, data, contacts in sorted(planned, key=lambda row: (row[0], row[1])):
        rep = rng.choice(owners) if owners else None
        entry = ENTERED_BY[data["source_channel"]]
        entered_by = rep if entry == "owner" and rep else users.get(entry) or fallback
        data["owner_id"] = rep.id if entry == "owner" and rep else None
        customer = create_customer(data, contacts, entered_by)
        stamp_latest(StageChange, customer.id, created_at)
        if customer.owner_id is not None:
            stamp_latest(OwnerChange, customer.id, created_at)
            continue
        customer.pool_since = created_at
        if rep is None or rng.random() < 0.15:
            continue  # still in the pool today
        taken_at = moment_between(rng, created_at + timedelta(hours=2),
                                  min(created_at + timedelta(days=rng.randrange(1, 21)), now - timedelta(hours=1)))
        if supervisor is not None and rng.random() < 0.5:
            assign_owner(customer, rep.id, "分配", "主管分配公海线索", supervisor)
        else:
            assign_owner(customer, rep.id, "领取", "从公海领取", rep)
        stamp_latest(OwnerChange, customer.id, taken_at)
    db.session.flush()
