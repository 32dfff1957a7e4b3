"""Selling: products 产品, opportunities 商机 with stage history, quotes 报价, orders 订单 with lines,
payment plans 回款计划, payments 回款记录 and invoices 发票 (DESIGN.md "Opportunities", "Orders").

Money is NUMERIC(14,2) / Decimal end to end. An order keeps `received_amount` and `invoiced_amount`
on its row, maintained by conditional updates (portal.sales.services), so a list or the ageing table
never sums payments per row, and two workers cannot both pass the "≤ receivable" check.
"""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.base import ArchivableMixin, AuditedMixin, TimestampMixin, VersionedMixin
from portal.models.customers import Customer

MONEY = Numeric(14, 2)
ZERO = Decimal("0.00")

PRODUCT_STATUSES = (N_("在售"), N_("停售"))
OPEN_STAGES = (N_("初步接洽"), N_("需求确认"), N_("方案报价"), N_("商务谈判"))
WON, LOST = N_("赢单"), N_("输单")
OPPORTUNITY_STAGES = OPEN_STAGES + (WON, LOST)
LOSS_REASONS = (N_("价格"), N_("功能"), N_("竞品"), N_("关系"), N_("时机"), N_("其他"))
QUOTE_STATUSES = (N_("待审批"), N_("有效"), N_("已驳回"))
ORDER_STATUSES = (N_("执行中"), N_("已完成"), N_("已取消"))
PAYMENT_METHODS = (N_("银行转账"), N_("承兑汇票"), N_("现金"), N_("支票"), N_("其他"))
PAYMENT_KINDS = (N_("回款"), N_("退款"))
INVOICE_TYPES = (N_("增值税专用发票"), N_("普通发票"))
INVOICE_STATUSES = (N_("已开具"), N_("已作废"))


# What the funnel's period figures read of each opportunity (ix_opportunity_funnel, ix_opportunity_owner_created).
FUNNEL_COLUMNS = ("stage", "lost_at_stage", "expected_amount", "loss_reason", "closed_on", "archived_at")


class IllegalTransition(ValueError):
    """A state change the business rules do not allow; the message is shown to the user."""


class Product(AuditedMixin, ArchivableMixin, TimestampMixin, VersionedMixin, db.Model):
    """One product version on the price list: standard price, floor price 底价 and unit cost."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    product_version: Mapped[str] = mapped_column(String(32), default="")
    category: Mapped[str] = mapped_column(String(32), default="")
    unit: Mapped[str] = mapped_column(String(8), default="套")
    standard_price: Mapped[Decimal] = mapped_column(MONEY)
    floor_price: Mapped[Decimal] = mapped_column(MONEY)
    unit_cost: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    status: Mapped[str] = mapped_column(String(8), default="在售")
    materials: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("code", "product_version", name="uq_product_code_version"),
        Index("ix_product_status_name", "status", "name"),
        Index("ix_product_category", "category"),
    )

    def __str__(self) -> str:
        return f"{self.name} {self.product_version}".strip()


class Opportunity(AuditedMixin, ArchivableMixin, TimestampMixin, VersionedMixin, db.Model):
    """A chance to sell to one customer, owned by its owner or a collaborator."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    name: Mapped[str] = mapped_column(String(128))
    products_of_interest: Mapped[str] = mapped_column(String(256), default="")
    expected_amount: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    expected_close_on: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(64), default="")
    competitors: Mapped[str] = mapped_column(String(256), default="")
    next_step: Mapped[str] = mapped_column(String(256), default="")
    stage: Mapped[str] = mapped_column(String(8), default="初步接洽")
    stage_changed_at: Mapped[datetime] = mapped_column(default=clock.now)
    loss_reason: Mapped[str | None] = mapped_column(String(8))
    lost_at_stage: Mapped[str | None] = mapped_column(String(8))  # the furthest stage a lost one reached
    lost_to: Mapped[str] = mapped_column(String(128), default="")
    # The 竞争对手 record the competitor that won is kept as, when lost_to names one (lost-to counts).
    lost_to_competitor_id: Mapped[int | None] = mapped_column(ForeignKey("competitor.id", ondelete="SET NULL"))
    closed_on: Mapped[date | None]

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User | None] = relationship()
    history: Mapped[list["OpportunityStageChange"]] = relationship(
        back_populates="opportunity", order_by="OpportunityStageChange.changed_at, OpportunityStageChange.id")

    __table_args__ = (
        # The funnel's forecast and open-by-owner figures read amounts from these two alone (migration 0027).
        Index("ix_opportunity_owner_stage", "owner_id", "stage", "expected_close_on", "archived_at", "expected_amount"),
        Index("ix_opportunity_customer", "customer_id", "created_at"),
        Index("ix_opportunity_stage_close", "stage", "expected_close_on", "archived_at", "expected_amount"),
        Index("ix_opportunity_closed_on", "closed_on", "stage"),
        Index("ix_opportunity_updated", "updated_at", "id"),
        # The funnel counts a period's opportunities by stage, loss reason and days to win from an index
        # alone: everyone's by creation time, a department's per member.
        Index("ix_opportunity_funnel", "created_at", *FUNNEL_COLUMNS, "owner_id"),
        Index("ix_opportunity_owner_created", "owner_id", "created_at", *FUNNEL_COLUMNS),
        Index("ix_opportunity_lost_to", "lost_to_competitor_id", "closed_on"),
    )

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def move_to(self, stage: str, by: User | None) -> "OpportunityStageChange":
        """Move between open stages (forwards or back); won/lost go through win()/lose()."""
        if not self.is_open:
            raise IllegalTransition(_("商机已关闭，不能再变更阶段"))
        if stage not in OPEN_STAGES or stage == self.stage:
            raise IllegalTransition(_("请选择另一个进行中的阶段"))
        return self._record(stage, by)

    def win(self, by: User | None, on: date) -> "OpportunityStageChange":
        if not self.is_open:
            raise IllegalTransition(_("商机已关闭"))
        self.closed_on = on
        return self._record(WON, by)

    def lose(self, reason: str, lost_to: str, by: User | None, on: date) -> "OpportunityStageChange":
        if not self.is_open:
            raise IllegalTransition(_("商机已关闭"))
        if reason not in LOSS_REASONS:
            raise IllegalTransition(_("请选择输单原因"))
        self.loss_reason, self.lost_to, self.closed_on, self.lost_at_stage = reason, lost_to, on, self.stage
        return self._record(LOST, by)

    def _record(self, stage: str, by: User | None) -> "OpportunityStageChange":
        change = OpportunityStageChange(opportunity=self, from_stage=self.stage, to_stage=stage,
                                        changed_by_id=by.id if by else None, changed_at=clock.now())
        self.stage, self.stage_changed_at = stage, change.changed_at
        return change


