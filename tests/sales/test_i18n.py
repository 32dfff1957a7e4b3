"""The selling pages in English and 繁體 (issue 17): headings, stages, statuses, refusals, the work list,
the product sheet's .xlsx and PDF. Stored values stay 简体 (需求确认, 执行中); only what is shown changes."""
import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.models.sales import Opportunity, Quote
from portal.sales import services
from tests.sales.conftest import sign
from tests.conftest import speaking



def open_opportunity(w) -> Opportunity:
    """An opportunity moved to 需求确认, with a quote below floor price waiting for the supervisor."""
    opportunity = services.create_opportunity(w.customer, w.rep, {"name": "CRM升级项目", "expected_amount": Decimal("50000")},
                                              w.rep)
    db.session.flush()
    services.move_opportunity(opportunity, "需求确认", w.rep)
    services.create_quote(w.customer, opportunity, w.rep, [services.LineInput(w.product, str(w.product), Decimal("1"),
                                                                              Decimal("7000"))], "")
    db.session.commit()
    return opportunity


@pytest.mark.parametrize("language, words", [
    ("en", ["Needs confirmed", "Expected close", "Sales funnel", "Stage history", "Pending approval", "New quote"]),
    ("zh_Hant_TW", ["需求確認", "預計成交", "銷售漏斗", "階段歷史", "待審批", "新建報價"]),
])
def test_opportunity_list_and_page_in_the_user_language(sales_world, login_as, language, words):
    w = sales_world
    opportunity = open_opportunity(w)
    client = login_as(speaking(w.rep, language))
    listing = client.get("/sales/opportunities/").get_data(as_text=True)
    page = client.get(f"/sales/opportunities/{opportunity.id}").get_data(as_text=True)
    assert words[0] in listing and words[1] in listing and words[2] in listing
    assert words[0] in page and words[3] in page and words[4] in page and words[5] in page
    assert "CRM升级项目" in listing and ">需求确认<" not in listing  # the name as typed; the stage translated
    assert db.session.get(Opportunity, opportunity.id).stage == "需求确认"


@pytest.mark.parametrize("language, words", [
    ("en", ["In progress", "Order lines", "Record payment", "Not yet due", "Change order"]),
    ("zh_Hant_TW", ["執行中", "訂單明細", "登記回款", "未到期", "修改訂單"]),
])
def test_order_page_in_the_user_language(sales_world, login_as, language, words):
    w = sales_world
    order = sign(w.customer, w.rep, "1000.00", date(2026, 11, 30))
    page = login_as(speaking(w.rep, language)).get(f"/sales/orders/{order.id}").get_data(as_text=True)
    assert all(word in page for word in words), [word for word in words if word not in page]
    assert order.number in page and ">执行中<" not in page and order.status == "执行中"


def test_form_errors_and_money_refusals_in_english(sales_world, login_as):
    w = sales_world
    client = login_as(speaking(w.rep, "en"))
    empty = client.post(f"/sales/customers/{w.customer.id}/opportunities/new", data={"name": ""})
    assert empty.status_code == 422 and "Enter the opportunity name" in empty.get_data(as_text=True)
    order = sign(w.customer, w.rep, "1000.00", date(2026, 11, 20))
    form = client.get(f"/sales/orders/{order.id}/payments/new").get_data(as_text=True)
    token = form.split('name="token" type="hidden" value="')[1].split('"')[0]
    too_much = client.post(f"/sales/orders/{order.id}/payments/new",
                           data={"amount": "1000.01", "paid_on": "2026-11-21", "method": "银行转账", "token": token})
    assert too_much.status_code == 422
    assert "The payment exceeds the receivable balance of ¥1,000.00" in too_much.get_data(as_text=True)
    # The refusal rule itself stays plain: 简体 without a catalogue.
    from portal.rules.pricing import payment_refusal
    assert payment_refusal(Decimal("2"), Decimal("1"), Decimal("0")) == "回款金额超过应收余额 1.00 元"


def test_work_list_and_ageing_in_english(sales_world, login_as):
    w = sales_world
    open_opportunity(w)
    sign(w.customer, w.rep, "1000.00", date(2026, 10, 1))  # due on signing: 54 days overdue
    boss = login_as(speaking(w.supervisor, "en"))
    work = boss.get("/").get_data(as_text=True)
    assert "Quotes to approve (below floor price)" in work and "Pending approval" in work
    assert "Team's overdue payments" in work and "54 days overdue" in work
    ageing = boss.get("/sales/receivables").get_data(as_text=True)
    assert all(bucket in ageing for bucket in ("Not yet due", "1–30 days", "31–60 days", "Over 90 days"))
    assert db.session.query(Quote).one().status == "待审批"


def product_sheet_world(w):
    sign(w.customer, w.rep, "10000.00", date(2026, 11, 3))
    sign(w.others_customer, w.other_rep, "500.00", date(2026, 7, 30))


def test_product_sheet_xlsx_headers_in_english(sales_world, login_as):
    w = sales_world
    product_sheet_world(w)
    client = login_as(speaking(w.supervisor, "en"))
    web = client.get("/sales/product-sheet?year=2026&half=2").get_data(as_text=True)
    assert "Monthly product sales, second half of 2026" in web and ">Nov</th>" in web
    workbook = load_workbook(BytesIO(client.get("/sales/product-sheet.xlsx?year=2026&half=2").data))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "2026 H2" and rows[0][0] == "Monthly product sales, second half of 2026"
    assert rows[1][:4] == ("Product name", "Jul qty", "Jul amount", "Jul profit")
    assert rows[1][-3:] == ("Total qty", "Total amount", "Total profit")
    assert rows[-1][0] == "Total" and rows[-1][-2] == 10500


def pdf_text(client) -> str:
    response = client.get("/sales/product-sheet.pdf?year=2026&half=2")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()


def test_product_sheet_pdf_in_english_and_traditional(sales_world, login_as):
    w = sales_world
    product_sheet_world(w)
    english = pdf_text(login_as(speaking(w.supervisor, "en")))
    assert "Monthly product sales, second half of 2026" in english
    assert "Product name" in english and "Jul" in english and "Dec" in english and "Profit" in english
    assert "实施服务" in english and "¥10,500.00" in english  # product names stay as typed
    assert "月" not in english.replace("实施服务", "")
    traditional = pdf_text(login_as(speaking(w.rep, "zh_Hant_TW")))
    assert "2026年下半年產品銷售月報" in traditional and "產品名稱" in traditional and "利潤" in traditional
    assert "7月" in traditional and "合計" in traditional


@pytest.mark.parametrize("language, words", [
    ("en", ["Sales statistics", "Sales", "Received", "Gross profit"]),
    ("zh_Hant_TW", ["銷售統計", "銷售金額", "回款額", "毛利"]),
])
def test_sales_statements_in_the_user_language(sales_world, login_as, language, words):
    w = sales_world
    sign(w.customer, w.rep, "1000.00", date(2026, 11, 30))
    page = login_as(speaking(w.rep, language)).get("/sales/statements?date_from=2026-11-01&date_to=2026-11-30")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert all(word in html for word in words), [word for word in words if word not in html]
    assert "1,000.00" in html
