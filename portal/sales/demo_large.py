"""The selling part of `demo seed --scale large` (portal.demo_large): orders with lines, plans, payments
and invoices, opportunities with their stage history, and expenses — Core bulk inserts, no audit."""
import random
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, bindparam, func, select

from portal import clock
from portal.demo_large import (
    BATCH, BUSY_REP, NEXT_ACTIONS, PRODUCTS, Loaded, Sizes, bulk_insert, random_moment, won_by_deal,
)
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import Customer, StageChange
from portal.models.expenses import EXPENSE_CATEGORIES, EXPENSE_CHANNELS, EXPENSE_KINDS, Expense
from portal.models.sales import (
    INVOICE_TYPES, Invoice, Opportunity, OpportunityStageChange, Order, OrderLine, OrderNumberSequence, Payment,
    PaymentInstalment,
)


def seed_orders(connection: Connection, rng: random.Random, sizes: Sizes, loaded: Loaded) -> None:
    """Orders with 1–4 lines, a one- or two-instalment plan, payments (most paid, some in part, some
    not yet) and invoices; the running received/invoiced figures written on the order row."""
    now = clock.now()
    start = now - timedelta(days=365 * sizes.years)
    totals: dict[int, Decimal] = {}
    first_id = (connection.scalar(select(func.max(Order.id))) or 0) + 1
    day_sequence: dict[date, int] = {}
    orders, lines, instalments, payments, invoices = [], [], [], [], []
    cent = Decimal("0.01")

    def flush():
        for table, rows in ((Order.__table__, orders), (OrderLine.__table__, lines),
                            (PaymentInstalment.__table__, instalments), (Payment.__table__, payments),
                            (Invoice.__table__, invoices)):
            bulk_insert(connection, table, iter(rows), loaded)
            rows.clear()

    for offset in range(sizes.orders):
        order_id = first_id + offset
        customer_id = rng.choice(loaded.customer_ids)
        owner = loaded.owner_of[customer_id] or rng.choice(loaded.staff_by_role["sales"])
        signed = random_moment(rng, start, now)
        day = signed.date()
        day_sequence[day] = day_sequence.get(day, 0) + 1
        total = cost = Decimal("0.00")
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            quantity = Decimal(rng.randrange(1, 20))
            price = Decimal(rng.randrange(20, 4000) * 50)
            amount = (quantity * price).quantize(cent)
            unit_cost = (price * Decimal(rng.randrange(35, 75)) / 100).quantize(cent)
            lines.append(dict(order_id=order_id, product_id=None, product_name=rng.choice(PRODUCTS), quantity=quantity,
                              unit_price=price, discount=Decimal("0.00"), amount=amount, unit_cost=unit_cost))
            total += amount
            cost += (unit_cost * quantity).quantize(cent)
        totals[customer_id] = totals.get(customer_id, Decimal("0")) + total
        first_part = (total * Decimal(rng.choice((100, 50, 30, 50))) / 100).quantize(cent)
        plan = [(day + timedelta(days=30), first_part)]
        if first_part < total:
            plan.append((day + timedelta(days=rng.randrange(60, 180)), total - first_part))
        received = rng.choice((total, total, total, first_part, Decimal("0.00")))
        left = received
        for due_on, part in plan:
            paid = min(left, part)
            left -= paid
            instalments.append(dict(order_id=order_id, customer_id=customer_id, owner_id=owner, due_on=due_on, amount=part, paid_amount=paid,
                                    settled=paid >= part, note="", created_at=signed, updated_at=signed))
            # Most instalments arrive in one transfer, many in two (a deposit, then the rest).
            parts = [paid] if not paid or rng.random() < 0.35 else [(paid / 2).quantize(cent), paid - (paid / 2).quantize(cent)]
            for number, part in enumerate(p for p in parts if p):
                paid_on = min(due_on + timedelta(days=rng.randrange(-10, 40) + number * 7), now.date())
                payments.append(dict(order_id=order_id, kind="回款", paid_on=paid_on, amount=part, method="银行转账",
                                     note="", token=f"large-{order_id}-{due_on}-{number}", recorded_by_id=owner,
                                     created_at=signed, updated_at=signed))
        invoiced = received if rng.random() < 0.85 else Decimal("0.00")
        if invoiced:
            invoices.append(dict(order_id=order_id, number=f"FP{order_id:08d}", kind=rng.choice(INVOICE_TYPES),
                                 amount=invoiced, issued_on=day + timedelta(days=rng.randrange(1, 20)), status="已开具",
                                 token=f"large-invoice-{order_id}", created_at=signed, updated_at=signed, version=1))
        orders.append(dict(id=order_id, number=f"DD{day:%Y%m%d}{day_sequence[day]:03d}", customer_id=customer_id,
                           owner_id=owner, opportunity_id=None, signed_on=day, total=total, cost=cost,
                           received_amount=received, invoiced_amount=invoiced,
                           status="已完成" if received == total and rng.random() < 0.5 else "执行中", note="",
                           cancelled_at=None, created_at=signed, updated_at=signed, version=1))
        if len(orders) >= BATCH // 4:
            flush()
    flush()
    sequence = OrderNumberSequence.__table__
    for day, last_seq in day_sequence.items():
        existing = connection.scalar(select(sequence.c.last_seq).where(sequence.c.day == day))
        if existing is None:
            connection.execute(sequence.insert().values(day=day, last_seq=last_seq))
        else:
            connection.execute(sequence.update().where(sequence.c.day == day).values(last_seq=existing + last_seq))
    bulk_insert(connection, StageChange.__table__, won_by_deal(rng, totals, loaded, now), loaded)
    customer = Customer.__table__
    connection.execute(customer.update().where(customer.c.id == bindparam("cid")).values(
        total_deal_amount=bindparam("total"), stage="成交"),
        [{"cid": cid, "total": total} for cid, total in totals.items()])


