"""The ledger and the ticket page in English and 繁體: headings, statuses, severities, SLA words, form errors
and the Excel ledger's headers are translated; what is stored stays in 简体 as the portal defines it."""
import io

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook

from portal.extensions import db
from portal.models.tickets import Ticket, TransitionRefused
from tests.conftest import speaking

ENGLISH, TRADITIONAL = "en", "zh_Hant_TW"


def test_ledger_and_ticket_page_in_english(desk, login_as):
    client = login_as(speaking(desk["service"], ENGLISH))

    ledger = client.get("/tickets/").get_data(as_text=True)
    assert "Complaint analysis" in ledger and "Ticket no." in ledger and "Severity" in ledger
    assert "Major" in ledger and "Minor" in ledger and "Dispatched, not confirmed" in ledger
    assert "Response overdue by 4 d" in ledger and "14 d left" in ledger
    assert "响应超时" not in ledger and ">重大<" not in ledger

    page = client.get(f"/tickets/{desk['fresh'].id}").get_data(as_text=True)
    assert "Ticket details" in page and "Back to ledger" in page and "History" in page
    assert "Minor" in page and "Dispatched, not confirmed" in page and "Accepted" in page
    assert f"</a> ({desk['customer'].code})" in page  # the customer's code in English brackets
    assert "工单信息" not in page and "（已响应" not in page
    # What was typed (the description) stays as typed; the stored status and severity are unchanged.
    assert "设备无法开机" in page
    fresh = db.session.get(Ticket, desk["fresh"].id)
    assert (fresh.status, fresh.severity, fresh.dispatch_state) == ("新建", "轻微", "已派工未确认")


def test_ledger_and_ticket_page_in_traditional(desk, login_as):
    client = login_as(speaking(desk["service"], TRADITIONAL))

    ledger = client.get("/tickets/").get_data(as_text=True)
    assert "投訴分析" in ledger and "工單號" in ledger and "嚴重程度" in ledger
    assert "輕微" in ledger and "已派工未確認" in ledger and "回應逾時4天" in ledger and "剩餘14天" in ledger

    page = client.get(f"/tickets/{desk['late'].id}").get_data(as_text=True)
    assert "工單資訊" in page and "返回台帳" in page and "處理記錄" in page and "回應期限" in page
    assert "重大" in page and "新建" in page and "設備無法開機" not in page and "设备无法开机" in page


def test_work_list_sections_in_english(desk, login_as):
    body = login_as(speaking(desk["tech"], ENGLISH)).get("/").get_data(as_text=True)
    assert "Dispatches to confirm" in body and "Confirm dispatch" in body and "14 d left" in body
    assert " · New · Dispatched, not confirmed" in body
    assert "待确认的派工" not in body


def test_intake_error_in_english(desk, login_as):
    client = login_as(speaking(desk["service"], ENGLISH))
    response = client.post("/tickets/new", data={"customer_id": str(desk["customer"].id), "complainant": "",
                                                  "description": "", "kind": "投诉", "category": "产品",
                                                  "severity": "一般", "channel": "电话",
                                                  "received_at": "2026-11-24T09:00"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Enter the complainant" in body and "Describe the issue" in body
    assert "Complaint" in body and "Service request" in body and "On-site visit" in body
    assert "请填写投诉人" not in body


def test_refused_transition_names_the_status_in_the_readers_language(app, desk):
    """A state machine refusal names the stored status in the reader's language."""
    ticket, tech = desk["fresh"], desk["tech"]
    with app.test_request_context(), force_locale(ENGLISH):
        with pytest.raises(TransitionRefused) as refused:
            ticket.reopen(tech, "客户再次来电")
    assert str(refused.value) == 'The ticket is "New"; this action is not allowed'
    with app.test_request_context(), force_locale(TRADITIONAL):
        with pytest.raises(TransitionRefused) as refused:
            ticket.start(tech)
    assert str(refused.value) == "派工確認後才能開始處理"
    assert ticket.status == "新建"


def test_ledger_excel_headers_in_english(desk, login_as):
    response = login_as(speaking(desk["service"], ENGLISH)).get("/tickets/export.xlsx")
    assert response.status_code == 200
    assert "Issue%20ledger" in response.headers["Content-Disposition"] or \
        "Issue ledger" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["Issue ledger"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Ticket no.", "Received at", "Customer", "Type", "Category", "Severity")
    assert "Dispatch state" in rows[0] and "Root cause type" in rows[0] and "Satisfaction" in rows[0]
    severities = {row[5] for row in rows[1:]}
    assert severities == {"Major", "Minor"}
    assert all(row[2] == "苏州恒达精密机械有限公司" for row in rows[1:])


def test_ledger_excel_in_simplified_by_default(desk, login_as):
    response = login_as(desk["service"]).get("/tickets/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.data))["问题跟踪台账"]
    assert next(sheet.iter_rows(values_only=True))[:3] == ("工单号", "受理时间", "客户")
