"""The nightly job `customers score-health`: scores, monthly history, warnings once per episode,
escalation after 5 working days, recovery, and rescoring one customer at once on events."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import time_machine
from sqlalchemy import func, select

from portal import clock
from portal.customer_health.services import score_all
from portal.extensions import db
from portal.models.customer_health import ChurnWarning, CustomerHealth, CustomerHealthMonth
from portal.models.followups import FollowUp
from portal.models.tickets import Ticket
from portal.sales.services import LineInput, record_order, record_payment, set_payment_plan

NOW = datetime(2026, 11, 24, 10, 0)


def add_followups(customer, author, days_ago: list[int]):
    for days in days_ago:
        db.session.add(FollowUp(customer_id=customer.id, author_id=author.id, method="电话",
                                contacted_at=NOW - timedelta(days=days), recorded_at=NOW - timedelta(days=days)))
    db.session.commit()


def health_of(customer) -> CustomerHealth:
    db.session.expire_all()
    return db.session.get(CustomerHealth, customer.id)


def warnings_of(customer) -> list[ChurnWarning]:
    return list(db.session.scalars(select(ChurnWarning).where(ChurnWarning.customer_id == customer.id)))


def test_job_scores_writes_history_and_raises_one_warning(app, frozen_now, runner, make_user, new_customer):
    sales = make_user("sales")
    fading = new_customer(sales, grade="A")  # 12 contacts in the previous 90 days, 2 in the last 90
    add_followups(fading, sales, [10, 50] + list(range(95, 179, 7)))
    steady = new_customer(sales, grade="C")
    add_followups(steady, sales, [5, 35, 65, 100, 130, 160])

    result = runner.invoke(args=["customers", "score-health"])
    assert result.exit_code == 0, result.output
    assert "2 customers scored" in result.output

    row = health_of(fading)
    assert (row.interactions_90d, row.interactions_prev_90d) == (2, 12)
    # interaction 30·2/12 + complaints 15 + trend 10·2/12, over the 55 points that apply → 39.4
    assert row.level == "风险" and row.score == 39
    assert row.factors["interaction"][1] == "近90天互动 2 次，A类应有 12 次"
    assert row.factors["payment"] == [None, "无订单，不计回款及时性", 0.0]
    assert health_of(steady).level == "健康"
    month = db.session.get(CustomerHealthMonth, (fading.id, date(2026, 11, 1)))
    assert month.score == row.score

    [warning] = warnings_of(fading)
    assert warning.owner_id == sales.id and warning.status == "待处理"
    assert warning.reasons == ["健康度 39 分，等级为风险", "近90天互动 2 次，前90天 12 次，减少一半以上，A类应有 12 次"]
    assert warning.handle_by == date(2026, 12, 1)  # 5 working days after Tue 11-24
    assert warnings_of(steady) == []

    # Idempotent: a second run the same night changes nothing and raises nothing.
    assert runner.invoke(args=["customers", "score-health"]).exit_code == 0
    assert len(warnings_of(fading)) == 1 and health_of(fading).score == 39
    assert db.session.scalar(select(func.count()).select_from(CustomerHealthMonth)) == 2


def test_score_fall_of_15_in_30_days_warns(app, frozen_now, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales, grade="C")
    add_followups(customer, sales, [5, 35, 65, 100, 130, 160])
    score_all()
    assert health_of(customer).score == 100 and warnings_of(customer) == []
    db.session.add(Ticket(number="GD20261120001", customer_id=customer.id, kind="投诉", category="服务", severity="重大",
                          received_at=NOW - timedelta(days=3), respond_due_at=NOW))
    db.session.add(Ticket(number="GD20261120002", customer_id=customer.id, kind="投诉", category="服务", severity="一般",
                          received_at=NOW - timedelta(days=2), respond_due_at=NOW))
    db.session.commit()
    frozen_now.move_to(datetime(2026, 12, 10, 2, 0, tzinfo=clock.LOCAL_TZ))
    score_all()
    row = health_of(customer)
    assert row.score <= 85 and row.peak_score == 100
    [warning] = warnings_of(customer)
    assert warning.reasons == [f"30天内健康度从 100 分降至 {row.score} 分（下降 {100 - row.score} 分）"]


def test_unhandled_warning_escalates_after_5_working_days(app, frozen_now, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales, grade="A")
    score_all()
    [warning] = warnings_of(customer)
    assert warning.handle_by == date(2026, 12, 1) and warning.escalated_at is None
    frozen_now.move_to(datetime(2026, 12, 1, 23, 0, tzinfo=clock.LOCAL_TZ))
    score_all()
    db.session.expire_all()
    assert warnings_of(customer)[0].escalated_at is None  # the 5th working day is still the owner's
    frozen_now.move_to(datetime(2026, 12, 2, 1, 0, tzinfo=clock.LOCAL_TZ))
    score_all()
    db.session.expire_all()
    assert warnings_of(customer)[0].escalated_at == datetime(2026, 12, 2, 1, 0)


def test_followup_rescores_at_once_and_handles_the_warning(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales, grade="B")
    add_followups(customer, sales, list(range(95, 179, 14)))
    score_all()
    before = health_of(customer)
    assert before.interactions_90d == 0 and before.level == "风险"
    score_before = before.score
    response = login_as(sales).post(f"/followups/customers/{customer.id}/new", data={
        "contacted_at": "2026-11-24T09:45", "method": "电话", "content": "了解近况，约下周拜访", "result": "同意拜访"})
    assert response.status_code == 303
    after = health_of(customer)
    assert after.interactions_90d == 1 and after.score > score_before
    [warning] = warnings_of(customer)
    assert warning.status == "已处理" and warning.handled_via == "跟进" and warning.handled_by_id == sales.id


def test_ticket_rescores_at_once(app, frozen_now, make_user, new_customer):
    from portal.tickets.services import create_ticket

    service = make_user("service")
    customer = new_customer(make_user("sales"), grade="C")
    add_followups(customer, service, [5, 35, 65, 100, 130, 160])
    score_all()
    assert health_of(customer).score == 100
    create_ticket(customer=customer, kind="投诉", category="服务", severity="重大", description="交付延误", by=service)
    db.session.commit()
    row = health_of(customer)
    assert row.factors["complaints"][:2] == [0.4, "近180天投诉 1 次（重大 1）"] and row.score < 100


def test_recovered_customer_ends_the_episode(app, frozen_now, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales, grade="C")
    score_all()
    [warning] = warnings_of(customer)
    add_followups(customer, sales, [1, 20, 40, 60, 100, 130, 160])
    with time_machine.travel(datetime(2026, 11, 25, 2, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        score_all()
    db.session.expire_all()
    assert warning.recovered_at == datetime(2026, 11, 25, 2, 0) and warning.status == "已恢复"


def test_revisit_rescores_at_once(app, frozen_now, make_user, new_customer):
    from portal.models.revisits import RevisitTask
    from portal.revisits.services import default_questionnaire, record_revisit

    service = make_user("service")
    customer = new_customer(make_user("sales"), grade="C")
    add_followups(customer, service, [5, 35, 65, 100, 130, 160])
    score_all()
    assert health_of(customer).factors["satisfaction"][0] is None
    task = RevisitTask(customer_id=customer.id, trigger="event", unique_key="test:1", due_on=date(2026, 11, 24),
                       assignee_id=service.id)
    db.session.add(task)
    db.session.commit()
    version = default_questionnaire().current_version
    record_revisit(task, by=service, outcome="完成", version=version,
                   answers={"q1": "无变化", "q2": "经常使用", "q4": "2"})
    db.session.commit()
    row = health_of(customer)
    assert row.factors["satisfaction"][:2] == [0.25, "近180天回访 1 次，平均满意度 2.0 分"]
    assert row.interactions_90d == 4


def test_ongoing_warning_keeps_its_reasons_current(app, frozen_now, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales, grade="A")
    add_followups(customer, sales, list(range(95, 179, 7)))
    score_all()
    [warning] = warnings_of(customer)
    assert "近90天互动 0 次，前90天 12 次，减少一半以上，A类应有 12 次" in warning.reasons
    add_followups(customer, sales, [3])  # still far below the cadence: the episode goes on
    with time_machine.travel(datetime(2026, 11, 25, 2, 0, tzinfo=clock.LOCAL_TZ), tick=False):
        score_all()
    db.session.expire_all()
    [warning] = warnings_of(customer)
    assert "近90天互动 1 次，前90天 12 次，减少一半以上，A类应有 12 次" in warning.reasons
    assert warning.raised_on == date(2026, 11, 24) and warning.recovered_at is None


def test_overdue_instalments_lower_payment_timeliness(app, frozen_now, make_user, new_customer):
    """Orders feed the payment factor: ¥3,000 of a ¥10,000 receivable overdue → 0.7; a customer
    whose orders are paid up scores full marks; one without orders is not judged on payment."""
    sales = make_user("sales")
    late, paid_up, no_orders = (new_customer(sales, grade="B") for _ in range(3))
    order = record_order(late, sales, date(2026, 9, 1), [LineInput(None, "实施服务", Decimal("1"), Decimal("10000"))], sales)
    set_payment_plan(order, [(date(2026, 10, 1), Decimal("3000"), "首付"), (date(2026, 12, 31), Decimal("7000"), "尾款")])
    small = record_order(paid_up, sales, date(2026, 9, 1), [LineInput(None, "培训服务", Decimal("1"), Decimal("500"))], sales)
    record_payment(small, Decimal("500"), date(2026, 9, 5), "转账", "", "token-paid-up", sales)
    db.session.commit()
    score_all()
    db.session.commit()
    assert health_of(late).factors["payment"][:2] == [0.7, "逾期应收 ¥3,000.00，应收 ¥10,000.00"]
    assert health_of(paid_up).factors["payment"][:2] == [1.0, "无应收款"]
    assert health_of(no_orders).factors["payment"][:2] == [None, "无订单，不计回款及时性"]
