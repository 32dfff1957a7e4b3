"""The customers, follow-ups and work-list screens in English and 繁體中文 (issue 17): headings, labels,
errors, Excel headers and the portal's own values (stages, tiers, channels) translated; stored data
(names, what people typed, the stage as stored) unchanged."""
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from portal.customers import excel
from portal.extensions import db
from portal.models.customers import Customer
from portal.models.followups import FollowUp
from tests.conftest import speaking



@pytest.fixture
def english_rep(sales_team):
    return speaking(sales_team["zhang"], "en")


@pytest.fixture
def interested(app, frozen_now, sales_team, make_customer):
    """A customer in stage 意向 (Interested / 意向) and tier 重点 (Key / 重點), overdue since yesterday."""
    return make_customer("杭州云帆科技有限公司", owner=sales_team["zhang"], grade="A", tier="重点", stage="意向",
                         source_channel="展会登记", contacts=[{"name": "王伟", "phone": "13812345678",
                                                              "decision_role": "决策者"}],
                         last_contacted_at=datetime(2026, 11, 20, 9), next_due_on=date(2026, 11, 20))


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_customer_list_in_english(interested, english_rep, login_as):
    html = html_of(login_as(english_rep).get("/customers/"))
    assert 'lang="en"' in html
    for words in ("Customers", "New customer", "Export this list", "All customers", "Mine", "Open pool",
                  "Customer name", "Next follow-up", "Clear filters"):
        assert words in html, words
    assert "<td>Interested</td>" in html and "<td>Key</td>" in html  # the stored values, shown translated
    assert "杭州云帆科技有限公司" in html  # data stays as typed
    assert ">意向<" not in html and "客户档案" not in html
    assert db.session.get(Customer, interested.id).stage == "意向"


def test_customer_detail_in_english(interested, english_rep, login_as):
    html = html_of(login_as(english_rep).get(f"/customers/{interested.id}"))
    for words in ("Stage: <strong>Interested</strong>", "Tier: Key", "Basic information", "File completeness",
                  "Record follow-up", "Edit file", "Timeline", "Change history", "Trade show", "Decision maker",
                  "Stage change", "File created: Interested", "New customer file", "Follow-ups"):
        assert words in html, words
    assert "杭州云帆科技有限公司" in html and "王伟" in html
    assert "基本信息" not in html and "阶段变更" not in html


def test_customer_list_and_detail_in_traditional(app, frozen_now, sales_team, make_customer, login_as):
    rep = speaking(sales_team["zhang"], "zh_Hant_TW")
    customer = make_customer("上海远景贸易有限公司", owner=rep, tier="重点", stage="潜在")
    listing = html_of(login_as(rep).get("/customers/"))
    assert 'lang="zh-TW"' in listing
    assert "客戶檔案" in listing and "新建客戶" in listing and "全部客戶" in listing
    assert "<td>潛在</td>" in listing and "<td>重點</td>" in listing
    assert "上海远景贸易有限公司" in listing  # the name as typed, in simplified characters
    detail = html_of(login_as(rep).get(f"/customers/{customer.id}"))
    assert "階段：<strong>潛在</strong>" in detail and "基本資訊" in detail and "檔案完整度" in detail
    assert "基本信息" not in detail
    assert db.session.get(Customer, customer.id).stage == "潜在"


