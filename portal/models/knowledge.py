"""Knowledge base 知识库: articles with revisions, product defects, the document library and announcements.

State machines are model methods that refuse illegal moves with `KnowledgeRefused` (shown to the user).
Every article edit is a new `ArticleRevision`; an edit based on a stale revision is refused, never
silently replacing someone else's (the row's `version` column guards concurrent UPDATEs as well).
Document files are never overwritten: each upload is a new `DocumentVersion` under a new stored name.
"""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import Department, User
from portal.models.base import AuditedMixin, TimestampMixin, VersionedMixin
from portal.models.customers import Customer

ARTICLE_CATEGORIES = (N_("产品知识"), N_("常见问题"), N_("操作指南"), N_("故障处理"), N_("行业资料"))
DRAFT, PUBLISHED, ARCHIVED = N_("草稿"), N_("已发布"), N_("已归档")
ARTICLE_STATUSES = (DRAFT, PUBLISHED, ARCHIVED)
PUBLISHER_ROLES = frozenset({"supervisor", "admin"})

DEFECT_STATUSES = (N_("待确认"), N_("已确认"), N_("修复中"), N_("已修复"))
# action -> (statuses it may start from, status it leads to)
DEFECT_TRANSITIONS = {
    "confirm": (("待确认",), "已确认"),
    "start_fix": (("已确认",), "修复中"),
    "mark_fixed": (("已确认", "修复中"), "已修复"),
}

DOCUMENT_CATEGORIES = (N_("产品资料"), N_("竞争情报"), N_("工作总结"), N_("标书"), N_("合同"), N_("报价单"))
PUBLIC, INTERNAL, CONFIDENTIAL = N_("公开"), N_("内部"), N_("机密")
DOCUMENT_LEVELS = (PUBLIC, INTERNAL, CONFIDENTIAL)


class KnowledgeRefused(Exception):
    """An illegal change (stale edit, wrong status, wrong role); the message is Chinese."""


class Article(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    product: Mapped[str] = mapped_column(String(64), default="")
    product_version: Mapped[str] = mapped_column(String(32), default="")
    tags: Mapped[str] = mapped_column(String(200), default="")  # space-separated
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(8), default=DRAFT)
    revision_number: Mapped[int] = mapped_column(Integer, default=1)  # the current revision's number
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime | None]
    source_ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    revisions: Mapped[list["ArticleRevision"]] = relationship(
        back_populates="article", order_by="ArticleRevision.number", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_article_status_category", "status", "category"),
        Index("ix_article_product", "product"),
    )

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split() if tag]

    @classmethod
    def draft(cls, *, title: str, category: str, body: str, author: User, product: str = "",
              product_version: str = "", tags: str = "", source_ticket_id: int | None = None) -> "Article":
        """A new draft with its first revision."""
        article = cls(title=title, category=category, body=body, author=author, author_id=author.id, product=product,
                      product_version=product_version, tags=tags, status=DRAFT, revision_number=1,
                      source_ticket_id=source_ticket_id)
        article.revisions.append(ArticleRevision(number=1, title=title, body=body, author=author, at=clock.now(),
                                                 note=_("创建")))
        return article

    def edit(self, actor: User, *, based_on: int, title: str, body: str, note: str = "", **fields) -> "ArticleRevision":
        """A new revision; refused if the editor started from an older revision than the current one."""
        if self.status == ARCHIVED:
            raise KnowledgeRefused(_("已归档的文章不能修改"))
        if based_on != self.revision_number:
            raise KnowledgeRefused(_("文章已被其他人修改（当前为第 %(number)s 版），请刷新后在最新版本上修改",
                                     number=self.revision_number))
        for name in ("category", "product", "product_version", "tags"):
            if name in fields and fields[name] is not None:
                setattr(self, name, fields[name])
        self.title, self.body = title, body
        self.revision_number = (self.revision_number or 1) + 1
        revision = ArticleRevision(number=self.revision_number, title=title, body=body, author=actor, at=clock.now(),
                                   note=note)
        self.revisions.append(revision)
        return revision

    def restore(self, actor: User, revision: "ArticleRevision", *, based_on: int) -> "ArticleRevision":
        """Restore an old revision's text as a new revision (history is never rewritten)."""
        if revision.article_id != self.id:
            raise KnowledgeRefused(_("版本不属于该文章"))
        return self.edit(actor, based_on=based_on, title=revision.title, body=revision.body,
                         note=_("恢复自第 %(number)s 版", number=revision.number))

    def publish(self, actor: User) -> None:
        """草稿 → 已发布, by a supervisor or admin."""
        if actor.role not in PUBLISHER_ROLES:
            raise KnowledgeRefused(_("只有主管可以发布文章"))
        if self.status != DRAFT:
            raise KnowledgeRefused(_("文章当前状态为「%(status)s」，不能发布", status=_(self.status)))
        self.status, self.published_by, self.published_by_id, self.published_at = PUBLISHED, actor, actor.id, clock.now()

    def archive(self, actor: User) -> None:
        """已发布 (or 草稿) → 已归档, by a supervisor or admin."""
        if actor.role not in PUBLISHER_ROLES:
            raise KnowledgeRefused(_("只有主管可以归档文章"))
        if self.status == ARCHIVED:
            raise KnowledgeRefused(_("文章已归档"))
        self.status = ARCHIVED


class ArticleRevision(db.Model):
    """One saved state of an article: who, when, what."""

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(default=clock.now)

    article: Mapped[Article] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("article_id", "number", name="uq_article_revision_number"),)


