"""Marketing activities 市场活动: the activity and its status machine, materials with versions,
participants, expense lines; competitors 竞争对手 and their links to customers.

Views never set `status` on an activity or a participant; they call the transition methods below,
which refuse illegal transitions with `TransitionRefused` (the message is shown to the user).
"""
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Column, ForeignKey, Index, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.base import AuditedMixin, TimestampMixin, VersionedMixin
from portal.models.customers import Customer

ACTIVITY_KINDS = (N_("广告宣传"), N_("新品发布会"), N_("促销活动"), N_("展会"), N_("客户沙龙"), N_("培训"), N_("线上活动"))
PLANNED, RUNNING, FINISHED, CANCELLED = N_("计划中"), N_("进行中"), N_("已结束"), N_("已取消")
ACTIVITY_STATUSES = (PLANNED, RUNNING, FINISHED, CANCELLED)
# action -> (statuses it may start from, status it leads to)
ACTIVITY_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "start": ((PLANNED,), RUNNING),
    "finish": ((RUNNING,), FINISHED),
    "cancel": ((PLANNED, RUNNING), CANCELLED),
}
ACTIVITY_ACTION_LABELS = {"start": N_("开始活动"), "finish": N_("结束活动"), "cancel": N_("取消活动")}
# "Cannot <action>" as whole sentences, so each language words them its own way.
ACTIVITY_ACTION_REFUSALS = {
    "start": N_("活动当前状态为「%(status)s」，不能开始活动"),
    "finish": N_("活动当前状态为「%(status)s」，不能结束活动"),
    "cancel": N_("活动当前状态为「%(status)s」，不能取消活动"),
}

INVITED, REGISTERED, ATTENDED = N_("已邀请"), N_("已报名"), N_("已到场")
PARTICIPANT_STATUSES = (INVITED, REGISTERED, ATTENDED)
# A participant only moves forward; someone who turns up without registering is still 已到场.
PARTICIPANT_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "register": ((INVITED,), REGISTERED),
    "attend": ((INVITED, REGISTERED), ATTENDED),
}

EXPENSE_CATEGORIES = (N_("差旅"), N_("住宿"), N_("场地"), N_("租用"), N_("公关"), N_("宣传"), N_("其他"))
MATERIAL_PUBLISHED, MATERIAL_ARCHIVED = N_("已发布"), N_("已归档")
MATERIAL_STATUSES = (MATERIAL_PUBLISHED, MATERIAL_ARCHIVED)


class TransitionRefused(Exception):
    """An illegal state change; the message (in the interface language) is shown to the user."""


class Activity(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    region: Mapped[str] = mapped_column(String(64), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    budget: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default=PLANNED)
    status_changed_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(256), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (
        Index("ix_activity_starts_on", "starts_on", "id"),
        Index("ix_activity_status_starts", "status", "starts_on"),
        Index("ix_activity_kind_starts", "kind", "starts_on"),
        Index("ix_activity_region", "region"),
        Index("ix_activity_owner_starts", "owner_id", "starts_on"),
    )

    def __str__(self) -> str:
        return self.theme

    @property
    def is_closed(self) -> bool:
        return self.status in (FINISHED, CANCELLED)

    def allowed_actions(self) -> list[str]:
        return [action for action, (sources, _target) in ACTIVITY_TRANSITIONS.items() if self.status in sources]

    def _move(self, action: str) -> None:
        sources, target = ACTIVITY_TRANSITIONS[action]
        if self.status not in sources:
            raise TransitionRefused(_(ACTIVITY_ACTION_REFUSALS[action], status=_(self.status)))
        self.status, self.status_changed_at = target, clock.now()

    def start(self) -> None:
        """计划中 → 进行中."""
        self._move("start")

    def finish(self) -> None:
        """进行中 → 已结束 (attendees then get their event revisit)."""
        self._move("finish")

    def cancel(self, reason: str = "") -> None:
        """计划中/进行中 → 已取消, with a reason."""
        self._move("cancel")
        self.cancel_reason = (reason or "")[:256]


class ActivityParticipant(AuditedMixin, TimestampMixin, db.Model):
    """A customer taking part in an activity: 已邀请 → 已报名 → 已到场; one row per activity and customer."""

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(8), default=INVITED)
    # A lead met on the spot 现场登记: its customer file was opened at this activity.
    walk_in: Mapped[bool] = mapped_column(default=False)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    registered_at: Mapped[datetime | None]
    attended_at: Mapped[datetime | None]

    activity: Mapped[Activity] = relationship()
    customer: Mapped[Customer] = relationship()

    __table_args__ = (
        UniqueConstraint("activity_id", "customer_id", name="uq_activity_participant_customer"),
        Index("ix_activity_participant_activity_status", "activity_id", "status"),
        # The activity page lists its participants newest first, a page at a time.
        Index("ix_activity_participant_activity_id", "activity_id", "id"),
        Index("ix_activity_participant_customer_status", "customer_id", "status"),
    )

    def _move(self, action: str) -> None:
        sources, target = PARTICIPANT_TRANSITIONS[action]
        if self.status not in sources:
            raise TransitionRefused(_("参与状态为「%(status)s」，不能改为「%(target)s」", status=_(self.status),
                                      target=_(target)))
        self.status = target

    def register(self) -> None:
        """已邀请 → 已报名."""
        self._move("register")
        self.registered_at = clock.now()

    def attend(self) -> None:
        """已邀请/已报名 → 已到场."""
        self._move("attend")
        self.attended_at = clock.now()


