"""Each KPI on the hand-built world (tests/reports/conftest.py), expectations computed by hand."""
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.reports.kpis import KPIS, Scope, build_review, count_kpis, part_query
from portal.reports.periods import Period
from portal.rules.kpi import DEFAULT_KPI_WEIGHTS

Q3 = Period.of("quarter", 2026, 3)


def company_review(world):
    staff = [world.a, world.b, world.c]
    return build_review(Q3, Scope("company", "全公司"), staff, [world.sales_dept, world.service_dept],
                        DEFAULT_KPI_WEIGHTS)


def texts(row):
    return {code: figure.text for code, figure in row.figures.items()}


def test_periods():
    assert (Q3.start.isoformat(), Q3.end.isoformat(), Q3.label) == ("2026-07-01", "2026-10-01", "2026年第3季度")
    assert Q3.previous() == Period.of("quarter", 2026, 2)
    assert Period.of("month", 2026, 1).previous().label == "2025年12月"
    assert Period.of("half", 2026, 2).range_text == "2026-07-01 至 2026-12-31"
    custom = Period.custom(Q3.start, Q3.start.replace(day=10))
    assert (custom.previous().start.isoformat(), custom.previous().end.isoformat()) == ("2026-06-21", "2026-07-01")


def test_customer_kpis_per_employee(review_world):
    review = company_review(review_world)
    a, b, c = (texts(row) for row in review.employees)
    # retention: A kept c1 of {c1, c2}; B kept c3 (dormant only after the period); C has no customers.
    assert (a["retention"], b["retention"], c["retention"]) == ("50.0%", "100.0%", "—")
    # conversion: A won c4 of {c4, c5}; B's c7 was won after the period, c6 did not exist at the start.
    assert (a["conversion"], b["conversion"], c["conversion"]) == ("50.0%", "0.0%", "—")
    # completeness: A's c1 10 + c2 3 of 4 customers × 10 fields; B 0 of 30.
    assert (a["completeness"], b["completeness"]) == ("32.5%", "0.0%")
    # complaints: t1 on A's c1 (t2 is a service request, t3 is in Q4) ÷ 3 active customers each.
    assert (a["complaint_rate"], b["complaint_rate"]) == ("33.3%", "0.0%")


def test_ticket_revisit_and_spot_check_kpis(review_world):
    c = texts(company_review(review_world).employees[2])
    assert c["resolution_rate"] == "50.0%"  # t1 of {t1, t2}
    assert c["timeliness_sla"] == "50.0%"  # t1 of {t1, t4 (breached, resolved in Q3)}
    assert c["satisfaction"] == "3.67"  # (5 + 4 + 2) / 3, the unscored record left out
    assert c["satisfaction_share"] == "66.7%"
    assert c["revisit_completion"] == "50.0%"  # 已完成 of {已完成, 待回访}; 已取消 left out
    assert c["spot_check_pass"] == "50.0%"  # 合格 of {合格, 不完整}; 待抽查 not made yet
    assert (c["growth"], c["followup_timeliness"]) == ("—", "—")


def test_deal_and_followup_kpis(review_world):
    a, b, _ = (texts(row) for row in company_review(review_world).employees[:3])
    assert a["growth"] == "25.0%"  # 50,000 / 40,000 − 1
    assert b["growth"] == "—"  # nothing signed in Q2
    assert a["followup_timeliness"] == "50.0%"  # f1 met on its due date, f2 missed; f3 is due in Q4


def test_department_totals_and_company(review_world):
    review = company_review(review_world)
    sales, service = (texts(row) for row in review.departments)
    assert (sales["retention"], sales["conversion"], sales["completeness"]) == ("66.7%", "33.3%", "18.6%")
    assert service["retention"] == "—"
    assert texts(review.total)["retention"] == "66.7%"


def test_previous_period_and_change(review_world):
    review = company_review(review_world)
    a = review.employees[0]
    # Q2: c1 and c2 were both won at 04-01 and still won at 07-01.
    assert a.previous["retention"].text == "100.0%"
    assert a.change_text("retention") == "-50.0个百分点"
    assert review.employees[1].change_text("retention") == "—"  # B had no won customer at 04-01


def test_weighted_score_and_rank(review_world):
    review = company_review(review_world)
    scores = {row.label: (row.score_text, row.rank) for row in review.employees}
    # B: (100×10 + 100×10 + 0×5 + 0×5) / 30; C: (73.33×15 + 50×35) / 50;
    # A: (retention 50×10 + complaints 66.67×10 + growth 62.5×10 + completeness 32.5×5 + conversion 50×5
    #     + follow-ups 50×10) / 50
    assert scores == {"李娜": ("66.7", 1), "王芳": ("57.0", 2), "张伟": ("54.1", 3)}


