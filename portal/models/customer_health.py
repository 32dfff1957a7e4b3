"""Customer health 客户健康度: the current score per customer, its monthly history, churn warnings
流失预警 and care actions 客户关怀.

The current score lives in a narrow 1:1 row (not on the wide, versioned and audited customer row), so
the nightly job rewrites 100,000 of them without touching customer versions or the audit log, and the
customer list sorts and filters by (level, score) from its own index.
"""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.base import AuditedMixin, TimestampMixin
from portal.models.customers import Customer

CARE_KINDS = (N_("问候"), N_("拜访"), N_("礼品"), N_("邀请"))
CARE_OCCASIONS = (N_("生日"), N_("周年"), N_("节日"), N_("流失预警"), N_("其他"))
WARNING_OPEN, WARNING_HANDLED, WARNING_RECOVERED = N_("待处理"), N_("已处理"), N_("已恢复")


class CustomerHealth(db.Model):
    """The customer's latest health assessment; written by `customers score-health` and by rescoring."""

    __tablename__ = "customer_health"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    score: Mapped[int | None] = mapped_column(SmallInteger)
    level: Mapped[str | None] = mapped_column(String(4))
    computed_at: Mapped[datetime]
    # {code: [value 0–1 or null, words]} in FACTORS order: the page's words and the weights preview.
    factors: Mapped[dict] = mapped_column(JSON, default=dict)
    interactions_90d: Mapped[int] = mapped_column(default=0)
    interactions_prev_90d: Mapped[int] = mapped_column(default=0)
    # Highest score of the last 30 days (rules.health.roll_peak): the "fell 15 points" trigger.
    peak_score: Mapped[int | None] = mapped_column(SmallInteger)
    peak_on: Mapped[date | None]

    customer: Mapped[Customer] = relationship()

    __table_args__ = (
        Index("ix_customer_health_score", "score", "customer_id"),
        Index("ix_customer_health_level_score", "level", "score", "customer_id"),
    )


class CustomerHealthMonth(db.Model):
    """Monthly history: the customer's last score of each month (rewritten nightly within the month)."""

    __tablename__ = "customer_health_month"

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True, autoincrement=False)
    month: Mapped[date] = mapped_column(primary_key=True)  # first day of the month
    score: Mapped[int | None] = mapped_column(SmallInteger)
    level: Mapped[str | None] = mapped_column(String(4))

    __table_args__ = (Index("ix_customer_health_month_month", "month"),)


class ChurnWarning(AuditedMixin, TimestampMixin, db.Model):
    """One churn-warning episode 流失预警: raised once, open until the owner handles it with a follow-up
    or care action, and ended when the customer recovers (no trigger holds any more).

    At most one episode per customer is unrecovered at a time (a partial unique index), so the nightly
    job can run any number of times without raising a second warning."""

    __tablename__ = "churn_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[datetime]
    raised_on: Mapped[date]
    handle_by: Mapped[date]  # the 5th working day after raised_on
    score: Mapped[int | None] = mapped_column(SmallInteger)
    level: Mapped[str | None] = mapped_column(String(4))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(4), default=WARNING_OPEN)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    handled_via: Mapped[str] = mapped_column(String(8), default="")
    escalated_at: Mapped[datetime | None]
    recovered_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])

    __table_args__ = (
        Index("uq_churn_warning_episode", "customer_id", unique=True,
              sqlite_where=text("recovered_at IS NULL"), postgresql_where=text("recovered_at IS NULL")),
        Index("ix_churn_warning_customer_raised", "customer_id", "raised_at"),
        Index("ix_churn_warning_owner_status", "owner_id", "status", "handle_by"),
        Index("ix_churn_warning_status_handle_by", "status", "handle_by"),
        # The supervisor's escalated warnings: none or a few among tens of thousands of open ones.
        Index("ix_churn_warning_status_escalated", "status", "escalated_at"),
        Index("ix_churn_warning_raised_on", "raised_on"),
    )

    @property
    def is_open(self) -> bool:
        return self.status == WARNING_OPEN

    def handle(self, by: User | None, via: str, at: datetime) -> bool:
        """The owner (or anyone who reached the customer) answered the warning; only an open one changes."""
        if not self.is_open or at < self.raised_at:
            return False
        self.status, self.handled_at, self.handled_via = WARNING_HANDLED, at, via
        self.handled_by_id = by.id if by else None
        return True

    def recover(self, at: datetime) -> None:
        """No trigger holds any more: the episode ends (a later fall raises a new warning)."""
        self.recovered_at = at
        if self.is_open:
            self.status = WARNING_RECOVERED


class CareAction(AuditedMixin, TimestampMixin, db.Model):
    """客户关怀: a greeting, visit, gift or invitation, recorded like a follow-up; counts as interaction."""

    __tablename__ = "care_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(4))
    occasion: Mapped[str] = mapped_column(String(8), default="其他")
    done_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)
    content: Mapped[str] = mapped_column(Text, default="")
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("churn_warning.id"))

    customer: Mapped[Customer] = relationship()
    author: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_care_action_customer_done", "customer_id", "done_at"),
        Index("ix_care_action_done_at", "done_at", "customer_id"),
        Index("ix_care_action_author_done", "author_id", "done_at"),
    )


# PostgreSQL sorts NULLs first in descending order; the list sorted by health best-first (never-scored
# last) needs an index in exactly that order. SQLite's ix_customer_health_score already reads backwards
# that way. Created on PostgreSQL only (migration 0018).
Index("ix_customer_health_best_first", CustomerHealth.score.desc().nulls_last(), CustomerHealth.customer_id.desc(),
      info={"only_dialect": "postgresql"})

# customer.health: the current score on the customer list and page without a query per row (the list
# joins it to sort or filter, or loads a page's rows at once).
Customer.health = relationship(CustomerHealth, uselist=False, viewonly=True)
