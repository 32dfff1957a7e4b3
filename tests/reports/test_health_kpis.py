"""预警处理及时率 and 挽回率 on a hand-built set of churn warnings, with their drill-down rows."""
from datetime import date, datetime

from portal.extensions import db
from portal.models.customer_health import ChurnWarning
from portal.reports.kpis import KPIS, Scope, count_kpis, part_query
from portal.reports.periods import Period

Q3 = Period.of("quarter", 2026, 3)


def warning(customer, owner, raised: datetime, handle_by: date, handled=None, recovered=None):
    row = ChurnWarning(customer_id=customer.id, owner_id=owner.id, raised_at=raised, raised_on=raised.date(),
                       handle_by=handle_by, score=30, level="风险", reasons=["健康度 30 分，等级为风险"],
                       status="已处理" if handled else ("已恢复" if recovered else "待处理"),
                       handled_at=handled, recovered_at=recovered)
    db.session.add(row)
    db.session.flush()
    return row.id


def test_warning_kpis_hand_computed(app, frozen_now, make_user, make_department, new_customer, login_as):
    department = make_department("销售一部")
    a, b = make_user("sales", department=department), make_user("sales", department=department)
    customers = [new_customer(a) for _ in range(6)]
    # A: w1 handled on its deadline day, recovered after 40 days → on time, won back.
    w1 = warning(customers[0], a, datetime(2026, 7, 6, 2), date(2026, 7, 13), handled=datetime(2026, 7, 13, 18),
                 recovered=datetime(2026, 8, 15, 2))
    # A: w2 handled a day late, recovered after 100 days → late, not won back.
    w2 = warning(customers[1], a, datetime(2026, 8, 3, 2), date(2026, 8, 10), handled=datetime(2026, 8, 11, 9),
                 recovered=datetime(2026, 11, 11, 2))
    # A: w3 recovered on its own before its deadline, never handled → not due; raised in Q3, won back.
    w3 = warning(customers[2], a, datetime(2026, 9, 1, 2), date(2026, 9, 8), recovered=datetime(2026, 9, 3, 2))
    # A: w4 unhandled, deadline 2026-10-09 → due in Q4, not Q3; raised in Q3, not recovered.
    w4 = warning(customers[3], a, datetime(2026, 9, 29, 2), date(2026, 10, 9))
    # B: w5 raised in Q2 with its deadline in Q3, never handled → due (late), not raised in Q3.
    w5 = warning(customers[4], b, datetime(2026, 6, 29, 2), date(2026, 7, 6))
    db.session.commit()
    expected_a_due, expected_a_on_time = {w1, w2}, {w1}

    counts = count_kpis(Q3, Scope("company", "全公司"))
    timeliness = counts.figure("warning_timeliness", [a.id])
    assert (timeliness.numerator, timeliness.denominator, timeliness.text) == (1, 2, "50.0%")
    assert counts.figure("warning_timeliness", [b.id]).text == "0.0%"  # w5 late
    assert counts.figure("warning_timeliness").text == "33.3%"  # 1 of {w1, w2, w5}
    win_back = counts.figure("win_back", [a.id])
    assert (win_back.numerator, win_back.denominator, win_back.text) == (2, 4, "50.0%")  # w1, w3 of w1–w4
    assert counts.figure("win_back", [b.id]).text == "—"  # nothing raised in Q3

    company = Scope("company", "全公司")
    ids = lambda part: {row.record_id for row in db.session.execute(part_query("warning_timeliness", part, Q3, company))}
    assert ids("denominator") == expected_a_due | {w5} and ids("numerator") == expected_a_on_time
    won = {row.record_id for row in db.session.execute(part_query("win_back", "numerator", Q3, company))}
    assert won == {w1, w3} and w4 not in won
    assert KPIS["warning_timeliness"].name == "预警处理及时率" and KPIS["win_back"].name == "挽回率"
    assert not KPIS["win_back"].weighted


def test_review_page_shows_the_kpis_and_drills_down(app, frozen_now, make_user, make_department, new_customer,
                                                    login_as):
    department = make_department("销售一部")
    sales, supervisor = make_user("sales", department=department), make_user("supervisor", department=department)
    customer = new_customer(sales, name="预警钻取有限公司")
    warning(customer, sales, datetime(2026, 11, 2, 2), date(2026, 11, 9), handled=datetime(2026, 11, 4, 10))
    db.session.commit()
    client = login_as(supervisor)
    html = client.get("/reports/?kind=month&year=2026&number=11").get_data(as_text=True)
    assert "预警处理及时率" in html and "挽回率" in html
    drill = client.get("/reports/kpis/warning_timeliness/numerator?kind=month&year=2026&number=11")
    assert drill.status_code == 200 and "预警钻取有限公司" in drill.get_data(as_text=True)