def test_zero_denominator_shows_dash(review_world):
    empty = Period.of("month", 2025, 1)
    review = build_review(empty, Scope("company", "全公司"), [review_world.a], [], DEFAULT_KPI_WEIGHTS)
    assert set(texts(review.total).values()) == {"—"}
    assert review.total.score is None and review.employees[0].rank is None


@pytest.mark.parametrize("code", [code for code, spec in KPIS.items() if spec.available])
def test_drill_down_rows_are_exactly_the_counts(review_world, code):
    scope = Scope("company", "全公司")
    counts = count_kpis(Q3, scope)
    for part, sums in (("numerator", counts.numerators[code]), ("denominator", counts.denominators[code])):
        rows = db.session.execute(part_query(code, part, Q3, scope)).all()
        assert sum(Decimal(str(r.value)) for r in rows) == sum(sums.values())
        assert len({r.record_id for r in rows}) == len(rows)


def test_department_scope_excludes_other_departments(review_world):
    scope = Scope("department", "销售一部", department=review_world.sales_dept)
    counts = count_kpis(Q3, scope)
    assert set(counts.denominators["retention"]) == {review_world.a.id, review_world.b.id}
    assert counts.denominators["resolution_rate"] == {}  # the tickets' assignee is in 客服一部


def test_revisit_figures_agree_with_the_revisits_area(review_world):
    """The revisits area's aggregate functions and this module count the same records (company-wide)."""
    from sqlalchemy import select

    from portal.models.revisits import RevisitRecord, RevisitTask, SpotCheck
    from portal.revisits import queries

    total = company_review(review_world).total.figures
    last_day = Q3.last_day
    score_sum, scored, good = queries.satisfaction(select(RevisitRecord), Q3.start, last_day)
    assert (total["satisfaction"].numerator, total["satisfaction"].denominator) == (score_sum, scored)
    assert total["satisfaction_share"].numerator == good
    done, due = queries.revisit_completion(select(RevisitTask), Q3.start, last_day)
    assert (total["revisit_completion"].numerator, total["revisit_completion"].denominator) == (done, due)
    passed, checked = queries.spot_check_pass(select(SpotCheck), Q3.start, last_day)
    assert (total["spot_check_pass"].numerator, total["spot_check_pass"].denominator) == (passed, checked)


def test_an_employee_scope_is_not_ranked_against_itself(review_world):
    scope = Scope("employee", "张伟", department=review_world.sales_dept, user=review_world.a)
    review = build_review(Q3, scope, [review_world.a], [], DEFAULT_KPI_WEIGHTS)
    assert review.employees[0].score_text == "54.1" and review.employees[0].rank is None


def test_monthly_deal_trend_over_previous_and_current_period(review_world):
    trend = company_review(review_world).trend
    assert [month for month, _ in trend] == ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
    assert [int(amount) for _, amount in trend] == [0, 40000, 0, 30000, 10000, 20000]


def test_followups_not_yet_due_are_not_counted_as_missed(review_world):
    """Q4 is running (today 2026-11-24): f3 was due 10-05 and missed; a next action due 12-01 is still open."""
    from datetime import date, datetime

    from portal.models.followups import FollowUp

    a, c4 = review_world.a, review_world.customers["c4"]
    db.session.add(FollowUp(customer_id=c4.id, author_id=a.id, contacted_at=datetime(2026, 11, 20, 10), recorded_at=datetime(2026, 11, 20, 10),
                            method="电话", content="电话沟通需求", next_action="报价", next_action_on=date(2026, 12, 1)))
    db.session.commit()
    q4 = Period.of("quarter", 2026, 4)
    due = db.session.execute(part_query("followup_timeliness", "denominator", q4, Scope("employee", a.display_name, user=a))).all()
    assert len(due) == 1


def test_previous_figures_are_worked_out_when_read(review_world, monkeypatch):
    from portal.reports.kpis import KpiCounts

    calls = []
    figure = KpiCounts.figure
    monkeypatch.setattr(KpiCounts, "figure", lambda self, code, owners=None: calls.append(code) or figure(self, code, owners))
    review = company_review(review_world)
    rows = 1 + len(review.departments) + len(review.employees)
    assert len(calls) == rows * len(KPIS)  # this period's figures only: scores and ranks need them all
    a = review.employees[0]
    assert a.previous["retention"].text == "100.0%" and len(calls) == rows * len(KPIS) + 1
    assert list(a.previous) == list(KPIS) and a.previous["retention"] is a.previous["retention"]
