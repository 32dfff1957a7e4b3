"""The marketing area in English and 繁體中文 (issue 17): list, activity page, form errors, export and the
activity report PDF speak the reader's language; stored kinds and statuses stay as they are (简体)."""
import shutil
import subprocess
from datetime import datetime
from io import BytesIO

import pytest
from flask_babel import refresh
from openpyxl import load_workbook

from portal.extensions import db
from portal.models.marketing import Activity, ActivityParticipant
from tests.conftest import speaking



def fetch(client, path, **kwargs):
    """Requests in a test share the test's app context, so Flask-Babel's cached locale is dropped first."""
    refresh()
    return client.post(path, **kwargs) if "data" in kwargs else client.get(path)


@pytest.fixture
def running_fair(people, make_activity, make_customer):
    """A 展会 in progress with one attendee and one invitee."""
    fair = make_activity(owner=people["marketing"], theme="秋季工业展", status="进行中")
    db.session.add(ActivityParticipant(activity_id=fair.id, customer_id=make_customer(owner=people["sales"]).id,
                                       status="已到场", attended_at=datetime(2026, 11, 21, 10, 0)))
    db.session.add(ActivityParticipant(activity_id=fair.id, customer_id=make_customer(owner=people["sales"]).id,
                                       status="已邀请"))
    db.session.commit()
    return fair


def test_activity_list_in_english_and_traditional(app, frozen_now, people, login_as, running_fair):
    english = fetch(login_as(speaking(people["marketing"], "en")), "/marketing/").get_data(as_text=True)
    assert "Activity results compared" in english and "Actual cost" in english and "Invited / attended" in english
    assert "Trade fair" in english and "In progress" in english and "秋季工业展" in english
    table = english[english.index('class="activity-table"'):]
    assert "进行中" not in table and "展会" not in table
    traditional = fetch(login_as(speaking(people["supervisor"], "zh_Hant_TW")), "/marketing/").get_data(as_text=True)
    assert "活動效果對比" in traditional and "實際費用" in traditional and "展會" in traditional
    assert "進行中" in traditional and ">計畫中</option>" in traditional  # the status filter shows 繁體 labels
    assert db.session.get(Activity, running_fair.id).status == "进行中" and running_fair.kind == "展会"


def test_activity_page_in_english_and_traditional(app, frozen_now, people, login_as, running_fair):
    english = fetch(login_as(speaking(people["marketing"], "en")), f"/marketing/{running_fair.id}").get_data(as_text=True)
    assert "Activity details" in english and "Participants" in english and "Activity results" in english
    assert "Invited 2 · Registered 0 · Attended 1" in english
    assert "2026-11-20 to 2026-11-24" in english and "Within budget, ¥10,000.00 left" in english
    assert ">Attended</span>" in english and ">Invited</span>" in english and "Finish activity" in english
    assert "已到场" not in english and "参与客户" not in english
    traditional = fetch(login_as(speaking(people["supervisor"], "zh_Hant_TW")),
                        f"/marketing/{running_fair.id}").get_data(as_text=True)
    assert "活動資訊" in traditional and "參與客戶" in traditional and ">已到場</span>" in traditional
    assert "預算內，剩餘 ¥10,000.00" in traditional


def test_form_errors_and_refusals_in_english(app, frozen_now, people, login_as, running_fair):
    client = login_as(speaking(people["marketing"], "en"))
    response = fetch(client, "/marketing/new", data={"theme": "", "kind": "展会", "starts_on": "2026-12-01",
                                                   "ends_on": "2026-11-30", "owner_id": str(people["marketing"].id),
                                                   "budget": "100"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the activity theme" in html and "请填写活动主题" not in html
    refused = fetch(client, f"/marketing/{running_fair.id}/start", data={})
    assert refused.status_code == 409 and "and cannot be started" in refused.get_data(as_text=True)


def test_export_headers_and_values_in_english(app, frozen_now, people, login_as, running_fair):
    response = fetch(login_as(speaking(people["marketing"], "en")), "/marketing/export")
    sheet = load_workbook(BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert header[-3:] == ["Invited", "Registered", "Attended"] and "Actual cost (¥)" in header
    assert [sheet.cell(2, 2).value, sheet.cell(2, 7).value] == ["Trade fair", "In progress"]
    assert "marketing-activities_20261124.xlsx" in response.headers["Content-Disposition"]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
@pytest.mark.parametrize("language, expected, absent", [
    ("en", ("Marketing activity report: 秋季工业展", "2026-11-20 to 2026-11-24", "Trade fair", "Participation",
            "Activity results", "Cost per lead", "Expenses", "In progress"), ("参与情况", "至")),
    ("zh_Hant_TW", ("市場活動報告：秋季工业展", "2026-11-20 至 2026-11-24", "展會", "參與情況", "活動效果",
                    "單個線索成本", "費用明細", "進行中"), ("参与情况", "费用明细")),
])
def test_activity_report_pdf_in_english_and_traditional(app, frozen_now, people, login_as, running_fair, tmp_path,
                                                       language, expected, absent):
    response = fetch(login_as(speaking(people["marketing"], language)), f"/marketing/{running_fair.id}/report.pdf")
    assert response.status_code == 200
    path = tmp_path / "activity.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for word in expected:
        assert word in text, word
    for word in absent:
        assert word not in text, word