class ActivityAttribution(db.Model):
    """Which activity a lead (the customer's file), an opportunity or an order counts for, kept on write by
    portal.marketing.attribution (the rule: portal.rules.attribution). Outcomes no activity claims have no
    row. The effect figures are sums over an activity's rows instead of a live attribution over every
    attendee's history (一年对比: 2,000 activities, 200,000 participants)."""

    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    outcome_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))
    gross_profit: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))

    __table_args__ = (
        # Covering: an activity's figures are summed, and its lead and order customers read, from the index.
        Index("ix_activity_attribution_activity", "activity_id", "kind", "customer_id", "amount", "gross_profit"),
        Index("ix_activity_attribution_customer", "customer_id"),
    )


class ActivityExpense(AuditedMixin, TimestampMixin, db.Model):
    """One cost line of an activity; the actual cost is their sum (in SQL)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    spent_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(256), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    recorded_by: Mapped[User | None] = relationship()


class ActivityMaterial(AuditedMixin, TimestampMixin, db.Model):
    """宣传资料: a named material of an activity; each upload adds a version, none is overwritten."""

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(8), default=MATERIAL_PUBLISHED)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    versions: Mapped[list["MaterialVersion"]] = relationship(
        back_populates="material", order_by="MaterialVersion.number.desc()", cascade="all, delete-orphan"
    )

    @property
    def latest(self) -> "MaterialVersion | None":
        return self.versions[0] if self.versions else None

    def archive(self) -> None:
        if self.status == MATERIAL_ARCHIVED:
            raise TransitionRefused(_("资料已归档"))
        self.status = MATERIAL_ARCHIVED

    def publish(self) -> None:
        if self.status == MATERIAL_PUBLISHED:
            raise TransitionRefused(_("资料已发布"))
        self.status = MATERIAL_PUBLISHED


class MaterialVersion(db.Model):
    """One stored file of a material, under a generated name in the file store; never edited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("activity_material.id", ondelete="CASCADE"))
    number: Mapped[int]
    filename: Mapped[str] = mapped_column(String(128))
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)
    content_type: Mapped[str] = mapped_column(String(96))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.now)

    material: Mapped[ActivityMaterial] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("material_id", "number", name="uq_material_version_number"),)


customer_competitor = Table(
    "customer_competitor",
    db.metadata,
    Column("customer_id", ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True),
    Column("competitor_id", ForeignKey("competitor.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Competitor(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """竞争对手: what we know of a competitor; customers link to the ones they deal with."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    products: Mapped[str] = mapped_column(Text, default="")
    strengths: Mapped[str] = mapped_column(Text, default="")
    prices_seen: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")

    customers: Mapped[list[Customer]] = relationship(secondary=customer_competitor, order_by=Customer.id)

    def __str__(self) -> str:
        return self.name