class OpportunityStageChange(db.Model):
    """Stage history of an opportunity, with dates (days to win, conversion)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunity.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(8))
    to_stage: Mapped[str] = mapped_column(String(8))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=clock.now)

    opportunity: Mapped[Opportunity] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_opportunity_stage_change_opp", "opportunity_id", "changed_at"),
        Index("ix_opportunity_stage_change_at", "changed_at", "to_stage"),
    )


class Quote(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A price offer to a customer; a line below the floor price waits for a supervisor (待审批)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    quoted_on: Mapped[date]
    total: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    status: Mapped[str] = mapped_column(String(8), default="有效")
    note: Mapped[str] = mapped_column(String(256), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(String(256), default="")

    customer: Mapped[Customer] = relationship()
    opportunity: Mapped[Opportunity | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    lines: Mapped[list["QuoteLine"]] = relationship(back_populates="quote", order_by="QuoteLine.id",
                                                    cascade="all, delete-orphan")

    __table_args__ = (
        Index("ix_quote_customer", "customer_id", "quoted_on"),
        Index("ix_quote_opportunity", "opportunity_id"),
        Index("ix_quote_status_created", "status", "created_at"),
    )

    def decide(self, approve: bool, by: User, note: str) -> None:
        if self.status != "待审批":
            raise IllegalTransition(_("该报价不在待审批状态"))
        self.status = "有效" if approve else "已驳回"
        self.decided_by_id, self.decided_at, self.decision_note = by.id, clock.now(), note


class QuoteLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"))
    product_name: Mapped[str] = mapped_column(String(160))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    discount: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    standard_price: Mapped[Decimal] = mapped_column(MONEY)
    floor_price: Mapped[Decimal] = mapped_column(MONEY)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    below_floor: Mapped[bool] = mapped_column(default=False)

    quote: Mapped[Quote] = relationship(back_populates="lines")


class Order(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """订单: number DD+date+sequence; total = Σ lines; received/invoiced kept on the row."""

    __tablename__ = "sales_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opportunity_id: Mapped[int | None] = mapped_column(ForeignKey("opportunity.id"))
    signed_on: Mapped[date]
    total: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    cost: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    received_amount: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    invoiced_amount: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    status: Mapped[str] = mapped_column(String(8), default="执行中")
    note: Mapped[str] = mapped_column(String(256), default="")
    cancelled_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User | None] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(back_populates="order", order_by="OrderLine.id",
                                                    cascade="all, delete-orphan")
    instalments: Mapped[list["PaymentInstalment"]] = relationship(
        back_populates="order", order_by="(PaymentInstalment.due_on, PaymentInstalment.id)")

    __table_args__ = (
        CheckConstraint("received_amount <= total", name="received_within_total"),
        CheckConstraint("invoiced_amount <= total", name="invoiced_within_total"),
        Index("ix_sales_order_customer_signed", "customer_id", "signed_on"),
        Index("ix_sales_order_owner_signed", "owner_id", "signed_on"),
        # The order list walks (signed_on, id); the review's monthly trend sums totals from it alone.
        Index("ix_sales_order_signed_on", "signed_on", "id", "status", "total", "owner_id"),
        Index("ix_sales_order_status_signed", "status", "signed_on"),
    )

    @property
    def gross_profit(self) -> Decimal:
        return self.total - self.cost

    @property
    def receivable(self) -> Decimal:
        return self.total - self.received_amount

    def cancel(self) -> None:
        """已取消: only with nothing received (a refund record brings received back to zero first)."""
        if self.status == "已取消":
            raise IllegalTransition(_("订单已取消"))
        if self.received_amount:
            raise IllegalTransition(_("订单已有回款，请先登记退款再取消"))
        self.status, self.cancelled_at = "已取消", clock.now()

    def complete(self) -> None:
        if self.status != "执行中":
            raise IllegalTransition(_("只有执行中的订单可以完成"))
        self.status = "已完成"


class OrderLine(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    product_name: Mapped[str] = mapped_column(String(160))
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit_price: Mapped[Decimal] = mapped_column(MONEY)
    discount: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    unit_cost: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)

    order: Mapped[Order] = relationship(back_populates="lines")


class PaymentInstalment(AuditedMixin, TimestampMixin, db.Model):
    """One instalment of the payment plan 回款计划; `paid_amount` is allocated from payments in due order.
    `settled`: nothing more to collect on it (paid in full, or its order was cancelled)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id", ondelete="CASCADE"))
    # The order's customer, copied on write (and moved with the order by a merge) so the ageing table
    # groups open instalments per customer from one index instead of per order and then through orders.
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid_amount: Mapped[Decimal] = mapped_column(MONEY, default=ZERO)
    settled: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(128), default="")

    order: Mapped[Order] = relationship(back_populates="instalments")

    __table_args__ = (
        Index("ix_instalment_order_due", "order_id", "due_on"),
        Index("ix_instalment_owner_open_due", "owner_id", "settled", "due_on"),
        Index("ix_instalment_open_due", "settled", "due_on"),
        # The ageing table reads open instalments from this index alone (no table rows).
        Index("ix_instalment_open_ageing", "settled", "owner_id", "due_on", "amount", "paid_amount", "order_id"),
        Index("ix_instalment_open_customer", "settled", "customer_id", "owner_id", "due_on", "amount", "paid_amount"),
    )

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid_amount


