"""Admin-tunable rules (cadences, SLAs, windows, weights) and the holiday table."""
from datetime import date

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.base import AuditedMixin, TimestampMixin


class Setting(AuditedMixin, TimestampMixin, db.Model):
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


class HolidayOverride(AuditedMixin, TimestampMixin, db.Model):
    """A day the company's calendar marks as holiday or make-up workday (takes precedence)."""

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(64), default="")
