"""The review in English and 繁體中文: page, drill-down, form errors, Excel, PDFs (text and fonts), 奖惩.

Stored values stay Chinese (stage 成交, measure 绩效奖金); what the reader sees is translated. Time is
frozen by review_world (2026-11-24), so Q3 2026 has ended and can be issued."""
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook

from portal import pdf
from portal.extensions import db
from portal.i18n import ENGLISH, TRADITIONAL
from portal.models.reports import IssuedReview, ReviewOutcome
from tests.conftest import speaking

Q3 = {"kind": "quarter", "year": "2026", "number": "3"}


def q3(scope, **extra):
    return {**Q3, "scope": scope, **extra}



def run(tool: str, data: bytes, tmp_path, *args) -> str:
    path = tmp_path / f"{tool}.pdf"
    path.write_bytes(data)
    return subprocess.run([tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])],
                          capture_output=True, text=True, check=True).stdout


def review_pdf(client, scope) -> bytes:
    response = client.post("/reports/pdf", data=q3(scope))
    assert response.status_code == 303
    pdf.wait_for_jobs()
    download = client.get(response.headers["Location"] + "/file")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    return download.data


def test_review_page_in_english(review_world, login_as):
    client = login_as(speaking(review_world.admin, ENGLISH))
    html = client.get("/reports/", query_string=q3("company")).get_data(as_text=True)
    for text in ("KPI summary", "Customer retention", "Conversion rate", "Overall score", "Company-wide · Q3 2026",
                 "compared with Q2 2026 (2026-04-01 to 2026-06-30)", "Department review", "Employee review",
                 "Overall score by employee", "Export to Excel", "Generate PDF", "Quarterly", "66.7%"):
        assert text in html, text
    for chinese in ("客户留存率", "指标汇总", "2026年第3季度", "全公司", "季度"):
        assert chinese not in html, chinese


def test_review_page_in_traditional_chinese(review_world, login_as):
    client = login_as(speaking(review_world.admin, TRADITIONAL))
    html = client.get("/reports/", query_string=q3("company")).get_data(as_text=True)
    for text in ("指標彙總", "客戶留存率", "業務成長率", "資訊完整率", "2026年第3季度", "自訂", "部門考核", "員工考核"):
        assert text in html, text
    assert "客户留存率" not in html and "信息完整率" not in html
    assert 'font-family="Noto Sans CJK TC' in html and "Noto Sans CJK SC" not in html  # the charts' text


def test_drill_down_in_english(review_world, login_as):
    client = login_as(speaking(review_world.admin, ENGLISH))
    html = client.get("/reports/kpis/retention/denominator", query_string=q3("company")).get_data(as_text=True)
    assert "Customer retention · Won customers at period start" in html
    assert "Company-wide · Q3 2026 (2026-07-01 to 2026-09-30)" in html
    assert "Numerator: Customers still active at period end" in html and "Current stage" in html
    assert "Of the customers at the Won stage at period start" in html  # the KPI's definition


def test_invalid_custom_period_says_why_in_english(review_world, login_as):
    client = login_as(speaking(review_world.admin, ENGLISH))
    response = client.get("/reports/", query_string={"kind": "custom", "scope": "company"})
    assert response.status_code == 422
    assert "Enter a start date and an end date for a custom period" in response.get_data(as_text=True)


def test_review_excel_in_english(review_world, login_as):
    client = login_as(speaking(review_world.admin, ENGLISH))
    response = client.get("/reports/export.xlsx", query_string=q3("company"))
    assert response.status_code == 200
    assert "Review_Q3 2026_Company-wide.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.data))
    assert workbook.sheetnames[0] == "KPI summary"
    summary = list(workbook["KPI summary"].iter_rows(values_only=True))
    assert summary[0][:2] == ("Review period", "Q3 2026") and summary[1][:2] == ("Review scope", "Company-wide")
    assert summary[4] == ("KPI", "This period", "Previous period", "Change", "Numerator", "Denominator")
    names = [row[0] for row in summary[5:]]
    assert "Customer retention" in names and "Overall score" in names
    employees = list(workbook.worksheets[-1].iter_rows(values_only=True))
    assert employees[0][:2] == ("Name", "Department") and "Customer retention" in employees[0]


