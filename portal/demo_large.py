"""`demo seed --scale large`: the benchmark data set of issue 6, written with Core bulk inserts.

200 users in 8 departments, 100,000 customers with contacts, 1,000,000 follow-ups, 200,000 revisit
tasks with their records, 50,000 tickets with their events, 60,000 orders with ~150,000 lines, plans,
payments and invoices, 30,000 opportunities with their stage history,
80,000 expenses, spread over three years
before today. Customer names and contacts come from the customers area's demo vocabulary; derived
fields (normalized name, pinyin, search row, phone digits) from its own functions, so search sees
exactly what the app would have written. Not audited: this is generated data, not user actions.

SQLite: secondary indexes of the big tables are dropped before the load and rebuilt after it from
their stored DDL (2.5× faster, PERFORMANCE.md), so the indexes stay exactly the migrations' ones.
"""
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, Table, bindparam, func, select, text

from portal import clock
from portal.auth.passwords import hash_password
from portal.customers import demo as vocabulary
from portal.customers.services import bigram_rows, name_pinyin, search_text
from portal.extensions import db
from portal.knowledge.demo_large import seed_knowledge
from portal.marketing import attribution
from portal.marketing.demo_large import seed_marketing
from portal.models.auth import User
from portal.models.customers import (
    GRADES, SOURCE_CHANNELS, TIERS, Contact, Customer, CustomerCodeSequence, CustomerSearch, CustomerSearchBigram,
    StageChange,
)
from portal.models.followups import FOLLOWUP_METHODS, FollowUp
from portal.models.knowledge import Article, Document
from portal.models.marketing import Activity
from portal.models.sales import Opportunity, Order
from portal.models.revisits import ISSUE_CATEGORIES, METHODS, RevisitRecord, RevisitTask
from portal.models.tickets import CATEGORIES, CHANNELS, KINDS, SEVERITIES, Ticket, TicketEvent, ledger_band
from portal.rules.customer_codes import format_customer_code, format_ticket_number
from portal.rules.dedupe import normalize_company_name, normalize_email, phone_digits

LARGE_PASSWORD = "bench-portal-2026"
DEPARTMENTS = (("销售一部", "sales"), ("销售二部", "sales"), ("销售三部", "sales"), ("大客户部", "sales"),
               ("客服部", "service"), ("技术部", "tech"), ("市场部", "marketing"), ("客户成功部", "service"))
# Per department: supervisor + staff. 8 supervisors + 190 staff + 2 admins = 200 users.
STAFF_PER_DEPARTMENT = (30, 28, 28, 24, 32, 24, 12, 12)
BUSY_REP = "bench_sales_001"  # owns BUSY_REP_CUSTOMERS customers: the "busy rep" of the bench
BUSY_REP_CUSTOMERS = 3000
TIMELINE_EVENTS = 500  # follow-ups on the bench's "busy customer" (id of the first customer)
BRAND_CHARACTERS = "恒通华信博远启明天诚瑞丰云帆金桥正泰鼎盛海纳新辰东方安达同创智联汇川长风嘉禾星河明德远景百川中科宏图永安聚源卓越锦程"
FOLLOWUP_CONTENT = ("电话沟通采购计划，客户关注交付周期", "上门拜访，演示新版系统，对报表功能感兴趣",
                    "邮件发送报价单，等待客户内部审批", "微信沟通续约事宜，客户要求提供案例", "会议讨论实施方案与培训安排",
                    "客户反馈上次问题已解决，满意度较高", "了解竞争对手报价，客户仍在比较", "确认合同条款，约定下周签约")
FOLLOWUP_RESULTS = ("客户有意向，继续跟进", "需要补充资料", "暂无需求", "已约下次拜访", "进入商务谈判")
NEXT_ACTIONS = ("发送报价", "安排演示", "电话回访", "准备合同", "邀请参加展会")
PRODUCTS = ("客户管理系统标准版", "客户管理系统企业版", "实施服务", "年度运维服务", "培训服务", "数据迁移服务")
# The stages a customer went through to reach its current one (every file starts 潜在 when created).
STAGE_PATHS = {"潜在": ("潜在",), "意向": ("潜在", "意向"), "成交": ("潜在", "意向", "成交"),
               "沉睡": ("潜在", "意向", "成交", "沉睡"), "流失": ("潜在", "意向", "流失")}
