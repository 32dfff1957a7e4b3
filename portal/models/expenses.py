"""Expenses 费用: company or personal spending by category and channel, linkable to a region, customer,
order or marketing activity, approved by the submitter's supervisor (DESIGN.md "Orders … expenses")."""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.base import ArchivableMixin, AuditedMixin, TimestampMixin, VersionedMixin
from portal.models.customers import Customer

EXPENSE_KINDS = (N_("公司费用"), N_("个人费用"))
EXPENSE_CATEGORIES = (N_("差旅"), N_("住宿"), N_("场地"), N_("租用"), N_("公关"), N_("宣传"), N_("其他"))
EXPENSE_CHANNELS = (N_("直销"), N_("渠道"))
EXPENSE_STATUSES = (N_("待审批"), N_("已批准"), N_("已驳回"))


class Expense(AuditedMixin, ArchivableMixin, TimestampMixin, VersionedMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # a personal expense's person
    category: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(8), default="直销")
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    spent_on: Mapped[date]
    description: Mapped[str] = mapped_column(String(256), default="")
    region: Mapped[str] = mapped_column(String(64), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order.id"))
    activity: Mapped[str] = mapped_column(String(128), default="")  # the marketing activity, by name for now
    status: Mapped[str] = mapped_column(String(8), default="待审批")
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))  # the submitter's, at submission
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(String(256), default="")

    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    customer: Mapped[Customer | None] = relationship()

    __table_args__ = (
        Index("ix_expense_submitter_spent", "submitted_by_id", "spent_on"),
        # "Submitted by me or made out to me" is then two index lookups (MULTI-INDEX OR), not a scan.
        Index("ix_expense_person_spent", "person_id", "spent_on"),
        # A supervisor's 已批准 total reads its department's amounts from the index alone (29 → see bench ms).
        Index("ix_expense_department_status", "department_id", "status", "spent_on", "archived_at", "amount"),
        Index("ix_expense_spent_on", "spent_on", "id"),
        Index("ix_expense_status_created", "status", "created_at"),
        # The list's 已批准 total for managers who see every expense, and the work list's 待审批 count of
        # an admin (by submitter), read from the index alone.
        Index("ix_expense_status_amount", "status", "archived_at", "amount", "submitted_by_id"),
        Index("ix_expense_customer", "customer_id"),
        Index("ix_expense_order", "order_id"),
        Index("ix_expense_category", "category", "spent_on"),
    )

    def decide(self, approve: bool, by: User, note: str) -> None:
        """审批 by a supervisor or admin other than the submitter; only a pending expense."""
        if self.status != "待审批":
            raise ValueError(_("该费用已审批"))
        if by.id == self.submitted_by_id:
            raise ValueError(_("不能审批自己提交的费用"))
        self.status = "已批准" if approve else "已驳回"
        self.decided_by_id, self.decided_at, self.decision_note = by.id, clock.now(), note
