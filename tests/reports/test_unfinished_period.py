"""Issue 11: a period that has not ended says 数据截至 <date> on the page and in the PDF and cannot be
issued; nobody without data is scored or ranked, and the sheet counts only the ranked."""
from sqlalchemy import func, select

from portal.extensions import db
from portal.models.reports import IssuedReview
from portal.reports.periods import Period
from tests.reports.test_views import pdf_text

Q4 = {"kind": "quarter", "year": "2026", "number": "4"}


def test_period_knows_whether_it_has_ended():
    from datetime import date

    q4 = Period.of("quarter", 2026, 4)
    assert q4.data_until(date(2026, 12, 3)) == date(2026, 12, 3)
    assert q4.data_until(date(2027, 1, 1)) is None
    assert Period.of("quarter", 2027, 1).data_until(date(2026, 12, 3)) == date(2026, 12, 31)


def test_unfinished_quarter_says_so_and_offers_no_issue_button(review_world, login_as):
    client = login_as(review_world.supervisor)
    scope = f"d{review_world.sales_dept.id}"
    page = client.get("/reports/", query_string={**Q4, "scope": scope}).get_data(as_text=True)
    assert "本期尚未结束，数据截至 2026-11-24" in page
    assert 'action="/reports/issue"' not in page
    ended = client.get("/reports/", query_string={"kind": "quarter", "year": "2026", "number": "3", "scope": scope})
    assert "数据截至" not in ended.get_data(as_text=True) and 'action="/reports/issue"' in ended.get_data(as_text=True)


def test_unfinished_quarter_cannot_be_issued_by_post(review_world, login_as):
    response = login_as(review_world.supervisor).post("/reports/issue", data={**Q4, "scope": f"d{review_world.sales_dept.id}"})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(IssuedReview.id))) == 0


def test_unfinished_quarter_pdf_says_data_until(review_world, login_as, tmp_path):
    response = login_as(review_world.supervisor).get(f"/reports/employees/{review_world.a.id}/sheet.pdf",
                                                     query_string=Q4)
    assert response.status_code == 200
    assert "数据截至2026-11-24" in "".join(pdf_text(response.data, tmp_path).split())


def test_review_pdf_of_unfinished_period_says_data_until(review_world, login_as, tmp_path):
    from tests.reports.test_views import finished_job_pdf

    client = login_as(review_world.supervisor)
    data = finished_job_pdf(client, client.post("/reports/pdf", data={**Q4, "scope": f"d{review_world.sales_dept.id}"}))
    assert "数据截至2026-11-24" in "".join(pdf_text(data, tmp_path).split())


def test_nobody_without_data_is_scored_or_ranked_on_the_page(review_world, login_as):
    """赵敏 (the 销售一部 supervisor) has no records in Q3: "—" for score and rank, never 0.0."""
    page = login_as(review_world.supervisor).get(
        "/reports/", query_string={"kind": "quarter", "year": "2026", "number": "3",
                                   "scope": f"d{review_world.sales_dept.id}"}).get_data(as_text=True)
    row = page[page.index('<th scope="row">赵敏</th>'):]
    row = row[:row.index("</tr>")]
    assert "0.0" not in row and "—" in row
