"""应收账款 ageing per rep and customer, the work-list reminders, and who sees which order figures."""
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.sales.services import record_payment, set_payment_plan
from tests.sales.conftest import sign


def plan(order, *rows):
    set_payment_plan(order, [(due, Decimal(amount), "") for due, amount in rows])
    db.session.commit()


def test_ageing_table_per_rep_and_customer_across_month_ends(sales_world, login_as):
    w = sales_world  # today is 2026-11-24
    a = sign(w.customer, w.rep, "10000.00", date(2026, 6, 1))
    plan(a, (date(2026, 11, 30), "1000"),   # 未到期
            (date(2026, 10, 31), "2000"),   # 24 days overdue: 1–30
            (date(2026, 9, 24), "3000"),    # 61 days: 61–90
            (date(2026, 8, 25), "4000"))    # 91 days: 90+
    record_payment(a, Decimal("500"), date(2026, 11, 1), "银行转账", "", "pay-a", w.rep)  # pays 8-25 in part
    b = sign(w.others_customer, w.other_rep, "700.00", date(2026, 10, 25))  # due on signing: 30 days
    db.session.commit()
    html = login_as(w.supervisor).get("/sales/receivables").get_data(as_text=True)
    rep_rows = html.split('class="ageing-by-rep"')[1].split("</table>")[0]
    assert "<td>张伟</td><td class=\"num\">¥1,000.00</td><td class=\"num\">¥2,000.00</td><td class=\"num\">¥0.00</td>" \
           "<td class=\"num\">¥3,000.00</td><td class=\"num\">¥3,500.00</td><td class=\"num\">¥9,500.00</td>" in rep_rows
    assert "<td>李娜</td><td class=\"num\">¥0.00</td><td class=\"num\">¥700.00</td>" in rep_rows
    # The rep sees only their own customers' receivables.
    own = login_as(w.rep).get("/sales/receivables").get_data(as_text=True)
    assert "张伟" in own and "李娜" not in own and w.others_customer.name not in own
    assert b.id


def test_instalments_due_soon_reach_the_owner_and_overdue_ones_the_supervisor(sales_world, login_as):
    w = sales_world
    order = sign(w.customer, w.rep, "3000.00", date(2026, 11, 1))
    plan(order, (date(2026, 11, 20), "1000"), (date(2026, 12, 1), "1000"), (date(2026, 12, 2), "1000"))
    rep_page = login_as(w.rep).get("/").get_data(as_text=True)
    assert "7天内到期回款" in rep_page and "7天后到期" in rep_page  # 12-01 is 7 days away; 12-02 is not listed
    assert "8天后到期" not in rep_page
    boss_page = login_as(w.supervisor).get("/").get_data(as_text=True)
    assert "团队逾期回款" in boss_page and "逾期4天" in boss_page


def test_service_reads_orders_tech_sees_them_masked_and_marketing_not_at_all(sales_world, login_as, make_user):
    w = sales_world
    order = sign(w.customer, w.rep, "12345.00", date(2026, 11, 1))
    from portal.models.tickets import Ticket

    tech = make_user("tech")
    service = make_user("service")
    page = login_as(service).get(f"/sales/orders/{order.id}").get_data(as_text=True)
    assert "¥12,345.00" in page and "登记回款" not in page
    tech_client = login_as(tech)
    assert tech_client.get(f"/sales/orders/{order.id}").status_code == 404  # not a customer of their tickets
    db.session.add(Ticket(number="GD20261124001", kind="投诉", customer_id=w.customer.id, assignee_id=tech.id,
                          received_at=w.customer.created_at, complainant="王", channel="电话", category="产品",
                          severity="一般", description="系统故障", respond_due_at=w.customer.created_at,
                          resolve_due_at=w.customer.created_at))
    db.session.commit()
    page = tech_client.get(f"/sales/orders/{order.id}").get_data(as_text=True)
    assert "12,345" not in page and "***" in page and order.number in page
    assert "12,345" not in tech_client.get("/sales/orders/").get_data(as_text=True)
    marketing = login_as(make_user("marketing"))
    assert marketing.get("/sales/orders/").status_code == 403
    assert marketing.get(f"/sales/orders/{order.id}").status_code == 403
    assert order.number not in marketing.get(f"/customers/{w.customer.id}").get_data(as_text=True)


def test_query_parameters_cannot_widen_a_reps_order_list(sales_world, login_as):
    w = sales_world
    mine = sign(w.customer, w.rep, "100.00", date(2026, 11, 1))
    theirs = sign(w.others_customer, w.other_rep, "200.00", date(2026, 11, 2))
    html = login_as(w.rep).get(f"/sales/orders/?owner_id={w.other_rep.id}&per_page=100000&sort=-total").get_data(as_text=True)
    assert theirs.number not in html
    assert mine.number in login_as(w.rep).get("/sales/orders/?sort=bogus").get_data(as_text=True)
    assert login_as(w.rep).get(f"/sales/orders/{theirs.id}").status_code == 404
    assert login_as(w.rep).post(f"/sales/orders/{theirs.id}/payments/new",
                                data={"amount": "1", "paid_on": "2026-11-24", "token": "x"}).status_code == 404


def test_ageing_per_customer_follows_a_merge_and_groups_from_one_index(sales_world, login_as, new_customer,
                                                                        count_queries):
    from portal.customers.services import merge_customers

    w = sales_world  # today is 2026-11-24
    duplicate = new_customer(w.rep, name="重复录入的客户")
    plan(sign(w.customer, w.rep, "1000.00", date(2026, 6, 1)), (date(2026, 10, 31), "1000"))
    plan(sign(duplicate, w.rep, "500.00", date(2026, 6, 1)), (date(2026, 11, 30), "500"))
    merge_customers(w.customer, duplicate, w.supervisor)
    db.session.commit()
    with count_queries() as counter:
        html = login_as(w.supervisor).get("/sales/receivables").get_data(as_text=True)
    customer_rows = html.split('class="ageing-by-customer"')[1].split("</table>")[0]
    assert duplicate.name not in customer_rows  # its instalment moved with its order
    assert customer_rows.count(w.customer.name) == 1 and "¥1,500.00" in customer_rows
    grouped = next(s for s in counter.statements if "GROUP BY" in s and "customer_id" in s)
    assert "sales_order" not in grouped  # per customer from the instalments alone
