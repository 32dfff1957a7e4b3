"""Sections that find nothing run their count only: the rows query of an empty team walked every
open revisit task (20 ms) or every pending expense (25 ms) of the company in order and kept none."""
from portal import clock
from portal.expenses.sections import expenses_to_approve
from portal.revisits.sections import revisit_tasks_section
from tests.workbench.test_workbench import team  # noqa: F401  (fixture)


def test_supervisor_without_team_tasks_or_pending_expenses_runs_one_count_each(
        app, frozen_now, make_department, make_user, count_queries):
    supervisor = make_user("supervisor", department=make_department("技术部"))
    assert supervisor.role == "supervisor"  # loaded before counting (the commit expired it)
    for builder in (revisit_tasks_section, expenses_to_approve):
        with app.test_request_context(), count_queries() as counted:
            section = builder(supervisor, clock.today())
        assert (section.total, section.items, counted.count) == (0, [], 1), counted.statements


def test_care_suggestions_without_care_dates_or_warnings_run_their_two_counts_only(
        app, frozen_now, make_user, new_customer, count_queries):
    from portal.customer_health.queries import care_suggestions

    rep = make_user("sales")
    new_customer(rep, name="没有关怀日期")
    assert rep.role == "sales"  # loaded before counting (the commit expired it)
    with app.test_request_context(), count_queries() as counted:
        assert care_suggestions(rep, clock.today()) == (0, [])
    assert counted.count == 2


def test_supervisor_work_list_reads_the_holiday_table_once(app, frozen_now, team, login_as, count_queries):
    boss = login_as(team["boss"])
    with count_queries() as counted:
        assert boss.get("/").status_code == 200
    assert sum("FROM holiday_override" in statement for statement in counted.statements) == 1