class Payment(AuditedMixin, TimestampMixin, db.Model):
    """回款记录 (or a 退款 refund, stored as a negative amount). `token` makes a double submit one row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(4), default="回款")
    paid_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    method: Mapped[str] = mapped_column(String(8), default="银行转账")
    note: Mapped[str] = mapped_column(String(256), default="")
    token: Mapped[str] = mapped_column(String(64), unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    order: Mapped[Order] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_payment_order_paid", "order_id", "paid_on"),
        Index("ix_payment_paid_on", "paid_on", "order_id"),
    )


class Invoice(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """发票: invoiced (not voided) never exceeds the order total."""

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(MONEY)
    issued_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(8), default="已开具")
    token: Mapped[str] = mapped_column(String(64), unique=True)

    order: Mapped[Order] = relationship()

    __table_args__ = (
        Index("ix_invoice_order", "order_id", "issued_on"),
        Index("ix_invoice_issued_on", "issued_on", "order_id"),
    )


class OrderNumberSequence(db.Model):
    """Last order sequence used per signing day (DD + YYYYMMDD + NNN), bumped by one atomic upsert."""

    day: Mapped[date] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)


class AfterSalesHandover(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """成交客户跟踪: after a customer's first order the service supervisor names a 售后跟踪责任人 from
    客服部; until then (`owner_id` empty) it is an item on their work list. The sales owner keeps the
    customer; the after-sales owner gets its after-sales revisits."""

    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True,
                                             autoincrement=False)
    first_order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    named_at: Mapped[datetime | None]

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])

    __table_args__ = (
        Index("ix_after_sales_owner", "owner_id", "customer_id"),
        Index("ix_after_sales_pending", "named_at", "created_at"),
    )


class SalesTarget(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A rep's monthly sales target 销售目标 (set by their supervisor); gives 目标完成率."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    month: Mapped[date]  # the first day of the month
    amount: Mapped[Decimal] = mapped_column(MONEY)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        UniqueConstraint("user_id", "month", name="uq_sales_target_user_month"),
        Index("ix_sales_target_month", "month", "user_id"),
    )
