"""Payments, refunds, invoices and the plan: limits, double submits (also concurrent), cancellation."""
import threading
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.sales import Invoice, Order, Payment, PaymentInstalment
from tests.conftest import PASSWORD, log_in
from tests.sales.conftest import sign


def pay(client, order, amount, token, paid_on="2026-11-24"):
    return client.post(f"/sales/orders/{order.id}/payments/new",
                       data={"amount": amount, "paid_on": paid_on, "method": "银行转账", "note": "", "token": token})


def received(order) -> Decimal:
    db.session.expire_all()
    return db.session.get(Order, order.id).received_amount


def test_payment_never_exceeds_the_receivable(sales_world, login_as):
    w = sales_world
    order = sign(w.customer, w.rep, "10000.00", date(2026, 11, 1))
    rep = login_as(w.rep)
    assert pay(rep, order, "6000", "t1").status_code == 303
    refused = pay(rep, order, "4000.01", "t2")
    assert refused.status_code == 422 and "超过应收余额 4,000.00" in refused.get_data(as_text=True)
    assert pay(rep, order, "4000.00", "t3").status_code == 303
    assert received(order) == Decimal("10000.00")
    assert db.session.scalar(select(func.count(Payment.id))) == 2
    page = rep.get(f"/sales/orders/{order.id}").get_data(as_text=True)
    assert '<dd class="order-receivable">¥0.00</dd>' in page
    # Every payment is in the audit log.
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.record_type == "Payment", AuditEntry.action == "create")) == 2


def test_a_retried_post_with_the_same_token_records_one_payment(sales_world, login_as):
    w = sales_world
    order = sign(w.customer, w.rep, "10000.00", date(2026, 11, 1))
    rep = login_as(w.rep)
    first, second = pay(rep, order, "3000", "same-token"), pay(rep, order, "3000", "same-token")
    assert first.status_code == second.status_code == 303
    assert "重复提交未重复记录" in rep.get(f"/sales/orders/{order.id}").get_data(as_text=True)
    assert received(order) == Decimal("3000.00")
    assert db.session.scalar(select(func.count(Payment.id))) == 1


def concurrent_posts(app, user, url, bodies):
    """POST each body from its own client in its own thread, released together."""
    barrier = threading.Barrier(len(bodies))
    statuses = [None] * len(bodies)
    clients = [log_in(app.test_client(), user, PASSWORD) for _ in bodies]
    db.session.rollback()  # the test's own session must not hold SQLite's write lock while they race

    def post(index):
        barrier.wait()
        statuses[index] = clients[index].post(url, data=bodies[index]).status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def test_two_workers_with_the_same_token_record_one_payment(app, sales_world):
    w = sales_world
    order = sign(w.customer, w.rep, "10000.00", date(2026, 11, 1))
    body = {"amount": "2500", "paid_on": "2026-11-24", "method": "银行转账", "token": "double-click"}
    statuses = concurrent_posts(app, w.rep, f"/sales/orders/{order.id}/payments/new", [body] * 4)
    assert statuses == [303] * 4
    assert db.session.scalar(select(func.count(Payment.id))) == 1
    assert received(order) == Decimal("2500.00")


def test_concurrent_payments_cannot_together_exceed_the_receivable(app, sales_world):
    w = sales_world
    order = sign(w.customer, w.rep, "10000.00", date(2026, 11, 1))
    bodies = [{"amount": "6000", "paid_on": "2026-11-24", "method": "银行转账", "token": f"tab-{i}"} for i in range(4)]
    statuses = concurrent_posts(app, w.rep, f"/sales/orders/{order.id}/payments/new", bodies)
    assert sorted(statuses) == [303, 422, 422, 422]
    assert received(order) == Decimal("6000.00")
    assert db.session.scalar(select(func.sum(Payment.amount))) == Decimal("6000.00")


def test_invoiced_never_exceeds_the_total_and_voiding_frees_it(sales_world, login_as):
    w = sales_world
    order = sign(w.customer, w.rep, "10000.00", date(2026, 11, 1))
    rep = login_as(w.rep)

    def invoice(amount, token, number="FP001"):
        return rep.post(f"/sales/orders/{order.id}/invoices/new", data={
            "number": number, "kind": "增值税专用发票", "amount": amount, "issued_on": "2026-11-20", "token": token})

    assert invoice("7000", "i1").status_code == 303
    refused = invoice("3000.01", "i2", "FP002")
    assert refused.status_code == 422 and "可开票余额 3,000.00" in refused.get_data(as_text=True)
    assert invoice("7000", "i1").status_code == 303  # the retried POST: still one invoice
    assert db.session.scalar(select(func.count(Invoice.id))) == 1
    first = db.session.scalar(select(Invoice))
    assert rep.post(f"/sales/invoices/{first.id}/void").status_code == 303
    assert invoice("10000", "i3", "FP003").status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).invoiced_amount == Decimal("10000.00")
    assert db.session.get(Invoice, first.id).status == "已作废"  # kept on file, not deleted


