"""Sections that find nothing run their count only: the rows query of an empty team walked every
open revisit task (20 ms) or every pending expense (25 ms) of the company in order and kept none."""
from portal import clock
from portal.expenses.sections import expenses_to_approve
from portal.revisits.sections import revisit_tasks_section


def test_supervisor_without_team_tasks_or_pending_expenses_runs_one_count_each(
        app, frozen_now, make_department, make_user, count_queries):
    supervisor = make_user("supervisor", department=make_department("技术部"))
    assert supervisor.role == "supervisor"  # loaded before counting (the commit expired it)
    for builder in (revisit_tasks_section, expenses_to_approve):
        with app.test_request_context(), count_queries() as counted:
            section = builder(supervisor, clock.today())
        assert (section.total, section.items, counted.count) == (0, [], 1), counted.statements
