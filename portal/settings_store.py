"""Admin-tunable rules with their defaults (DESIGN.md "The rules that drive the work")."""
from flask import g
from sqlalchemy import select

from portal.extensions import db
from portal.models.settings import Setting
from portal.rules.cadence import DEFAULT_CADENCE_DAYS
from portal.rules.funnel import DEFAULT_STAGE_PROBABILITIES
from portal.rules.health import DEFAULT_HEALTH_WEIGHTS, DEFAULT_THRESHOLDS
from portal.rules.kpi import DEFAULT_KPI_WEIGHTS

DEFAULTS: dict[str, object] = {
    "cadence_days": dict(DEFAULT_CADENCE_DAYS),
    "dormant_days": 90,
    "pool_return_enabled": False,
    "pool_return_days": {"A": 60, "B": 60, "C": 60},
    "pool_warning_workdays": 5,
    "supervisor_overdue_workdays": 3,
    "late_record_minutes": 30,
    "followup_edit_hours": 24,
    "sla": {
        "重大": {"respond_hours": 2, "resolve_workdays": 2},
        "一般": {"respond_hours": 24, "resolve_workdays": 5},
        "轻微": {"respond_hours": 48, "resolve_workdays": 10},
    },
    "dispatch_confirm_hours": 4,
    "work_hours": {"start": "09:00", "end": "18:00"},
    "respond_in_working_hours": False,
    "revisit_windows": {"registration": 3, "deal": 7, "event": 2, "inactive_months": 3},
    # The registration revisit is the non-member policy's; members get one only when this is on.
    "revisit_members_on_registration": False,
    # Days after an attended activity within which a lead or an order counts for it (DESIGN.md).
    "attribution_window_days": 90,
    "kpi_weights": {code: float(weight) for code, weight in DEFAULT_KPI_WEIGHTS.items()},
    "review_snapshot_minutes": 10,
    "session_idle_minutes": 30,
    "session_lifetime_hours": 12,
    "remember_days": 14,
    "opportunity_probabilities": dict(DEFAULT_STAGE_PROBABILITIES),
    "tech_sees_order_amounts": False,
    "health_weights": dict(DEFAULT_HEALTH_WEIGHTS),
    "health_thresholds": dict(DEFAULT_THRESHOLDS),
}


def load_settings() -> dict[str, object]:
    """All settings, stored values over defaults; read once per request."""
    if "settings" not in g:
        stored = {row.key: row.value for row in db.session.scalars(select(Setting))}
        g.settings = {key: stored.get(key, default) for key, default in DEFAULTS.items()}
    return g.settings


def get_setting(key: str):
    return load_settings()[key]


def save_setting(key: str, value: object) -> None:
    """Store a setting (audited like any record); callers commit."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    g.pop("settings", None)
