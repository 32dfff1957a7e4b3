"""Revisit figures as aggregate SQL over a scoped query, shared with the reports area.

Every function takes a scoped Select (portal.access.revisits.visible_* possibly narrowed further)
and a closed date range [start, end]; nothing loads rows into Python.
"""
from datetime import date, datetime, timedelta

from sqlalchemy import Select, case, exists, extract, func

from portal.extensions import db
from portal.models.revisits import (
    SPOT_CHECK_PASS,
    SPOT_CHECK_PENDING,
    SPOT_CHECK_UNTRUE,
    RevisitRecord,
    RevisitTask,
    SpotCheck,
)


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) for datetime columns."""
    return datetime.combine(start, datetime.min.time()), datetime.combine(end + timedelta(days=1), datetime.min.time())


def found_untrue(record_id):
    """A spot-check found the record 不真实: not done, and its score leaves 客户满意度."""
    return exists().where(SpotCheck.record_id == record_id, SpotCheck.result == SPOT_CHECK_UNTRUE)


def task_found_untrue():
    return exists().where(RevisitRecord.task_id == RevisitTask.id, found_untrue(RevisitRecord.id))


def revisit_completion(scope: Select, start: date, end: date) -> tuple[int, int]:
    """回访完成率 inputs: (tasks done, tasks due) among the scoped tasks due in the period (cancelled excluded)."""
    query = scope.with_only_columns(
        func.count(RevisitTask.id),
        func.coalesce(func.sum(case((RevisitTask.status == "已完成", case((task_found_untrue(), 0), else_=1)),
                                    else_=0)), 0),
    ).where(RevisitTask.due_on >= start, RevisitTask.due_on <= end, RevisitTask.status != "已取消")
    due, done = db.session.execute(query).one()
    return int(done or 0), int(due or 0)


def satisfaction(scope: Select, start: date, end: date) -> tuple[int, int, int]:
    """客户满意度 inputs: (sum of scores, number of scored records, records scoring >= 4) in the period."""
    low, high = day_range(start, end)
    query = scope.with_only_columns(
        func.coalesce(func.sum(RevisitRecord.satisfaction), 0),
        func.count(RevisitRecord.satisfaction),
        func.coalesce(func.sum(case((RevisitRecord.satisfaction >= 4, 1), else_=0)), 0),
    ).where(RevisitRecord.revisited_at >= low, RevisitRecord.revisited_at < high,
            RevisitRecord.outcome == "完成", RevisitRecord.satisfaction.is_not(None), ~found_untrue(RevisitRecord.id))
    total, count, good = db.session.execute(query).one()
    return int(total or 0), int(count or 0), int(good or 0)


def satisfaction_by_month(scope: Select, start: date, end: date) -> list[tuple[str, int, int, int]]:
    """Monthly (YYYY-MM, sum, count, count >= 4) of scored records, oldest first."""
    low, high = day_range(start, end)
    year = extract("year", RevisitRecord.revisited_at)
    month = extract("month", RevisitRecord.revisited_at)
    query = (
        scope.with_only_columns(
            year, month, func.sum(RevisitRecord.satisfaction), func.count(RevisitRecord.satisfaction),
            func.sum(case((RevisitRecord.satisfaction >= 4, 1), else_=0)),
        )
        .where(RevisitRecord.revisited_at >= low, RevisitRecord.revisited_at < high,
               RevisitRecord.outcome == "完成", RevisitRecord.satisfaction.is_not(None), ~found_untrue(RevisitRecord.id))
        .group_by(year, month).order_by(year, month)
    )
    return [(f"{int(y):04d}-{int(m):02d}", int(s), int(c), int(g)) for y, m, s, c, g in db.session.execute(query)]


def results_by_method(scope: Select, start: date, end: date) -> list[tuple[str, int, int, int, int]]:
    """Per method: (method, attempts, 完成, 未接通, 拒访) of records in the period."""
    low, high = day_range(start, end)
    outcome_count = [func.sum(case((RevisitRecord.outcome == word, 1), else_=0)) for word in ("完成", "未接通", "拒访")]
    query = (
        scope.with_only_columns(RevisitRecord.method, func.count(RevisitRecord.id), *outcome_count)
        .where(RevisitRecord.revisited_at >= low, RevisitRecord.revisited_at < high)
        .group_by(RevisitRecord.method).order_by(RevisitRecord.method)
    )
    return [(m, int(n), int(a or 0), int(b or 0), int(c or 0)) for m, n, a, b, c in db.session.execute(query)]


def issues_by_category(scope: Select, start: date, end: date) -> list[tuple[str, int, int]]:
    """Per issue category: (category, issues raised, of which turned into tickets) in the period."""
    low, high = day_range(start, end)
    query = (
        scope.with_only_columns(
            RevisitRecord.issue_category, func.count(RevisitRecord.id), func.count(RevisitRecord.ticket_id)
        )
        .where(RevisitRecord.revisited_at >= low, RevisitRecord.revisited_at < high, RevisitRecord.issues_raised != "")
        .group_by(RevisitRecord.issue_category).order_by(RevisitRecord.issue_category)
    )
    return [(category or "其他", int(n), int(t)) for category, n, t in db.session.execute(query)]


def spot_check_pass(scope: Select, start: date, end: date) -> tuple[int, int]:
    """抽查合格率 inputs: (passed, checked) among concluded spot-checks of records made in the period
    (the period of the revisit record, not of the check)."""
    low, high = day_range(start, end)
    query = scope.with_only_columns(
        func.coalesce(func.sum(case((SpotCheck.result == SPOT_CHECK_PASS, 1), else_=0)), 0),
        func.count(SpotCheck.id),
    ).join(RevisitRecord, RevisitRecord.id == SpotCheck.record_id).where(
        SpotCheck.result != SPOT_CHECK_PENDING, RevisitRecord.revisited_at >= low, RevisitRecord.revisited_at < high)
    passed, checked = db.session.execute(query).one()
    return int(passed or 0), int(checked or 0)
