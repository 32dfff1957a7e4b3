"""Issue 11: spot-check findings count in the period of the revisit record checked; a record found
不真实 counts as not done and its score leaves 客户满意度. Hand-computed fixture."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models.customers import Customer
from portal.models.revisits import RevisitRecord, RevisitTask, SpotCheck
from portal.reports.kpis import Scope, build_review
from portal.reports.periods import Period
from portal.revisits import queries
from portal.rules.kpi import DEFAULT_KPI_WEIGHTS

Q3, OCTOBER = Period.of("quarter", 2026, 3), Period.of("month", 2026, 10)


@pytest.fixture
def checked_in_october(app, frozen_now, make_user, make_department):
    """Staff 王芳 did three Q3 revisits (scores 5, 3, 4); in October the supervisor found the first
    不真实 and the second 合格; the third was not drawn. Nothing else happened in October."""
    department = make_department("客服一部")
    staff = make_user("service", department, "wang", "王芳")
    other = make_user("service", department, "li", "李静")
    supervisor = make_user("supervisor", department, "sun", "孙丽")
    customer = Customer(code="KH2026000001", name="抽查期间客户有限公司")
    db.session.add(customer)
    db.session.flush()
    for n, (day, score, finding) in enumerate([(9, 5, "不真实"), (12, 3, "合格"), (20, 4, None)], start=1):
        task = RevisitTask(customer_id=customer.id, trigger="plan", unique_key=f"t{n}", due_on=date(2026, 9, day),
                           assignee_id=staff.id, status="已完成")
        record = RevisitRecord(task=task, customer_id=customer.id, staff_id=staff.id, method="电话", outcome="完成",
                               revisited_at=datetime(2026, 9, day, 10), satisfaction=score, answers={})
        db.session.add_all([task, record])
        db.session.flush()
        if finding:
            db.session.add(SpotCheck(record_id=record.id, staff_id=staff.id, supervisor_id=supervisor.id,
                                     sample_seed=7, period_start=date(2026, 9, 1), period_end=date(2026, 9, 30),
                                     result=finding, checked_at=datetime(2026, 10, 15 + n, 10)))
    db.session.commit()
    return staff, other, department


def review(period, staff, other, department):
    return build_review(period, Scope("department", department.name, department=department), [staff, other],
                        [department], DEFAULT_KPI_WEIGHTS)


def test_q3_review_counts_the_october_findings(checked_in_october):
    staff, other, department = checked_in_october
    row = review(Q3, staff, other, department).employees[0]
    texts = {code: figure.text for code, figure in row.figures.items()}
    assert texts["spot_check_pass"] == "50.0%"  # 合格 of {不真实, 合格}, both Q3 records
    assert texts["satisfaction"] == "3.50"  # (3 + 4) / 2: the 不真实 record's 5 leaves
    assert texts["satisfaction_share"] == "50.0%"  # the 4 of {3, 4}
    assert texts["revisit_completion"] == "66.7%"  # 2 of 3 due: the 不真实 one counts as not done
    # Weighted over satisfaction 70 (×15), completion 66.67 (×10), spot-checks 50 (×5): 1966.7 / 30.
    assert (row.score_text, row.rank) == ("65.6", 1)


def test_october_has_no_data_so_nobody_is_scored_or_ranked(checked_in_october):
    staff, other, department = checked_in_october
    result = review(OCTOBER, staff, other, department)
    for row in result.employees:
        assert set(f.text for f in row.figures.values()) == {"—"}
        assert (row.score, row.rank) == (None, None)


def test_the_revisits_analysis_counts_the_same_way(checked_in_october):
    assert queries.spot_check_pass(select(SpotCheck), Q3.start, Q3.last_day) == (1, 2)
    assert queries.spot_check_pass(select(SpotCheck), OCTOBER.start, OCTOBER.last_day) == (0, 0)
    assert queries.satisfaction(select(RevisitRecord), Q3.start, Q3.last_day) == (7, 2, 1)
    assert queries.revisit_completion(select(RevisitTask), Q3.start, Q3.last_day) == (2, 3)



def test_a_finding_made_after_issuing_shows_as_drift(checked_in_october, login_as, make_user):
    from portal.models.reports import IssuedReview

    staff, _other, department = checked_in_october
    supervisor = make_user("supervisor", department, "zhou", "周主管")
    client = login_as(supervisor)
    q3 = {"kind": "quarter", "year": "2026", "number": "3", "scope": f"d{department.id}"}
    assert client.post("/reports/issue", data=q3).status_code == 303
    issued = db.session.scalar(select(IssuedReview))
    assert issued.figures["employees"][f"u{staff.id}"]["figures"]["spot_check_pass"]["text"] == "50.0%"
    third = db.session.scalar(select(RevisitRecord).where(RevisitRecord.revisited_at == datetime(2026, 9, 20, 10)))
    db.session.add(SpotCheck(record_id=third.id, staff_id=staff.id, supervisor_id=supervisor.id, sample_seed=8,
                             period_start=date(2026, 9, 20), period_end=date(2026, 9, 20), result="不完整",
                             checked_at=datetime(2026, 11, 24, 9)))
    db.session.commit()
    detail = client.get(f"/reports/issued/{issued.id}").get_data(as_text=True)
    assert "已变化" in detail and "33.3%" in detail  # 合格 1 of 3 now, against the frozen 50.0 %
