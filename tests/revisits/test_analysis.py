"""Completion rate and satisfaction arithmetic on a hand-built fixture, through the scoped SQL aggregates."""
from datetime import date, datetime

from portal.access.revisits import visible_revisit_records, visible_revisit_tasks
from portal.revisits import queries

NOV_START, NOV_END = date(2026, 11, 1), date(2026, 11, 30)


def build(make_user, make_department, make_customer, make_task, make_record):
    team, other = make_department("客服部"), make_department("客服二部")
    staff, outsider = make_user("service", team), make_user("service", other)
    customer = make_customer()
    # Tasks due in November for staff: 3 done, 1 refused, 1 still open, 1 cancelled (not counted) → 3 / 5.
    for status in ("已完成", "已完成", "已完成", "拒访", "待回访", "已取消"):
        make_task(customer, assignee=staff, due_on=date(2026, 11, 10), status=status)
    make_task(customer, assignee=staff, due_on=date(2026, 12, 1), status="已完成")  # outside the period
    make_task(customer, assignee=outsider, due_on=date(2026, 11, 10), status="待回访")  # other team
    # Scores in November: 5, 4, 3, 2 (+ an unreachable attempt and an unscored record) → sum 14, n 4, >=4: 2.
    for day, score in ((3, 5), (4, 4), (5, 3), (30, 2)):
        make_record(customer, staff, datetime(2026, 11, day, 23, 59), satisfaction=score)
    make_record(customer, staff, datetime(2026, 11, 6, 9), outcome="未接通", method="电话")
    make_record(customer, staff, datetime(2026, 11, 7, 9), method="实地", issues_raised="交付慢", issue_category="服务")
    make_record(customer, staff, datetime(2026, 10, 31, 23, 59), satisfaction=1)  # October
    make_record(customer, staff, datetime(2026, 12, 1, 0, 0), satisfaction=1)  # December
    make_record(customer, outsider, datetime(2026, 11, 3, 10), satisfaction=1)  # other team
    return team, staff, outsider


def test_completion_and_satisfaction_for_a_supervisor_scope(app, make_user, make_department, make_customer, make_task,
                                                            make_record):
    team, staff, _ = build(make_user, make_department, make_customer, make_task, make_record)
    supervisor = make_user("supervisor", team)
    assert queries.revisit_completion(visible_revisit_tasks(supervisor), NOV_START, NOV_END) == (3, 5)
    assert queries.satisfaction(visible_revisit_records(supervisor), NOV_START, NOV_END) == (14, 4, 2)
    # Company-wide (marketing) includes the other team's open task and score of 1.
    marketing = make_user("marketing")
    assert queries.revisit_completion(visible_revisit_tasks(marketing), NOV_START, NOV_END) == (3, 6)
    assert queries.satisfaction(visible_revisit_records(marketing), NOV_START, NOV_END) == (15, 5, 2)
    assert queries.satisfaction_by_month(visible_revisit_records(supervisor), date(2026, 10, 1), date(2026, 12, 31)) == [
        ("2026-10", 1, 1, 0), ("2026-11", 14, 4, 2), ("2026-12", 1, 1, 0)]


def test_results_by_method_and_issues_by_category(app, make_user, make_department, make_customer, make_task, make_record):
    team, staff, _ = build(make_user, make_department, make_customer, make_task, make_record)
    supervisor = make_user("supervisor", team)
    records = visible_revisit_records(supervisor)
    assert queries.results_by_method(records, NOV_START, NOV_END) == [("实地", 1, 1, 0, 0), ("电话", 5, 4, 1, 0)]
    assert queries.issues_by_category(records, NOV_START, NOV_END) == [("服务", 1, 0)]


def test_analysis_page_shows_the_figures(app, frozen_now, make_user, make_department, make_customer, make_task,
                                         make_record, login_as, hx):
    team, staff, _ = build(make_user, make_department, make_customer, make_task, make_record)
    client = login_as(make_user("supervisor", team))
    page = client.get("/revisits/analysis?start=2026-11-01&end=2026-11-30").get_data(as_text=True)
    assert "60.0%" in page and "已完成 3 / 期间到期 5" in page  # 3 / 5
    assert "3.50" in page and "50.0%" in page  # 14 / 4 and 2 / 4
    assert "<svg" in page and "style=" not in page
    assert "抽查合格率" in page and "合格 0 / 已抽查 0 条" in page
    fragment = client.get("/revisits/analysis?start=2026-11-01&end=2026-11-30", headers=hx).get_data(as_text=True)
    assert "60.0%" in fragment and "<html" not in fragment
    assert login_as(staff).get("/revisits/analysis").status_code == 403


def test_spot_check_pass_rate_counts_checks_in_the_period_of_the_record(app, make_user, make_department, make_customer,
                                                                 make_record):
    from portal.access.revisits import visible_spot_checks
    from portal.models.revisits import SpotCheck
    from portal.extensions import db

    team = make_department("客服部")
    staff, supervisor = make_user("service", team), make_user("supervisor", team)
    customer = make_customer()
    marks = [("合格", datetime(2026, 11, 3, 9)), ("合格", datetime(2026, 11, 30, 18)), ("不真实", datetime(2026, 11, 4, 9)),
             ("待抽查", None), ("合格", datetime(2026, 12, 1, 9))]
    for result, checked_at in marks:
        record = make_record(customer, staff, datetime(2026, 10, 20, 10), satisfaction=5)
        db.session.add(SpotCheck(record_id=record.id, staff_id=staff.id, supervisor_id=supervisor.id, sample_seed=1,
                                 period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), result=result,
                                 checked_at=checked_at))
    db.session.commit()
    # The records are October's: three 合格 of four concluded, whenever they were checked (the pending
    # one is not counted); November, when most checks were made, has none.
    assert queries.spot_check_pass(visible_spot_checks(supervisor), date(2026, 10, 1), date(2026, 10, 31)) == (3, 4)
    assert queries.spot_check_pass(visible_spot_checks(supervisor), NOV_START, NOV_END) == (0, 0)
    assert queries.spot_check_pass(visible_spot_checks(make_user("supervisor", make_department("别的部门"))),
                                   NOV_START, NOV_END) == (0, 0)
