"""Issued reviews 已签发考核: frozen figures and the printed document, immune to later record changes."""
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.base import AuditedMixin, TimestampMixin, VersionedMixin
from portal.models.customers import Customer, StageChange
from portal.models.followups import FollowUp
from portal.models.tickets import Ticket

PERIOD_KINDS = ("month", "quarter", "half", "year", "custom")
SCOPE_KINDS = ("company", "department", "employee")


class IssuedReview(AuditedMixin, db.Model):
    """A review as a supervisor signed it: the figures JSON and the HTML/PDF rendered from them."""

    __audit_exclude__ = AuditedMixin.__audit_exclude__ | {"html", "pdf"}

    id: Mapped[int] = mapped_column(primary_key=True)
    period_kind: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date]
    period_end: Mapped[date]  # exclusive
    scope_kind: Mapped[str] = mapped_column(String(16))
    scope_id: Mapped[int | None]
    scope_label: Mapped[str] = mapped_column(String(128))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    figures: Mapped[dict] = mapped_column(JSON)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(default=clock.now)
    # 奖惩定稿: once the supervisor confirms the outcomes they are frozen with the review.
    outcomes_confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    outcomes_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)

    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    outcomes: Mapped[list["ReviewOutcome"]] = relationship(back_populates="issued_review",
                                                           order_by="ReviewOutcome.employee_id")

    @property
    def period(self):
        """The reviewed period, so its label reads in the viewer's language (not the issuer's)."""
        from portal.reports.periods import Period

        return Period(self.period_kind, self.period_start, self.period_end)

    @property
    def scope_text(self) -> str:
        """The scope as shown: a department's or employee's name, or 全公司 in the viewer's language."""
        from flask_babel import gettext

        return gettext("全公司") if self.scope_kind == "company" else self.scope_label

    @property
    def employee_ids(self) -> list[int]:
        """The employees the issued review assessed (its frozen employee rows)."""
        return [int(key[1:]) for key in (self.figures or {}).get("employees", {}) if key[1:].isdigit()]

    @property
    def outcomes_frozen(self) -> bool:
        return self.outcomes_confirmed_at is not None

    def confirm_outcomes(self, by: User, at: datetime) -> None:
        """Freeze the recorded outcomes with the review; refused once done."""
        from portal.models.revisits import IllegalTransition

        if self.outcomes_frozen:
            raise IllegalTransition("outcomes already confirmed")
        self.outcomes_confirmed_at, self.outcomes_confirmed_by_id = at, by.id

    __table_args__ = (
        Index("ix_issued_review_scope_period", "scope_kind", "scope_id", "period_start"),
        Index("ix_issued_review_department_issued_at", "department_id", "issued_at"),
    )


# The tracking policy's 考核办法: rewards or penalties after the review (DESIGN.md 考核).
OUTCOME_MEASURES: dict[str, str] = {
    N_("绩效奖金"): N_("奖励"), N_("晋升"): "奖励", N_("表彰"): "奖励",
    N_("扣分"): N_("处罚"), N_("警告"): "处罚", N_("培训辅导"): "处罚",
}


class ReviewOutcome(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """One employee's outcome of an issued review, with its reason; editable until the supervisor
    confirms the review's outcomes (IssuedReview.confirm_outcomes), then frozen."""

    id: Mapped[int] = mapped_column(primary_key=True)
    issued_review_id: Mapped[int] = mapped_column(ForeignKey("issued_review.id"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    measure: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    issued_review: Mapped[IssuedReview] = relationship(back_populates="outcomes")
    employee: Mapped[User] = relationship(foreign_keys=[employee_id])
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])

    __table_args__ = (
        UniqueConstraint("issued_review_id", "employee_id", name="uq_review_outcome_employee"),
        Index("ix_review_outcome_employee", "employee_id"),
    )

    @property
    def kind(self) -> str:
        return OUTCOME_MEASURES.get(self.measure, "")

    def change(self, measure: str, reason: str, by: User) -> None:
        """Record or correct the outcome; refused once the review's outcomes are confirmed."""
        from portal.models.revisits import IllegalTransition

        if self.issued_review.outcomes_frozen:
            raise IllegalTransition("outcomes are frozen")
        if measure not in OUTCOME_MEASURES:
            raise IllegalTransition(measure)
        self.measure, self.reason, self.recorded_by_id = measure, reason, by.id


class KpiSnapshot(db.Model):
    """A period's KPI sums per person for one scope as counted at `computed_at` (portal.reports.snapshots):
    derived data the review page reuses for a few minutes, not a business record, so not audited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date]
    period_end: Mapped[date]  # exclusive
    computed_at: Mapped[datetime]
    counts: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (UniqueConstraint("scope_key", "period_start", "period_end"),)


# Indexes the review's filters need on other areas' tables, declared here (and created by the reports
# migration 0006) so the reports area owns what only it uses: 跟进及时率 filters follow-ups by due
# date per author (and looks up each one's next contact), 处理及时率 filters tickets by resolution time.
Index("ix_follow_up_next_action_author", FollowUp.next_action_on, FollowUp.author_id, FollowUp.customer_id,
      FollowUp.contacted_at)  # covering, company-wide: 1M follow-ups, quarter numerator 1.57 s → 0.54 s
Index("ix_follow_up_author_next_action", FollowUp.author_id, FollowUp.next_action_on, FollowUp.customer_id,
      FollowUp.contacted_at)  # covering, per department/employee: 25 staff, 0.93 s → 0.09 s
Index("ix_ticket_resolved_at", Ticket.resolved_at)
# Customer KPIs (retention, conversion, complaint base) read owner, stage, dates and merge pointer from one
# covering index instead of 100k table rows; stage history is sought only for customers changed since
# the moment, found by a range scan of (changed_at, customer_id). Company quarter: 3.0 s → see migration 0009.
Index("ix_customer_review", Customer.owner_id, Customer.stage, Customer.created_at, Customer.archived_at,
      Customer.merged_into_id)
Index("ix_stage_change_changed_customer", StageChange.changed_at, StageChange.customer_id)
