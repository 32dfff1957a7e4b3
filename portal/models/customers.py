"""Customer files 客户档案, their contacts, collaborators and stage history."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, Numeric, String, Table, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.base import ArchivableMixin, AuditedMixin, TimestampMixin, VersionedMixin

GRADES = ("A", "B", "C")
TIERS = (N_("战略"), N_("重点"), N_("普通"))
STAGES = (N_("潜在"), N_("意向"), N_("成交"), N_("沉睡"), N_("流失"))
SOURCE_CHANNELS = (N_("销售拜访"), N_("电话咨询"), N_("网站/社交媒体"), N_("市场调研"), N_("合作伙伴推荐"), N_("展会登记"),
                   N_("官网注册"))
DECISION_ROLES = (N_("决策者"), N_("影响者"), N_("使用者"))
CONTACT_CHANNELS = (N_("电话"), N_("微信"), N_("邮件"), N_("面谈"))

customer_collaborator = Table(
    "customer_collaborator",
    db.metadata,
    Column("customer_id", ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id"), primary_key=True, index=True),
)


class Customer(AuditedMixin, ArchivableMixin, TimestampMixin, VersionedMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    # Derived on write for duplicate check and search (DESIGN.md 查重, pinyin search).
    name_normalized: Mapped[str] = mapped_column(String(128), index=True, default="")
    name_pinyin: Mapped[str] = mapped_column(String(512), default="")
    name_initials: Mapped[str] = mapped_column(String(128), default="")
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)

    industry: Mapped[str] = mapped_column(String(64), default="")
    scale_employees: Mapped[str] = mapped_column(String(32), default="")
    revenue_band: Mapped[str] = mapped_column(String(32), default="")
    founded_on: Mapped[date | None]
    main_business: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(256), default="")
    address: Mapped[str] = mapped_column(String(256), default="")
    business_scope: Mapped[str] = mapped_column(Text, default="")
    source_channel: Mapped[str] = mapped_column(String(32), default="")

    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None = public pool 公海
    grade: Mapped[str] = mapped_column(String(1), default="C")
    tier: Mapped[str] = mapped_column(String(8), default="普通")
    stage: Mapped[str] = mapped_column(String(8), default="潜在")
    is_member: Mapped[bool] = mapped_column(default=False)
    registered_on: Mapped[date | None]

    pain_points: Mapped[str] = mapped_column(Text, default="")
    purchase_intent: Mapped[str] = mapped_column(Text, default="")
    budget_range: Mapped[str] = mapped_column(String(64), default="")
    expected_cycle: Mapped[str] = mapped_column(String(64), default="")
    past_cooperation: Mapped[str] = mapped_column(Text, default="")
    decision_maker: Mapped[str] = mapped_column(String(64), default="")
    decision_process: Mapped[str] = mapped_column(Text, default="")
    decision_cycle: Mapped[str] = mapped_column(String(64), default="")
    competitor_info: Mapped[str] = mapped_column(Text, default="")
    special_requirements: Mapped[str] = mapped_column(Text, default="")
    preferred_channel: Mapped[str] = mapped_column(String(16), default="")
    contact_time_window: Mapped[str] = mapped_column(String(64), default="")
    no_cold_calls: Mapped[bool] = mapped_column(default=False)
    key_contact_birthday: Mapped[date | None]
    company_anniversary: Mapped[date | None]
    tags: Mapped[str] = mapped_column(String(256), default="")

    # Maintained on write so lists and overdue queries never aggregate follow-ups (PERFORMANCE.md).
    last_contacted_at: Mapped[datetime | None]
    next_due_on: Mapped[date | None]
    pool_since: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    total_deal_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0"))

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    collaborators: Mapped[list[User]] = relationship(secondary=customer_collaborator)
    contacts: Mapped[list["Contact"]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", order_by="(Contact.is_primary.desc(), Contact.id)"
    )

    __table_args__ = (
        Index("ix_customer_owner_last_contacted", "owner_id", "last_contacted_at"),
        Index("ix_customer_owner_next_due", "owner_id", "next_due_on"),
        Index("ix_customer_next_due", "next_due_on"),
        # The list's default order (last contact, then id) plus the columns it filters on: deep pages,
        # the overdue filter and a rep's scope walk this index without touching the table (issue 6).
        Index("ix_customer_list_order", "last_contacted_at", "id", "archived_at", "next_due_on", "owner_id"),
        Index("ix_customer_stage", "stage"),
        Index("ix_customer_grade", "grade"),
        Index("ix_customer_tier", "tier"),
        Index("ix_customer_industry", "industry"),
        Index("ix_customer_source_channel", "source_channel"),
        Index("ix_customer_archived_at", "archived_at"),
        Index("ix_customer_pool_since", "pool_since"),
        Index("ix_customer_is_member", "is_member"),
        Index("ix_customer_name", "name"),
        Index("ix_customer_merged_into_id", "merged_into_id"),
        # The work list's sections count an owner's customers from these alone (migration 0026).
        Index("ix_customer_owner_due_active", "owner_id", "next_due_on", "archived_at", "stage"),
        Index("ix_customer_owner_care_dates", "owner_id", "archived_at", "stage", "key_contact_birthday",
              "company_anniversary"),
    )

    @property
    def in_pool(self) -> bool:
        return self.owner_id is None

    @property
    def primary_contact(self) -> "Contact | None":
        return self.contacts[0] if self.contacts else None

    def __str__(self) -> str:
        return self.name


class Contact(AuditedMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    phone_digits: Mapped[str] = mapped_column(String(20), default="", index=True)
    email: Mapped[str] = mapped_column(String(128), default="")
    email_normalized: Mapped[str] = mapped_column(String(128), default="", index=True)
    decision_role: Mapped[str] = mapped_column(String(8), default="")
    is_primary: Mapped[bool] = mapped_column(default=False)

    customer: Mapped[Customer] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return self.name


class StageChange(db.Model):
    """Stage history: who moved the customer from which stage to which, when and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    from_stage: Mapped[str | None] = mapped_column(String(8))
    to_stage: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(256), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=clock.now)

    changed_by: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_stage_change_customer_changed_at", "customer_id", "changed_at"),
        Index("ix_stage_change_changed_at", "changed_at", "to_stage"),
    )