TICKET_TEXT = ("系统登录缓慢，影响日常使用", "报表导出数据与页面不一致", "发票信息有误需要重开", "希望增加批量导入功能",
               "售后响应不及时，客户不满意", "培训安排时间需要调整")


@dataclass
class Sizes:
    users: int = 200
    customers: int = 100_000
    followups: int = 1_000_000
    revisits: int = 200_000
    tickets: int = 50_000
    orders: int = 60_000
    opportunities: int = 30_000
    expenses: int = 80_000
    articles: int = 10_000  # knowledge articles, 3 revisions each (portal/knowledge/demo_large.py)
    documents: int = 100_000
    activities: int = 2_000  # marketing (portal/marketing/demo_large.py): participants, a 5,000 fair, leads
    participants: int = 200_000
    leads: int = 20_000
    big_fair: int = 5_000
    years: int = 3

    @classmethod
    def scaled(cls, customers: int) -> "Sizes":
        """The same proportions for a smaller set (the bench smoke test uses a few hundred customers)."""
        ratio = customers / 100_000
        return cls(customers=customers, followups=max(customers, int(1_000_000 * ratio)),
                   revisits=int(200_000 * ratio), tickets=int(50_000 * ratio), orders=int(60_000 * ratio),
                   opportunities=int(30_000 * ratio), expenses=int(80_000 * ratio),
                   articles=int(10_000 * ratio), documents=int(100_000 * ratio), activities=max(2, int(2_000 * ratio)),
                   participants=int(200_000 * ratio), leads=int(20_000 * ratio), big_fair=int(5_000 * ratio))


@dataclass
class Loaded:
    users: dict[str, int] = field(default_factory=dict)  # username -> id
    staff_by_role: dict[str, list[int]] = field(default_factory=dict)
    department_of: dict[int, int] = field(default_factory=dict)
    customer_ids: list[int] = field(default_factory=list)
    owner_of: dict[int, int | None] = field(default_factory=dict)
    stage_of: dict[int, tuple[str, datetime]] = field(default_factory=dict)  # stage and when it was reached
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


BATCH = 20_000


def not_null_defaults(table: Table) -> dict[str, object]:
    """Scalar defaults of NOT NULL columns, applied where a generated row leaves the value None."""
    return {column.name: column.default.arg for column in table.columns
            if not column.nullable and column.default is not None and column.default.is_scalar}