def seed_opportunities(connection: Connection, rng: random.Random, sizes: Sizes, loaded: Loaded) -> None:
    """Opportunities over the years with their stage history: most closed (won/lost), some open."""
    now = clock.now()
    start = now - timedelta(days=365 * sizes.years)
    first_id = (connection.scalar(select(func.max(Opportunity.id))) or 0) + 1
    rows, history = [], []
    path = ("初步接洽", "需求确认", "方案报价", "商务谈判")
    for offset in range(sizes.opportunities):
        opportunity_id = first_id + offset
        customer_id = rng.choice(loaded.customer_ids)
        owner = loaded.owner_of[customer_id] or rng.choice(loaded.staff_by_role["sales"])
        created = random_moment(rng, start, now)
        reached = rng.choices(range(4), weights=(3, 3, 2, 2))[0]
        fate = rng.choices(("open", "won", "lost"), weights=(3, 3, 4))[0]
        moment, stage = created, path[0]
        history.append(dict(opportunity_id=opportunity_id, from_stage=None, to_stage=stage, changed_by_id=owner,
                            changed_at=created))
        for step in range(1, reached + 1):
            moment = moment + timedelta(days=rng.randrange(3, 30))
            history.append(dict(opportunity_id=opportunity_id, from_stage=stage, to_stage=path[step],
                                changed_by_id=owner, changed_at=moment))
            stage = path[step]
        closed_on = loss = lost_at = None
        if fate != "open" and moment + timedelta(days=40) < now:
            moment = moment + timedelta(days=rng.randrange(3, 40))
            final = "赢单" if fate == "won" else "输单"
            history.append(dict(opportunity_id=opportunity_id, from_stage=stage, to_stage=final, changed_by_id=owner,
                                changed_at=moment))
            lost_at = stage if final == "输单" else None
            loss = rng.choice(("价格", "价格", "功能", "竞品", "关系", "时机", "其他")) if final == "输单" else None
            stage, closed_on = final, moment.date()
        rows.append(dict(id=opportunity_id, customer_id=customer_id, owner_id=owner, name=f"{rng.choice(PRODUCTS)}项目",
                         products_of_interest=rng.choice(PRODUCTS), expected_amount=Decimal(rng.randrange(10, 2000) * 500),
                         expected_close_on=(created + timedelta(days=rng.randrange(20, 180))).date(), source="",
                         competitors="", next_step=rng.choice(NEXT_ACTIONS), stage=stage, stage_changed_at=moment,
                         loss_reason=loss, lost_at_stage=lost_at, lost_to="", closed_on=closed_on, archived_at=None,
                         created_at=created, updated_at=moment, version=1))
        if len(rows) >= BATCH // 4:
            bulk_insert(connection, Opportunity.__table__, iter(rows), loaded)
            bulk_insert(connection, OpportunityStageChange.__table__, iter(history), loaded)
            rows, history = [], []
    bulk_insert(connection, Opportunity.__table__, iter(rows), loaded)
    bulk_insert(connection, OpportunityStageChange.__table__, iter(history), loaded)


def seed_expenses(connection: Connection, rng: random.Random, sizes: Sizes, loaded: Loaded) -> None:
    """Company and personal expenses of the sales and marketing staff, most approved."""
    now = clock.now()
    start = now - timedelta(days=365 * sizes.years)
    staff = loaded.staff_by_role["sales"] + loaded.staff_by_role["marketing"]

    def rows():
        for _ in range(sizes.expenses):
            person = rng.choice(staff)
            spent = random_moment(rng, start, now)
            kind = rng.choice(EXPENSE_KINDS)
            yield dict(kind=kind, person_id=person if kind == "个人费用" else None, category=rng.choice(EXPENSE_CATEGORIES),
                       channel=rng.choice(EXPENSE_CHANNELS), amount=Decimal(rng.randrange(50, 20_000)) + Decimal("0.00"),
                       spent_on=spent.date(), description=rng.choice(("拜访客户差旅", "展会场地", "客户招待", "宣传物料")),
                       region=rng.choice(("华东", "华南", "华北", "西南")),
                       customer_id=rng.choice(loaded.customer_ids) if rng.random() < 0.4 else None, order_id=None,
                       activity="", status=rng.choices(("已批准", "待审批", "已驳回"), weights=(85, 10, 5))[0],
                       submitted_by_id=person, department_id=loaded.department_of.get(person), decided_by_id=None,
                       decided_at=None, decision_note="", archived_at=None, created_at=spent, updated_at=spent, version=1)

    bulk_insert(connection, Expense.__table__, rows(), loaded)



def busy_order_id() -> int | None:
    """An order of the busy rep with the most lines (the bench's order page)."""
    return db.session.scalar(select(Order.id).join(User, User.id == Order.owner_id).where(User.username == BUSY_REP)
                             .order_by(Order.id).limit(1))
