"""销售统计 per rep and customer, 目标完成率, and the monthly product sheet equal on web, .xlsx and PDF."""
import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from portal.extensions import db
from portal.models.expenses import Expense
from portal.sales.services import LineInput, issue_invoice, record_order, record_payment


def world_orders(w):
    """张伟: 10,000 (cost 3,000/unit ×2 = 6,000) on 11-03, paid 4,000, invoiced 10,000; 李娜: 500 in October."""
    big = record_order(w.customer, w.rep, date(2026, 11, 3), [LineInput(w.product, str(w.product), Decimal("2"), Decimal("5000"))], w.rep)
    record_payment(big, Decimal("4000"), date(2026, 11, 10), "银行转账", "", "s1", w.rep)
    issue_invoice(big, "FP1", "普通发票", Decimal("10000"), date(2026, 11, 12), "s2")
    record_order(w.others_customer, w.other_rep, date(2026, 10, 30), [LineInput(None, "培训服务", Decimal("1"), Decimal("500"))], w.other_rep)
    db.session.add(Expense(kind="个人费用", category="差旅", amount=Decimal("320.00"), spent_on=date(2026, 11, 5),
                           description="差旅", submitted_by_id=w.rep.id, department_id=w.department.id, status="已批准",
                           customer_id=w.customer.id))
    db.session.commit()


def test_statement_per_rep_and_per_customer(sales_world, login_as, make_user):
    w = sales_world
    world_orders(w)
    boss = login_as(w.supervisor)
    html = boss.get("/sales/statements?group=rep&start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    row = html.split("<td>张伟</td>")[1].split("</tr>")[0]
    assert [cell.split("</td>")[0] for cell in row.split('<td class="num">')[1:]] == \
        ["¥10,000.00", "¥4,000.00", "¥6,000.00", "¥10,000.00", "¥320.00", "¥4,000.00"]
    assert "李娜" not in html  # her order is in October
    october = boss.get("/sales/statements?group=customer&start=2026-10-01&end=2026-10-31").get_data(as_text=True)
    assert w.others_customer.name in october and "¥500.00" in october
    # A rep sees only their own figures; marketing sees company totals and no rows.
    assert "李娜" not in login_as(w.rep).get("/sales/statements?start=2026-10-01&end=2026-11-30").get_data(as_text=True)
    marketing = login_as(make_user("marketing")).get("/sales/statements?group=customer&start=2026-10-01&end=2026-11-30")
    text = marketing.get_data(as_text=True)
    assert marketing.status_code == 200 and "全公司合计" in text and w.customer.name not in text and "¥10,500.00" in text


def test_targets_and_completion_rate(sales_world, login_as):
    w = sales_world
    world_orders(w)
    boss = login_as(w.supervisor)
    assert boss.post("/sales/targets", data={"month": "2026-11", f"target-{w.rep.id}": "40000",
                                             f"target-{w.other_rep.id}": "abc"}).status_code == 422
    assert boss.post("/sales/targets", data={"month": "2026-11", f"target-{w.rep.id}": "40000"}).status_code == 303
    html = login_as(w.rep).get("/sales/targets?month=2026-11").get_data(as_text=True)
    assert '<td class="num target-rate">25.0%</td>' in html and "李娜" not in html
    assert login_as(w.rep).post("/sales/targets", data={"month": "2026-11", f"target-{w.rep.id}": "1"}).status_code == 403


def test_product_sheet_is_the_same_on_web_xlsx_and_pdf(sales_world, login_as):
    w = sales_world
    world_orders(w)
    client = login_as(w.supervisor)
    web = client.get("/sales/product-sheet?year=2026&half=2").get_data(as_text=True)
    assert "2026年下半年产品销售月报" in web
    assert '<td class="num sheet-grand-amount">¥10,500.00</td>' in web
    # 客户管理系统企业版 V3.0: November 2 units, ¥10,000.00, profit 10,000 − 2 × 3,000 = ¥4,000.00.
    assert "客户管理系统企业版 V3.0" in web and "¥4,000.00" in web

    workbook = load_workbook(BytesIO(client.get("/sales/product-sheet.xlsx?year=2026&half=2").data))
    rows = list(workbook.active.iter_rows(values_only=True))
    by_name = {row[0]: row for row in rows[2:]}
    product = by_name["客户管理系统企业版 V3.0"]
    november = 1 + 3 * 4  # Jul, Aug, Sep, Oct before it
    assert product[november:november + 3] == (2, 10000, 4000)
    assert by_name["合计"][-3:] == (3, 10500, 4500)

    response = client.get("/sales/product-sheet.pdf?year=2026&half=2")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    assert "2026年下半年产品销售月报" in text and "客户管理系统企业版 V3.0" in text
    assert "¥10,500.00" in text and "¥4,500.00" in text and "¥4,000.00" in text


def test_statement_figures_test_the_scope_on_each_row(sales_world, login_as, count_queries, make_user, make_department):
    """Each figure starts from its period's date index and checks the scope per row: an `id IN (scope ids)`
    made the database read every order and expense of the scope to sum one month. Scopes still hold."""
    w = sales_world
    world_orders(w)
    outsider = make_user("sales", department=make_department("销售二部"), display_name="赵六")
    record_order(w.others_customer, outsider, date(2026, 11, 4), [LineInput(None, "外部门", Decimal("1"), Decimal("777"))], outsider)
    db.session.commit()
    boss = login_as(w.supervisor)
    with count_queries() as counter:
        html = boss.get("/sales/statements?group=rep&start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert not [s for s in counter.statements if "sales_order.id IN" in s or "expense.id IN" in s]
    assert "赵六" not in html and "¥777.00" not in html and "¥10,000.00" in html
    rep = login_as(w.rep).get("/sales/statements?group=customer&start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert "¥777.00" not in rep and "¥10,000.00" in rep and "¥320.00" in rep
