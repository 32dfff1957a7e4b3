"""Follow-up records 跟进记录 (deals 成交记录 became orders: portal.models.sales)."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.base import AuditedMixin, TimestampMixin, VersionedMixin
from portal.models.customers import Customer

FOLLOWUP_METHODS = (N_("电话"), N_("邮件"), N_("在线"), N_("面谈"), N_("拜访"), N_("会议"))


class FollowUp(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """One contact with a customer, written by the person who made it.

    `contacted_at` is when the contact happened, `recorded_at` when it was written down; the
    tracking rule asks for the record within 30 minutes, later ones are 补录 (`is_late`).
    """

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    contacted_at: Mapped[datetime]
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)
    is_late: Mapped[bool] = mapped_column(default=False)
    method: Mapped[str] = mapped_column(String(8))
    participants: Mapped[str] = mapped_column(String(256), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    next_action: Mapped[str] = mapped_column(String(256), default="")
    next_action_on: Mapped[date | None]
    stage_from: Mapped[str | None] = mapped_column(String(8))
    stage_to: Mapped[str | None] = mapped_column(String(8))

    customer: Mapped[Customer] = relationship()
    author: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_follow_up_customer_contacted", "customer_id", "contacted_at"),
        Index("ix_follow_up_author_contacted", "author_id", "contacted_at"),
        # The follow-up list walks this newest first and checks the customer without a table read.
        Index("ix_follow_up_contacted_order", "contacted_at", "id", "customer_id"),
        Index("ix_follow_up_method", "method"),
        Index("ix_follow_up_is_late", "is_late"),
    )

    @property
    def timeliness_word(self) -> str:
        return N_("补录") if self.is_late else N_("及时")