def test_invalid_customer_form_answers_422_in_english(app, frozen_now, english_rep, login_as):
    response = login_as(english_rep).post("/customers/new", data={"name": "", "grade": "B", "tier": "普通",
                                                                  "stage": "潜在"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter the customer name" in html and "Choose a source channel" in html
    assert "请填写客户名称" not in html
    assert '<option selected value="潜在">Prospect</option>' in html  # stored value, translated label


def test_export_header_row_and_values_in_english(interested, english_rep, login_as):
    response = login_as(english_rep).get("/customers/export")
    sheet = load_workbook(BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Customer no.", "Customer name", "Intent grade", "Tier", "Stage", "Owner"]
    assert sheet.title == "Customers"
    row = [cell.value for cell in sheet[2]]
    assert row[1] == "杭州云帆科技有限公司" and row[3:5] == ["Key", "Interested"] and row[7] == "Trade show"


def test_print_page_in_english(interested, english_rep, login_as):
    html = html_of(login_as(english_rep).get(f"/customers/{interested.id}/print"))
    for words in ("Customer file: 杭州云帆科技有限公司", "Printed by", "Timeline (latest 30)", "Basic information",
                  "Grade / tier / stage", "Key / Interested", "Stage change"):
        assert words in html, words
    assert "打印人" not in html


# --- Excel import in the user's language -------------------------------------------------------------------

def sheet_bytes(rows) -> BytesIO:
    workbook = Workbook()
    for values in rows:
        workbook.active.append(values)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def test_english_template_imports_with_english_headers_and_values(app, frozen_now, sales_team, login_as):
    client = login_as(speaking(sales_team["boss"], "en"))
    template = load_workbook(BytesIO(client.get("/customers/import/template").data))
    header = [cell.value for cell in template.active[1]]
    assert header[:3] == ["Customer name*", "Unified social credit code", "Industry"]
    assert template.sheetnames == ["Customer import", "Instructions"]
    values = dict.fromkeys((name for _header, name in excel.IMPORT_COLUMNS), "")
    values.update(name="宁波英文模板有限公司", source_channel="Trade show", tier="Key", stage="Interested",
                  is_member="No", contact_name="李雷", contact_role="Influencer")
    response = client.post("/customers/import", content_type="multipart/form-data", data={
        "file": (sheet_bytes([header, [values[name] for _header, name in excel.IMPORT_COLUMNS]]), "c.xlsx"),
        "on_match": "skip"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Import preview" in html and "Import 1 row(s)" in html, html[-2000:]
    marker = 'name="token" type="hidden" value="'
    token = html[html.index(marker) + len(marker):].split('"', 1)[0]
    client.post("/customers/import/confirm", data={"token": token, "on_match": "skip"})
    customer = db.session.query(Customer).filter_by(name="宁波英文模板有限公司").one()
    assert (customer.source_channel, customer.tier, customer.stage) == ("展会登记", "重点", "意向")
    assert customer.contacts[0].decision_role == "影响者"


def test_row_errors_and_wrong_header_in_english(app, frozen_now, sales_team, login_as):
    client = login_as(speaking(sales_team["boss"], "en"))
    chinese_header = [header for header, _name in excel.IMPORT_COLUMNS]  # the 简体 header is still accepted
    bad = dict.fromkeys((name for _header, name in excel.IMPORT_COLUMNS), "")
    bad.update(name="温州错误有限公司", source_channel="路边", contact_phone="123")
    response = client.post("/customers/import", content_type="multipart/form-data", data={
        "file": (sheet_bytes([chinese_header, [bad[name] for _header, name in excel.IMPORT_COLUMNS]]), "c.xlsx")})
    html = response.get_data(as_text=True)
    assert "Source channel must be one of: Sales visit, Phone enquiry" in html
    assert "Contact phone must be an 11-digit mobile number" in html
    wrong = client.post("/customers/import", content_type="multipart/form-data", data={
        "file": (sheet_bytes([["Name", "Phone"]]), "c.xlsx")})
    assert wrong.status_code == 422
    assert "The header row does not match the template" in wrong.get_data(as_text=True)


# --- follow-ups and the work list ---------------------------------------------------------------------------

def test_followups_and_work_list_in_english(interested, english_rep, login_as):
    db.session.add(FollowUp(customer_id=interested.id, author_id=english_rep.id, method="面谈",
                            contacted_at=datetime(2026, 11, 20, 9), recorded_at=datetime(2026, 11, 20, 9, 10),
                            content="讨论了报价"))
    db.session.commit()
    client = login_as(english_rep)
    followups = html_of(client.get("/followups/"))
    assert "<td>In person</td>" in followups and "讨论了报价" in followups and "Follow-ups" in followups
    work = html_of(client.get("/"))
    for words in ("My work list", "Follow-ups due today and overdue", "4 days overdue", "Grade A · Interested",
                  "Write follow-up"):
        assert words in work, words
    assert "今日及逾期跟进" not in work
    form = client.post(f"/followups/customers/{interested.id}/new", data={"content": ""})
    assert form.status_code == 422 and "Enter what was discussed" in form.get_data(as_text=True)


def test_error_page_in_english(app, english_rep, login_as):
    response = login_as(english_rep).get("/customers/999999")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "The page does not exist, or the record is outside your scope" in html and "Back to my work list" in html


def test_account_and_password_pages_in_english(app, english_rep, login_as):
    client = login_as(english_rep)
    account = html_of(client.get("/account"))
    assert "My account" in account and "Changes only the interface text" in account and "Change password" in account
    response = client.post("/account/password", data={"current_password": "wrong", "new_password": "x",
                                                       "confirm_password": "y"})
    assert response.status_code == 422 and "The two new passwords do not match" in response.get_data(as_text=True)
    response = client.post("/account/password", data={"current_password": "wrong", "new_password": "Lang-check-2026",
                                                       "confirm_password": "Lang-check-2026"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "The current password is incorrect" in html
    assert "当前密码不正确" not in html


def test_work_list_in_traditional(interested, sales_team, login_as):
    work = html_of(login_as(speaking(sales_team["zhang"], "zh_Hant_TW")).get("/"))
    assert "今日及逾期跟進" in work and "寫跟進" in work and "A類 · 意向" in work
    assert "今日及逾期跟进" not in work


def test_wtforms_own_messages_in_traditional(app, frozen_now, sales_team, login_as):
    """WTForms' built-in messages come in 繁體 too (it ships them as zh_TW, not zh_Hant_TW)."""
    rep = speaking(sales_team["zhang"], "zh_Hant_TW")
    response = login_as(rep).post("/customers/new", data={"name": "杭州云帆科技有限公司", "source_channel": "展会登记",
                                                          "grade": "B", "tier": "普通", "stage": "不存在"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "不是有效的選擇" in html and "不是有效的选择" not in html
