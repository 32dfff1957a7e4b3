"""The review's customer-health KPIs (DESIGN.md "Customer health"): 预警处理及时率 and 挽回率.

Like every KPI in portal.reports.kpis, each part is a query of (record_id, owner_id, value) rows over
churn warnings, counted for the owner the warning was raised for; the drill-down lists the same rows.
Kept apart from kpis.py (which only lists the two specs) so that module does not grow further.
"""
from sqlalchemy import Select, and_, func, literal, or_, select

from portal.database import on_sqlite
from portal.i18n import N_
from portal.models.customer_health import ChurnWarning

WIN_BACK_DAYS = 90

HEALTH_KPI_NAMES = {"warning_timeliness": N_("预警处理及时率"), "win_back": N_("挽回率")}
# Written out whole (not formatted) so each is one msgid; the 90 is WIN_BACK_DAYS.
HEALTH_KPI_DEFINITIONS = {
    "warning_timeliness": N_("处理期限（预警后第5个工作日）落在统计期内的流失预警中，按期以跟进或客户关怀处理的预警数 ÷ "
                             "应处理的预警数（期限前已自行恢复且未处理的预警不计）。"),
    "win_back": N_("统计期内发出的流失预警中，客户在90天内恢复到关注/健康且不再有预警信号的预警数 ÷ 发出的预警数。"),
}


def warning_rows(scope) -> Select:
    """Churn warnings of the scope, counted for the owner they were raised for."""
    return select(ChurnWarning.id.label("record_id"), ChurnWarning.owner_id.label("owner_id"),
                  literal(1).label("value")).where(scope.owner_condition(ChurnWarning.owner_id))


def warnings_due(period, scope) -> Select:
    """预警处理及时率 denominator: warnings whose handling deadline fell in the period; one that recovered on
    its own, unhandled, before its deadline had nothing left to handle and is left out."""
    return warning_rows(scope).where(
        ChurnWarning.handle_by >= period.start, ChurnWarning.handle_by < period.end,
        or_(ChurnWarning.handled_at.is_not(None), ChurnWarning.recovered_at.is_(None),
            func.date(ChurnWarning.recovered_at) > ChurnWarning.handle_by))


def warnings_handled_in_time(period, scope) -> Select:
    """预警处理及时率 numerator: of those, handled (follow-up or care action) by the deadline."""
    return warnings_due(period, scope).where(ChurnWarning.handled_at.is_not(None),
                                             func.date(ChurnWarning.handled_at) <= ChurnWarning.handle_by)


def warnings_raised(period, scope) -> Select:
    """挽回率 denominator: warnings raised in the period."""
    return warning_rows(scope).where(ChurnWarning.raised_at >= period.start_at, ChurnWarning.raised_at < period.end_at)


def within_win_back_window():
    if on_sqlite():
        return func.julianday(ChurnWarning.recovered_at) - func.julianday(ChurnWarning.raised_at) <= WIN_BACK_DAYS
    return ChurnWarning.recovered_at <= ChurnWarning.raised_at + func.make_interval(0, 0, 0, WIN_BACK_DAYS)


def warnings_won_back(period, scope) -> Select:
    """挽回率 numerator: of those, the customer recovered (back to 关注/健康, no trigger left) within 90 days."""
    return warnings_raised(period, scope).where(and_(ChurnWarning.recovered_at.is_not(None), within_win_back_window()))