def test_review_pdf_in_english(review_world, login_as, tmp_path):
    client = login_as(speaking(review_world.admin, ENGLISH))
    data = review_pdf(client, "company")
    text = run("pdftotext", data, tmp_path, "-layout")
    for heading in ("Customer tracking review report", "1. KPI summary", "2. Department review",
                    "4. Employee review details", "6. Spot-check findings", "Appendix: KPI definitions",
                    "Company-wide · Q3 2026", "Customer retention", "Employee:", "Supervisor:"):
        assert heading in text, heading
    assert "Page 1 of" in text  # the footer's page counter
    assert "客户跟踪考核报告" not in text and "第 1 页" not in text
    fonts = run("pdffonts", data, tmp_path)
    assert "Noto-Sans-CJK-SC" in fonts and "CJK-TC" not in fonts


def test_review_pdf_in_traditional_chinese_uses_the_tc_font(review_world, login_as, tmp_path):
    client = login_as(speaking(review_world.admin, TRADITIONAL))
    data = review_pdf(client, "company")
    text = run("pdftotext", data, tmp_path, "-layout")
    for heading in ("客戶追蹤考核報告", "一、指標彙總", "二、部門考核", "附錄：指標定義", "全公司 · 2026年第3季度", "客戶留存率"):
        assert heading in text, heading
    assert "第1頁/共" in text.replace(" ", "")
    # Body, @page margin boxes (header, footer, page counter) and SVG chart text: all Traditional
    # Chinese glyphs, so no Simplified face is embedded at all.
    fonts = run("pdffonts", data, tmp_path)
    assert "Noto-Sans-CJK-TC" in fonts and "CJK-SC" not in fonts


def test_assessment_sheet_in_english(review_world, login_as, tmp_path):
    client = login_as(speaking(review_world.supervisor, ENGLISH))
    response = client.get(f"/reports/employees/{review_world.a.id}/sheet.pdf", query_string=Q3)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Assessment_sheet_" in response.headers["Content-Disposition"]
    text = run("pdftotext", response.data, tmp_path, "-layout")
    for words in ("Employee assessment sheet", "Name:", "Review period: Q3 2026 (2026-07-01 to 2026-09-30)",
                  "Overall score", "54.1", "Rank 2 / 2", "Supervisor's comments", "Page 1 of 1"):
        assert words in text, words


@pytest.mark.parametrize("language,expected", [(ENGLISH, "Reward: Performance bonus"), (TRADITIONAL, "獎勵：績效獎金")])
def test_outcome_kind_and_measure_are_translated(review_world, login_as, language, expected):
    supervisor = review_world.supervisor
    client = login_as(supervisor)
    assert client.post("/reports/issue", data=q3(f"d{review_world.sales_dept.id}")).status_code == 303
    issued = db.session.scalar(db.select(IssuedReview))
    db.session.add(ReviewOutcome(issued_review=issued, employee_id=review_world.a.id, measure="绩效奖金",
                                 reason="季度表现突出", recorded_by_id=supervisor.id))
    db.session.commit()
    client = login_as(speaking(supervisor, language))
    html = client.get(f"/reports/issued/{issued.id}").get_data(as_text=True)
    assert expected in html and "季度表现突出" in html  # the reason is what was typed
    form = client.get(f"/reports/issued/{issued.id}/outcomes/{review_world.b.id}").get_data(as_text=True)
    assert expected in form  # the measure's choices


def test_customer_file_pdf_in_english_and_traditional_chinese(review_world, login_as, tmp_path):
    customer = review_world.customers["c1"]
    client = login_as(speaking(review_world.admin, ENGLISH))
    response = client.get(f"/reports/customers/{customer.id}.pdf")
    assert response.status_code == 200 and "Customer_file_KH20260001.pdf" in response.headers["Content-Disposition"]
    text = run("pdftotext", response.data, tmp_path, "-layout")
    assert "Customer no." in text and "Page 1 of" in text and customer.name in text
    client = login_as(speaking(review_world.admin, TRADITIONAL))
    data = client.get(f"/reports/customers/{customer.id}.pdf").data
    assert "第1頁/共" in run("pdftotext", data, tmp_path, "-layout").replace(" ", "")
    fonts = run("pdffonts", data, tmp_path)
    assert "Noto-Sans-CJK-TC" in fonts and "CJK-SC" not in fonts