class Defect(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """产品缺陷: a product's known defect; tickets link to it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    product: Mapped[str] = mapped_column(String(64))
    product_version: Mapped[str] = mapped_column(String(32), default="")
    symptom: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="待确认")
    fixed_in_version: Mapped[str] = mapped_column(String(32), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_defect_product_status", "product", "status"),)

    def __init__(self, **fields):
        fields.setdefault("status", DEFECT_STATUSES[0])
        super().__init__(**fields)

    def __str__(self) -> str:
        return f"{self.product} {self.product_version}：{self.symptom[:30]}"

    def move(self, action: str, fixed_in_version: str = "") -> None:
        """确认 / 开始修复 / 已修复 (the last needs the version that fixes it)."""
        if action not in DEFECT_TRANSITIONS:
            raise KnowledgeRefused(_("未知操作"))
        sources, target = DEFECT_TRANSITIONS[action]
        if self.status not in sources:
            raise KnowledgeRefused(_("缺陷当前状态为「%(status)s」，不能执行此操作", status=_(self.status)))
        if action == "mark_fixed":
            if not fixed_in_version.strip():
                raise KnowledgeRefused(_("请填写修复版本"))
            self.fixed_in_version = fixed_in_version.strip()
        self.status = target


class TicketKnowledge(db.Model):
    """What the knowledge base knows about a ticket: the article it was answered with (知识库解决)
    and the defect it is linked to. Kept here so the tickets table stays the tickets area's."""

    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True,
                                           autoincrement=False)
    answered_with_id: Mapped[int | None] = mapped_column(ForeignKey("article.id"))
    answered_at: Mapped[datetime | None]
    defect_id: Mapped[int | None] = mapped_column(ForeignKey("defect.id"), index=True)

    answered_with: Mapped[Article | None] = relationship()
    defect: Mapped[Defect | None] = relationship()


document_reader = Table(
    "document_reader",
    db.metadata,
    Column("document_id", ForeignKey("document.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_document_reader_user", "user_id"),
)


class Document(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A managed company document; its files are `DocumentVersion`s, the newest is current."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(8))
    level: Mapped[str] = mapped_column(String(4), default=PUBLIC)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))  # 内部: whose department
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    current_number: Mapped[int] = mapped_column(Integer, default=0)

    department: Mapped[Department | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    owner: Mapped[User | None] = relationship()
    readers: Mapped[list[User]] = relationship(secondary=document_reader)
    versions: Mapped[list["DocumentVersion"]] = relationship(
        back_populates="document", order_by="DocumentVersion.number", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_document_level_department", "level", "department_id"),
        Index("ix_document_category", "category"),
    )

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> "DocumentVersion | None":
        return self.versions[-1] if self.versions else None

    def add_version(self, actor: User, *, stored_name: str, filename: str, content_type: str, size: int) -> "DocumentVersion":
        """A new file version; earlier versions (and their files) stay as they are."""
        self.current_number = (self.current_number or 0) + 1
        version = DocumentVersion(number=self.current_number, filename=filename, stored_name=stored_name,
                                  content_type=content_type, size=size, uploaded_by=actor, uploaded_at=clock.now())
        self.versions.append(version)
        return version


class DocumentVersion(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(128))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.now)

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_version_number"),)


class KnowledgeSearch(db.Model):
    """One narrow row per article or document: title, body or file names, and title pinyin/initials,
    lower-cased (the customers area's approach: 1–2 character keywords scan this small table).

    On SQLite the table is WITHOUT ROWID: its primary key (kind, record_id) is the table itself, so a
    search walks one kind's rows newest first in one sequential pass and stops after a page of hits,
    instead of reading an index and looking every row up in the table."""

    __table_args__ = {"sqlite_with_rowid": False}

    kind: Mapped[str] = mapped_column(String(1), primary_key=True)  # "a" article, "d" document
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    head: Mapped[str] = mapped_column(String(400), default="")  # title, tags, product, title pinyin/initials
    text: Mapped[str] = mapped_column(Text, default="")  # head plus body or file names


class KnowledgeGram(db.Model):
    """The one- and two-character pieces of a document's search text that hold a Chinese character, one
    row per piece and document (search_grams). A Chinese keyword walks the postings of one of its pieces
    newest first instead of every document's search row: a keyword no document holds read all 100,000
    rows (30 ms) and now reads none. Kept in step by portal.knowledge.services.save_search_row."""

    __table_args__ = {"sqlite_with_rowid": False}

    kind: Mapped[str] = mapped_column(String(1), primary_key=True)  # "d" document
    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    record_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


def search_grams(text: str) -> set[str]:
    """Every single non-ASCII character of `text` and every two-character piece holding one, spaces
    excluded (a keyword never holds a space); migration 0027 derives the same set in SQL."""
    singles = {char for char in text if ord(char) > 127}
    pairs = {text[i:i + 2] for i in range(len(text) - 1)
             if " " not in text[i:i + 2] and (ord(text[i]) > 127 or ord(text[i + 1]) > 127)}
    return singles | pairs


class Announcement(AuditedMixin, TimestampMixin, db.Model):
    """企业公告 to everyone or one department; on the work list until read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))  # None: everyone
    posted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    posted_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)

    department: Mapped[Department | None] = relationship()
    posted_by: Mapped[User | None] = relationship()


class AnnouncementRead(db.Model):
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    read_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (Index("ix_announcement_read_user", "user_id"),)