def test_plan_instalments_are_paid_in_due_order(sales_world, login_as):
    w = sales_world
    order = sign(w.customer, w.rep, "10000.00", date(2026, 11, 1))
    rep = login_as(w.rep)
    plan = {"version": str(order.version), "instalments-0-due_on": "2026-12-31", "instalments-0-amount": "4000",
            "instalments-1-due_on": "2026-11-30", "instalments-1-amount": "5000"}
    refused = rep.post(f"/sales/orders/{order.id}/plan", data=plan)
    assert refused.status_code == 422 and "合计应等于订单金额" in refused.get_data(as_text=True)
    plan["instalments-1-amount"] = "6000"
    assert rep.post(f"/sales/orders/{order.id}/plan", data=plan).status_code == 303
    pay(rep, order, "7000", "p1")
    rows = db.session.execute(select(PaymentInstalment.due_on, PaymentInstalment.paid_amount, PaymentInstalment.settled)
                              .order_by(PaymentInstalment.due_on)).all()
    assert rows == [(date(2026, 11, 30), Decimal("6000.00"), True), (date(2026, 12, 31), Decimal("1000.00"), False)]


def test_cancelling_an_order_with_payments_needs_a_refund_first(sales_world, login_as):
    w = sales_world
    order = sign(w.customer, w.rep, "10000.00", date(2026, 11, 1))
    rep, boss = login_as(w.rep), login_as(w.supervisor)
    pay(rep, order, "2000", "p1")
    assert rep.post(f"/sales/orders/{order.id}/cancel").status_code == 403
    boss.post(f"/sales/orders/{order.id}/cancel")
    assert db.session.get(Order, order.id).status == "执行中"
    too_much = rep.post(f"/sales/orders/{order.id}/refunds/new", data={
        "amount": "2000.01", "paid_on": "2026-11-24", "method": "银行转账", "note": "客户退货", "token": "r0"})
    assert too_much.status_code == 422 and "超过已回款" in too_much.get_data(as_text=True)
    assert rep.post(f"/sales/orders/{order.id}/refunds/new", data={
        "amount": "2000", "paid_on": "2026-11-24", "method": "银行转账", "note": "客户退货", "token": "r1"}).status_code == 303
    assert boss.post(f"/sales/orders/{order.id}/cancel").status_code == 303
    db.session.expire_all()
    cancelled = db.session.get(Order, order.id)
    assert (cancelled.status, cancelled.received_amount) == ("已取消", Decimal("0.00"))
    assert db.session.scalar(select(func.count(Payment.id))) == 2  # the payment and its refund both stay
    assert pay(rep, order, "1", "p2").status_code == 403
    db.session.refresh(w.customer)
    assert w.customer.total_deal_amount == Decimal("0.00")


def test_an_edit_that_would_put_the_total_below_what_was_received_is_refused(sales_world, login_as):
    w = sales_world
    order = sign(w.customer, w.rep, "10000.00", date(2026, 11, 1))
    rep = login_as(w.rep)
    pay(rep, order, "6000", "e1")
    version = str(received(order) and db.session.get(Order, order.id).version)
    lines = {"version": version, "lines-0-product_name": "实施服务", "lines-0-quantity": "1", "lines-0-unit_price": "5999.99"}
    refused = rep.post(f"/sales/orders/{order.id}/edit", data=lines)
    assert refused.status_code == 422 and "订单金额不能低于已回款金额 6,000.00" in refused.get_data(as_text=True)
    assert received(order) == Decimal("6000.00") and db.session.get(Order, order.id).total == Decimal("10000.00")
    stale = rep.post(f"/sales/orders/{order.id}/edit", data={**lines, "version": "1", "lines-0-unit_price": "8000"})
    assert stale.status_code == 409
    ok = rep.post(f"/sales/orders/{order.id}/edit", data={**lines, "lines-0-unit_price": "4000", "lines-0-quantity": "2"})
    assert ok.status_code == 303
    db.session.expire_all()
    edited = db.session.get(Order, order.id)
    assert (edited.total, edited.receivable) == (Decimal("8000.00"), Decimal("2000.00"))
    assert db.session.scalar(select(func.sum(PaymentInstalment.amount))) == Decimal("8000.00")
    db.session.refresh(w.customer)
    assert w.customer.total_deal_amount == Decimal("8000.00")