def bulk_insert(connection: Connection, table: Table, rows: Iterator[dict], loaded: Loaded) -> None:
    """executemany in batches (SQLAlchemy Core)."""
    batch: list[dict] = []
    total = 0
    defaults = not_null_defaults(table)
    for row in rows:
        for name, default in defaults.items():
            if row.get(name, default) is None:
                row[name] = default
        batch.append(row)
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            total += len(batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
        total += len(batch)
    loaded.counts[table.name] = loaded.counts.get(table.name, 0) + total


def timed(loaded: Loaded, label: str, step: Callable[[], None]) -> None:
    started = time.perf_counter()
    step()
    loaded.seconds[label] = round(time.perf_counter() - started, 2)


def seed_users(connection: Connection, rng: random.Random, loaded: Loaded) -> None:
    """8 departments, a supervisor heading each, staff by the department's role, two admins."""
    password_hash = hash_password(LARGE_PASSWORD)
    now = clock.now()
    users = db.metadata.tables["user"]
    departments = db.metadata.tables["department"]
    loaded.staff_by_role = {role: [] for role in ("sales", "service", "tech", "marketing", "supervisor", "admin")}
    counters: dict[str, int] = {}

    def add_user(role: str, department_id: int | None) -> int:
        counters[role] = counters.get(role, 0) + 1
        username = f"bench_{role}_{counters[role]:03d}"
        display_name = vocabulary.person(rng) + ("" if counters[role] < 20 else str(counters[role]))
        user_id = connection.execute(users.insert().values(
            username=username, display_name=display_name, role=role, department_id=department_id,
            password_hash=password_hash, session_token=f"bench-{username}", is_active_user=True,
            created_at=now, updated_at=now, version=1)).inserted_primary_key[0]
        loaded.users[username] = user_id
        loaded.staff_by_role[role].append(user_id)
        if department_id:
            loaded.department_of[user_id] = department_id
        return user_id

    for (name, role), staff in zip(DEPARTMENTS, STAFF_PER_DEPARTMENT):
        department_id = connection.execute(departments.insert().values(name=name, created_at=now, updated_at=now)).inserted_primary_key[0]
        head = add_user("supervisor", department_id)
        connection.execute(departments.update().where(departments.c.id == department_id).values(head_id=head))
        for _ in range(staff):
            add_user(role, department_id)
    add_user("admin", None)
    add_user("admin", None)
    loaded.counts["user"] = len(loaded.users)


def company_name(rng: random.Random, used: set[str]) -> tuple[str, tuple, tuple]:
    while True:
        city, trade = rng.choice(vocabulary.CITIES), rng.choice(vocabulary.INDUSTRIES)
        brand = rng.choice(BRAND_CHARACTERS) + rng.choice(BRAND_CHARACTERS)
        name = f"{city[0]}{brand}{trade[0]}{rng.choice(('有限公司', '有限公司', '股份有限公司', '集团有限公司'))}"
        if name not in used:
            used.add(name)
            return name, city, trade


def random_moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = (end - start).total_seconds()
    moment = start + timedelta(seconds=rng.random() * span)
    return moment.replace(hour=rng.randrange(8, 19), microsecond=0)


def followup_counts(rng: random.Random, total: int, customers: int) -> list[int]:
    """Follow-ups per customer: uniform around the mean, adjusted so they add up to `total` exactly."""
    mean = total / max(customers, 1)
    counts = [int(rng.uniform(0, 2 * mean)) for _ in range(customers)]
    difference = total - sum(counts)
    step = 1 if difference > 0 else -1
    while difference:
        index = rng.randrange(customers)
        if counts[index] + step >= 0:
            counts[index] += step
            difference -= step
    return counts


def seed_customers(connection: Connection, rng: random.Random, sizes: Sizes, loaded: Loaded) -> None:
    """Customers, contacts, search rows and follow-ups in one pass, so last contact and next due match."""
    now = clock.now()
    start = now - timedelta(days=365 * sizes.years)
    sales = loaded.staff_by_role["sales"]
    busy_rep = loaded.users[BUSY_REP]
    service = loaded.staff_by_role["service"]
    first_id = (connection.scalar(select(func.max(Customer.id))) or 0) + 1
    loaded.customer_ids = list(range(first_id, first_id + sizes.customers))
    counts = followup_counts(rng, sizes.followups - TIMELINE_EVENTS, sizes.customers - 1)
    busy_customers = max(1, min(BUSY_REP_CUSTOMERS, sizes.customers // 30))
    sequences: dict[int, int] = {}
    used: set[str] = set()
    customers, contacts, searches, bigrams, followups, stage_changes = [], [], [], [], [], []
    cadence = {"A": 7, "B": 14, "C": 30}

    def flush():
        for table, rows in ((Customer.__table__, customers), (Contact.__table__, contacts),
                            (CustomerSearch.__table__, searches), (CustomerSearchBigram.__table__, bigrams),
                            (FollowUp.__table__, followups),
                            (StageChange.__table__, stage_changes)):
            if rows:
                bulk_insert(connection, table, iter(rows), loaded)
                rows.clear()

    for index, customer_id in enumerate(loaded.customer_ids):
        name, city, trade = company_name(rng, used)
        if index < busy_customers:
            owner = busy_rep
        else:
            owner = rng.choice(sales) if rng.random() > 0.1 else None
        loaded.owner_of[customer_id] = owner
        created = random_moment(rng, start, now - timedelta(days=1))
        sequences[created.year] = sequences.get(created.year, 0) + 1
        grade = rng.choices(GRADES, weights=(2, 3, 5))[0]
        stage = rng.choices(("潜在", "意向", "成交", "沉睡", "流失"), weights=(30, 30, 25, 10, 5))[0]
        pinyin, initials = name_pinyin(name)
        normalized = normalize_company_name(name)
        code = format_customer_code(created.year, sequences[created.year])
        credit = vocabulary.credit_code(rng, city[2]) if rng.random() > 0.25 else None
        people = []
        for number in range(rng.choice((1, 1, 2, 3))):
            position, role = rng.choice(vocabulary.POSITIONS)
            phone = vocabulary.mobile(rng) if rng.random() > 0.3 else vocabulary.landline(rng, city[1])
            email = f"c{customer_id}{number}@{rng.choice(('163.com', 'qq.com', 'example.cn'))}"
            people.append(dict(customer_id=customer_id, name=vocabulary.person(rng), position=position, phone=phone,
                               phone_digits=phone_digits(phone), email=email, email_normalized=normalize_email(email),
                               decision_role=role, is_primary=number == 0, created_at=created, updated_at=created))
        contacts += people
        count = TIMELINE_EVENTS if index == 0 else counts[index - 1]
        moments = sorted(random_moment(rng, created, now) for _ in range(count))
        author = owner or rng.choice(sales)
        for moment in moments:
            followups.append(dict(
                customer_id=customer_id, author_id=author if rng.random() > 0.1 else rng.choice(service),
                contacted_at=moment, recorded_at=moment + timedelta(minutes=rng.randrange(1, 50)),
                is_late=False, method=rng.choice(FOLLOWUP_METHODS), participants="", content=rng.choice(FOLLOWUP_CONTENT),
                result=rng.choice(FOLLOWUP_RESULTS), next_action=rng.choice(NEXT_ACTIONS),
                next_action_on=(moment + timedelta(days=rng.randrange(3, 30))).date(), stage_from=None, stage_to=None,
                created_at=moment, updated_at=moment, version=1))
        stage_changes += stage_history(rng, customer_id, stage, created, now, author, loaded)
        last = moments[-1] if moments else None
        next_due = (last.date() + timedelta(days=cadence[grade])) if last else None
        is_member = stage == "成交" or rng.random() < 0.2
        row = dict(
            id=customer_id, code=code, name=name, name_normalized=normalized, name_pinyin=pinyin, name_initials=initials,
            credit_code=credit, industry=trade[1], scale_employees=rng.choice(vocabulary.SCALES),
            revenue_band=rng.choice(vocabulary.REVENUE_BANDS),
            founded_on=date(rng.randrange(1995, 2022), rng.randrange(1, 13), rng.randrange(1, 28)),
            main_business=f"{trade[1]}相关产品与服务", website="",
            address=f"{city[0]}市{rng.choice(('高新区', '经开区', '滨江区', '工业园区'))}{rng.randrange(1, 300)}号",
            business_scope="", source_channel=rng.choice(SOURCE_CHANNELS), entered_by_id=author, owner_id=owner,
            grade=grade, tier=rng.choices(TIERS, weights=(1, 3, 8))[0], stage=stage, is_member=is_member,
            registered_on=created.date() if is_member else None, pain_points=rng.choice(vocabulary.PAIN_POINTS),
            purchase_intent="", budget_range=rng.choice(vocabulary.BUDGETS), expected_cycle="", past_cooperation="",
            decision_maker=people[0]["name"], decision_process="", decision_cycle="", competitor_info="",
            special_requirements="", preferred_channel="", contact_time_window="", no_cold_calls=False,
            key_contact_birthday=None, company_anniversary=None, tags=rng.choice(("", "老客户", "展会", "重点跟进", "华东区")),
            last_contacted_at=last, next_due_on=next_due, pool_since=created if owner is None else None,
            merged_into_id=None, total_deal_amount=Decimal("0"), archived_at=None, created_at=created,
            updated_at=last or created, version=1)
        customers.append(row)
        searches.append(dict(customer_id=customer_id, text=search_text(Customer(**{k: row[k] for k in (
            "name", "name_normalized", "name_pinyin", "name_initials", "code", "credit_code")}),
            [Contact(name=p["name"], phone_digits=p["phone_digits"]) for p in people])))
        bigrams.extend(bigram_rows(customer_id, searches[-1]["text"]))
        if len(followups) >= BATCH:
            flush()
    flush()
    sequence_table = CustomerCodeSequence.__table__
    for year, last_seq in sequences.items():
        existing = connection.scalar(select(sequence_table.c.last_seq).where(sequence_table.c.year == year))
        if existing is None:
            connection.execute(sequence_table.insert().values(year=year, last_seq=last_seq))
        else:
            connection.execute(sequence_table.update().where(sequence_table.c.year == year)
                               .values(last_seq=existing + last_seq))


def stage_history(rng: random.Random, customer_id: int, stage: str, created: datetime, now: datetime,
                  author: int, loaded: Loaded) -> list[dict]:
    """StageChange rows leading to `stage`: 潜在 at creation, then each later step at a random moment."""
    path = STAGE_PATHS[stage]
    moments = [created] + sorted(max(random_moment(rng, created, now), created + timedelta(minutes=1)) for _ in path[1:])
    loaded.stage_of[customer_id] = (stage, moments[-1])
    return [dict(customer_id=customer_id, from_stage=path[step - 1] if step else None, to_stage=path[step],
                 reason="新建客户档案" if step == 0 else "跟进中更新阶段", changed_by_id=author, changed_at=moments[step])
            for step in range(len(path))]


def won_by_deal(rng: random.Random, won: dict, loaded: Loaded, now: datetime) -> Iterator[dict]:
    """A customer with an order is 成交: write the step from the stage it had, after its last change."""
    for customer_id in won:
        stage, since = loaded.stage_of[customer_id]
        if stage != "成交":
            moment = max(random_moment(rng, since, now), since + timedelta(minutes=1))
            loaded.stage_of[customer_id] = ("成交", moment)
            yield dict(customer_id=customer_id, from_stage=stage, to_stage="成交", reason="签订合同",
                       changed_by_id=loaded.owner_of[customer_id], changed_at=moment)


def seed_revisits(connection: Connection, rng: random.Random, sizes: Sizes, loaded: Loaded) -> None:
    """Tasks with a record for each done one; about 5% still open, due around today."""
    now = clock.now()
    start = now - timedelta(days=365 * sizes.years)
    staff = loaded.staff_by_role["service"] + loaded.staff_by_role["marketing"]
    first_task = (connection.scalar(select(func.max(RevisitTask.id))) or 0) + 1
    tasks, records = [], []
    triggers = ("inactive", "deal", "registration", "event", "ticket_closed")
    for offset in range(sizes.revisits):
        task_id = first_task + offset
        customer_id = rng.choice(loaded.customer_ids)
        assignee = rng.choice(staff)
        open_task = rng.random() < 0.05
        due = (now + timedelta(days=rng.randrange(-5, 10))) if open_task else random_moment(rng, start, now)
        trigger = rng.choice(triggers)
        method = rng.choice(METHODS)
        outcome = rng.choices(("完成", "未接通", "拒访"), weights=(85, 10, 5))[0]
        status = "待回访" if open_task else {"完成": "已完成", "未接通": "未接通", "拒访": "拒访"}[outcome]
        tasks.append(dict(id=task_id, customer_id=customer_id, plan_id=None, trigger=trigger, source_ref="",
                          unique_key=f"bench:{task_id}", method=method, due_on=due.date(), assignee_id=assignee,
                          status=status, attempts=0 if open_task else 1, completed_at=None if open_task else due,
                          created_at=due - timedelta(days=3), updated_at=due, version=1))
        if not open_task:
            score = rng.choices((1, 2, 3, 4, 5), weights=(2, 4, 14, 40, 40))[0] if outcome == "完成" else None
            records.append(dict(task_id=task_id, customer_id=customer_id, staff_id=assignee, questionnaire_version_id=None,
                                method=method, outcome=outcome, revisited_at=due, contact_person=vocabulary.person(rng),
                                answers={}, satisfaction=score, issues_raised="" if rng.random() > 0.1 else "希望加快响应速度",
                                issue_category=rng.choice(ISSUE_CATEGORIES) if rng.random() < 0.1 else None,
                                notes="", ticket_id=None, created_at=due, updated_at=due))
        if len(tasks) >= BATCH:
            bulk_insert(connection, RevisitTask.__table__, iter(tasks), loaded)
            bulk_insert(connection, RevisitRecord.__table__, iter(records), loaded)
            tasks, records = [], []
    bulk_insert(connection, RevisitTask.__table__, iter(tasks), loaded)
    bulk_insert(connection, RevisitRecord.__table__, iter(records), loaded)


def seed_tickets(connection: Connection, rng: random.Random, sizes: Sizes, loaded: Loaded) -> None:
    """Tickets over three years, most closed; each with received/dispatched/resolved events."""
    now = clock.now()
    start = now - timedelta(days=365 * sizes.years)
    tech, service = loaded.staff_by_role["tech"], loaded.staff_by_role["service"]
    first_ticket = (connection.scalar(select(func.max(Ticket.id))) or 0) + 1
    received_list = sorted(random_moment(rng, start, now) for _ in range(sizes.tickets))
    per_day: dict[date, int] = {}
    tickets, events = [], []
    for offset, received in enumerate(received_list):
        ticket_id = first_ticket + offset
        per_day[received.date()] = per_day.get(received.date(), 0) + 1
        severity = rng.choices(SEVERITIES, weights=(1, 5, 4))[0]
        assignee = rng.choice(tech)
        recent = (now - received).days < 20
        status = rng.choice(("新建", "处理中", "待客户反馈")) if recent else rng.choices(("已回访关闭", "已解决"), weights=(9, 1))[0]
        done = status in ("已解决", "已回访关闭")
        resolved = received + timedelta(hours=rng.randrange(2, 200)) if done else None
        resolve_due = received + timedelta(days={"重大": 3, "一般": 7, "轻微": 14}[severity])
        creator = rng.choice(service)
        tickets.append(dict(
            id=ticket_id, number=format_ticket_number(received.date(), per_day[received.date()]),
            customer_id=rng.choice(loaded.customer_ids), kind=rng.choices(KINDS, weights=(4, 2, 4))[0],
            category=rng.choice(CATEGORIES), severity=severity, channel=rng.choice(CHANNELS),
            complainant=vocabulary.person(rng), contact=vocabulary.mobile(rng), description=rng.choice(TICKET_TEXT),
            received_at=received, created_by_id=creator, department_id=loaded.department_of.get(assignee),
            assignee_id=assignee, dispatch_state="已确认" if status != "新建" else "已派工未确认",
            dispatched_at=received + timedelta(minutes=20), confirmed_at=received + timedelta(hours=1) if status != "新建" else None,
            confirm_escalation_level=0, status=status,
            respond_due_at=received + timedelta(hours={"重大": 2, "一般": 24, "轻微": 48}[severity]),
            resolve_due_at=resolve_due, ledger_band=ledger_band(status, resolve_due),
            responded_at=received + timedelta(hours=1), paused_since=None, resolved_at=resolved,
            resolved_by_id=assignee if done else None, closed_at=resolved + timedelta(days=2) if status == "已回访关闭" else None,
            solution="远程协助处理完毕" if done else "", root_cause_type="操作不当" if done else None, root_cause="",
            compensation="", reopen_count=0, satisfaction=rng.choice((3, 4, 5)) if status == "已回访关闭" else None,
            closing_comment="", closing_by_id=creator if status == "已回访关闭" else None,
            closing_recorded_at=resolved + timedelta(days=2) if status == "已回访关闭" else None,
            response_breached_at=None, resolve_breached_at=None, escalated_at=None,
            created_at=received, updated_at=resolved or received, version=1))
        events.append(dict(ticket_id=ticket_id, at=received, kind="创建", actor_id=creator, from_status=None,
                           to_status="新建", note="", internal=False))
        events.append(dict(ticket_id=ticket_id, at=received + timedelta(minutes=20), kind="派工", actor_id=creator,
                           from_status=None, to_status=None, note="派给技术支持", internal=False))
        if done:
            events.append(dict(ticket_id=ticket_id, at=resolved, kind="解决", actor_id=assignee, from_status="处理中",
                               to_status="已解决", note="远程协助处理完毕", internal=False))
        if len(tickets) >= BATCH:
            bulk_insert(connection, Ticket.__table__, iter(tickets), loaded)
            bulk_insert(connection, TicketEvent.__table__, iter(events), loaded)
            tickets, events = [], []
    bulk_insert(connection, Ticket.__table__, iter(tickets), loaded)
    bulk_insert(connection, TicketEvent.__table__, iter(events), loaded)


BIG_TABLES = ("customer", "contact", "customer_search_bigram", "follow_up", "stage_change", "sales_order", "order_line", "payment_instalment", "payment", "invoice", "opportunity", "opportunity_stage_change", "expense", "revisit_task", "revisit_record", "ticket", "ticket_event")


def drop_secondary_indexes(connection: Connection) -> list[str]:
    """SQLite: drop the big tables' non-unique indexes; return their DDL to recreate after the load."""
    if connection.dialect.name != "sqlite":
        return []
    query = text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                 "AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN :tables").bindparams(bindparam("tables", expanding=True))
    rows = connection.execute(query, {"tables": list(BIG_TABLES)}).all()
    quote = connection.dialect.identifier_preparer.quote
    for name, _sql in rows:
        connection.exec_driver_sql("DROP INDEX " + quote(name))
    return [sql for _name, sql in rows]


def seed_large(sizes: Sizes | None = None, seed: int = 20261124) -> Loaded:
    """Write the whole large data set in one transaction; returns counts and seconds per step."""
    sizes = sizes or Sizes()
    rng = random.Random(seed)
    loaded = Loaded()
    db.session.commit()
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size=-262144")
    index_ddl = drop_secondary_indexes(connection)
    timed(loaded, "users", lambda: seed_users(connection, rng, loaded))
    timed(loaded, "customers+contacts+follow-ups", lambda: seed_customers(connection, rng, sizes, loaded))
    from portal.sales.demo_large import seed_expenses, seed_opportunities, seed_orders

    timed(loaded, "orders", lambda: seed_orders(connection, rng, sizes, loaded))
    timed(loaded, "opportunities", lambda: seed_opportunities(connection, rng, sizes, loaded))
    timed(loaded, "expenses", lambda: seed_expenses(connection, rng, sizes, loaded))
    timed(loaded, "revisits", lambda: seed_revisits(connection, rng, sizes, loaded))
    timed(loaded, "tickets", lambda: seed_tickets(connection, rng, sizes, loaded))
    timed(loaded, "knowledge", lambda: loaded.counts.update(seed_knowledge(connection, rng, sizes.articles, sizes.documents)))
    timed(loaded, "marketing", lambda: loaded.counts.update(seed_marketing(
        connection, rng, sizes.activities, sizes.participants, sizes.leads, sizes.big_fair)))

    def rebuild():
        for ddl in index_ddl:
            connection.execute(text(ddl))
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("ANALYZE")

    timed(loaded, "indexes", rebuild)
    timed(loaded, "activity attribution", lambda: attribution.rebuild(connection))
    if connection.dialect.name == "postgresql":
        # Ids were written explicitly (to link rows without RETURNING); move the sequences past them.
        for table in (Customer.__table__, RevisitTask.__table__, Ticket.__table__, Order.__table__,
                      Opportunity.__table__, Article.__table__, Document.__table__, Activity.__table__):
            highest = select(func.max(table.c.id)).scalar_subquery()
            connection.execute(select(func.setval(func.pg_get_serial_sequence(table.name, "id"), highest)))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as autocommit:
            autocommit.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum soon would: visibility map for index-only scans
    return loaded


def busy_customer_id() -> int:
    """The customer with the 500-event timeline (the first one the large seed wrote)."""
    return db.session.scalar(select(Customer.id).join(User, User.id == Customer.owner_id)
                             .where(User.username == BUSY_REP).order_by(Customer.id).limit(1))

