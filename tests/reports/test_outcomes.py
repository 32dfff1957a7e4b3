"""Issue 11: after a review is issued, the supervisor records each employee's 奖惩 with a reason; it is
shown in the issued review and on the assessment sheet (PDF), audited, and frozen once confirmed."""
from sqlalchemy import select

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.reports import IssuedReview, ReviewOutcome
from tests.reports.test_views import pdf_text, q3


def issue_sales_q3(world, client) -> IssuedReview:
    assert client.post("/reports/issue", data=q3(f"d{world.sales_dept.id}")).status_code == 303
    return db.session.scalar(select(IssuedReview))


def test_supervisor_records_outcomes_shown_on_review_and_sheet_then_frozen(review_world, login_as, tmp_path):
    client = login_as(review_world.supervisor)
    issued = issue_sales_q3(review_world, client)
    url = f"/reports/issued/{issued.id}/outcomes/{review_world.a.id}"
    missing = client.post(url, data={"measure": "绩效奖金", "reason": ""})
    assert missing.status_code == 422 and "请填写理由" in missing.get_data(as_text=True)
    assert client.post(url, data={"measure": "警告", "reason": "投诉率偏高"}).status_code == 303
    outcome = db.session.scalar(select(ReviewOutcome))
    # Editable until confirmed: a correction is one more audited change.
    assert client.post(url, data={"measure": "培训辅导", "reason": "投诉率偏高，安排沟通技巧培训",
                                  "version": str(outcome.version)}).status_code == 303
    detail = client.get(f"/reports/issued/{issued.id}").get_data(as_text=True)
    assert "处罚：培训辅导" in detail and "安排沟通技巧培训" in detail and "待定稿" in detail
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.record_type == "ReviewOutcome")).all()
    assert sorted(actions) == ["create", "update"]

    sheet = client.get(f"/reports/employees/{review_world.a.id}/sheet.pdf", query_string=q3(""))
    text = "".join(pdf_text(sheet.data, tmp_path).split())
    assert "处罚：培训辅导" in text and "安排沟通技巧培训" in text

    assert client.post(f"/reports/issued/{issued.id}/outcomes/confirm").status_code == 303
    assert "已定稿" in client.get(f"/reports/issued/{issued.id}").get_data(as_text=True)
    assert client.post(url, data={"measure": "表彰", "reason": "改"}).status_code == 409
    assert client.get(f"/reports/issued/{issued.id}/outcomes/{review_world.b.id}").status_code == 409
    assert client.post(f"/reports/issued/{issued.id}/outcomes/confirm").status_code == 409
    db.session.expire_all()
    assert db.session.scalar(select(ReviewOutcome.measure)) == "培训辅导"


def test_outcomes_are_only_for_the_reviews_staff_and_its_supervisor(review_world, login_as):
    issued = issue_sales_q3(review_world, login_as(review_world.supervisor))
    other = login_as(review_world.other_supervisor)
    assert other.get(f"/reports/issued/{issued.id}/outcomes/{review_world.a.id}").status_code == 404
    assert other.post(f"/reports/issued/{issued.id}/outcomes/confirm").status_code == 404
    boss = login_as(review_world.supervisor)
    # 王芳 is not in the 销售一部 review.
    assert boss.get(f"/reports/issued/{issued.id}/outcomes/{review_world.c.id}").status_code == 404
    assert boss.post(f"/reports/issued/{issued.id}/outcomes/{review_world.a.id}",
                     data={"measure": "发奖金", "reason": "x"}).status_code == 422
    assert db.session.scalar(select(ReviewOutcome.id)) is None
