"""Demo customer files: realistic Chinese companies (城市+字号+行业+有限公司) with contacts."""
from datetime import date, timedelta

from portal import clock
from portal.customers.services import create_customer
from portal.models.customers import GRADES, SOURCE_CHANNELS, STAGES, TIERS
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


def seed(rng, users: dict, customers: int = 60) -> None:
    """`customers` files owned by the demo sales users zhangwei and lina, about a fifth in the pool."""
    owners = [users.get("zhangwei"), users.get("lina")]
    entered_by = users.get("wangfang") or next(iter(users.values()))
    today = clock.today()
    used: set[str] = set()
    for index in range(customers):
        name, city, trade = company(rng, used)
        owner = rng.choice(owners) if rng.random() > 0.2 else None
        stage = rng.choices(STAGES, weights=(30, 30, 25, 10, 5))[0]
        is_member = stage == "成交" or rng.random() < 0.2
        contacts = []
        for number in range(rng.choice((1, 1, 2, 3))):
            position, role = rng.choice(POSITIONS)
            contact_name = person(rng)
            contacts.append({
                "name": contact_name, "position": position, "decision_role": role, "is_primary": number == 0,
                "phone": mobile(rng) if rng.random() > 0.3 else landline(rng, city[1]),
                "email": f"contact{index}{number}@{rng.choice(('163.com', 'qq.com', 'example.cn'))}",
            })
        last_contacted = clock.now() - timedelta(days=rng.randrange(0, 120), hours=rng.randrange(0, 9))
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
            "source_channel": rng.choice(SOURCE_CHANNELS),
            "grade": rng.choice(GRADES),
            "tier": rng.choices(TIERS, weights=(1, 3, 8))[0],
            "stage": stage,
            "is_member": is_member,
            "registered_on": today - timedelta(days=rng.randrange(1, 400)) if is_member else None,
            "pain_points": rng.choice(PAIN_POINTS),
            "budget_range": rng.choice(BUDGETS),
            "decision_maker": contacts[0]["name"] if rng.random() > 0.4 else "",
            "owner_id": owner.id if owner else None,
            "last_contacted_at": last_contacted if rng.random() > 0.1 else None,
            "tags": rng.choice(("", "老客户", "展会", "重点跟进", "华东区")),
        }
        if data["last_contacted_at"]:
            cadence = {"A": 7, "B": 14, "C": 30}[data["grade"]]
            data["next_due_on"] = data["last_contacted_at"].date() + timedelta(days=cadence)
        create_customer(data, contacts, entered_by)