class CustomerCodeSequence(db.Model):
    """Last customer code sequence number used per year; bumped by one atomic upsert per new file."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)


class CustomerSearch(db.Model):
    """One narrow row per customer holding every searchable string, lower-cased and joined.

    1–2 character Chinese keywords are the common search and trigram indexes cannot answer them
    (PERFORMANCE.md), so search is a LIKE scan over this small table instead of the wide customer
    rows, and never walks a sort index.
    """

    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    text: Mapped[str] = mapped_column(Text, default="")


class CustomerSearchBigram(db.Model):
    """Each pair of adjacent non-ASCII characters (Chinese) in a customer's search text, once per customer.

    A keyword of two Chinese characters or more matches only customers holding its first such pair, so
    the search probe reads those from the primary key instead of scanning every search row (a rare
    keyword: a ~30 ms scan → 0.1 ms; 1.27M rows for 100k customers). Rewritten with the search row
    (services.refresh_search, the Excel import, the large demo data)."""

    __table_args__ = {"sqlite_with_rowid": False}

    bigram: Mapped[str] = mapped_column(String(2), primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True, autoincrement=False, index=True
    )


# Reasons the portal itself writes into stage and owner history: stored in 简体 like everything else,
# shown in the reader's language (a reason someone typed is shown as typed).
SYSTEM_REASONS = (N_("新建客户档案"), N_("编辑客户档案"), N_("Excel导入"), N_("Excel导入更新"), N_("从公海领取"))
OWNER_CHANGE_KINDS = (N_("分配"), N_("领取"), N_("释放"), N_("交接"), N_("自动回收"), N_("合并"))


class OwnerChange(db.Model):
    """Ownership history: claims from the pool, releases, handovers and automatic returns."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    from_owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    to_owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(String(256), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=clock.now)

    from_owner: Mapped[User | None] = relationship(foreign_keys=[from_owner_id])
    to_owner: Mapped[User | None] = relationship(foreign_keys=[to_owner_id])
    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])

    __table_args__ = (Index("ix_owner_change_customer_changed_at", "customer_id", "changed_at"),)


# 即将沉睡 and 即将退回公海 seek an owner's customers by last touch (last contact, else creation).
Index("ix_customer_owner_last_touch", Customer.owner_id,
      func.coalesce(Customer.last_contacted_at, Customer.created_at), Customer.archived_at, Customer.stage,
      Customer.grade)
# PostgreSQL sorts NULLs first in descending order, so the list's default order (last contact newest
# first, never-contacted last, then id) needs an index in exactly that order to be walked; SQLite's
# NULLs-first ascending index (ix_customer_list_order) already reads backwards that way and cannot
# declare NULLS LAST. Created on PostgreSQL only (migration 0010); `only_dialect` tells autogenerate
# (migrations/env.py) to leave it out of SQLite's comparison.
Index("ix_customer_recent_first", Customer.last_contacted_at.desc().nulls_last(), Customer.id.desc(),
      info={"only_dialect": "postgresql"})
# PostgreSQL answers LIKE '%term%' of three characters or more from a trigram index (pg_trgm) instead of
# scanning every search row (恒通科: 25 ms → see migration 0011); shorter terms still scan, and common
# ones stop early at the search probe's limit. SQLite has no trigram index that LIKE can use.
Index("ix_customer_search_trigram", CustomerSearch.text, postgresql_using="gin",
      postgresql_ops={"text": "gin_trgm_ops"}, info={"only_dialect": "postgresql"})
