"""State changes of the knowledge area that touch several records. Nothing here commits."""
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select

from portal import clock
from portal.customers.services import name_pinyin
from portal.database import upsert
from portal.extensions import db
from portal.i18n import to_simplified
from portal.models.auth import User
from portal.models.knowledge import (
    Announcement,
    AnnouncementRead,
    Article,
    Defect,
    Document,
    KnowledgeGram,
    KnowledgeRefused,
    KnowledgeSearch,
    TicketKnowledge,
    search_grams,
)
from portal.models.tickets import DONE_STATUSES, Ticket

HEAD_CHARS = 400


def search_head(title: str, *extra: str) -> str:
    full, initials = name_pinyin(title)
    return " ".join([title, *extra, full, initials]).lower()[:HEAD_CHARS]


def index_article(article: Article) -> None:
    """Keep the article's narrow search row in step with its title, tags and body."""
    db.session.flush()
    head = search_head(article.title, article.tags, article.product)
    save_search_row("a", article.id, head, f"{head} {article.body}".lower())


def index_document(document: Document) -> None:
    """Keep the document's search row in step with its title and every file name it ever had."""
    db.session.flush()
    head = search_head(document.title)
    names = " ".join(version.filename for version in document.versions)
    save_search_row("d", document.id, head, f"{head} {names}".lower())


def save_search_row(kind: str, record_id: int, head: str, text: str) -> None:
    """The record's search row; head and text in simplified characters so either script finds it."""
    head, text = to_simplified(head), to_simplified(text)
    row = db.session.get(KnowledgeSearch, (kind, record_id))
    if row is None:
        db.session.add(KnowledgeSearch(kind=kind, record_id=record_id, head=head, text=text))
    else:
        row.head, row.text = head, text
    save_grams(kind, record_id, text if kind == "d" else head)


def save_grams(kind: str, record_id: int, text: str) -> None:
    """The record's knowledge_gram rows, rebuilt: a document's from its search text (search), an
    article's from its head (suggestions score titles, tags and product)."""
    db.session.execute(delete(KnowledgeGram).where(KnowledgeGram.kind == kind, KnowledgeGram.record_id == record_id))
    grams = [{"kind": kind, "gram": gram, "record_id": record_id} for gram in sorted(search_grams(text))]
    if grams:
        db.session.execute(insert(KnowledgeGram), grams)


def article_from_ticket(ticket: Ticket, actor: User) -> Article:
    """整理入知识库: a draft from a resolved ticket's problem, root cause and solution, linked both ways
    (article.source_ticket_id, and a note on the ticket's timeline). One draft per ticket."""
    if ticket.status not in DONE_STATUSES:
        raise KnowledgeRefused(_("只有已解决的工单才能整理入知识库"))
    existing = db.session.scalar(select(Article).where(Article.source_ticket_id == ticket.id))
    if existing is not None:
        return existing
    body = "\n\n".join([
        "## " + _("问题现象"), ticket.description.strip() or "-",
        "## " + _("原因分析"), (_("%(type)s：", type=_(ticket.root_cause_type)) if ticket.root_cause_type else "") + (ticket.root_cause.strip() or "-"),
        "## " + _("解决方案"), ticket.solution.strip() or "-",
    ])
    title = (ticket.description.strip().splitlines() or [ticket.number])[0][:60]
    category = "故障处理" if ticket.root_cause_type == "产品缺陷" else "常见问题"
    article = Article.draft(title=title, category=category, body=body, author=actor, source_ticket_id=ticket.id)
    db.session.add(article)
    db.session.flush()
    ticket.log("整理入知识库", actor, _("已整理为知识库草稿：%(title)s", title=title))
    index_article(article)
    return article


def ticket_link(ticket: Ticket) -> TicketKnowledge:
    link = db.session.get(TicketKnowledge, ticket.id)
    if link is None:
        link = TicketKnowledge(ticket_id=ticket.id)
        db.session.add(link)
    return link


def answer_ticket_with(ticket: Ticket, article: Article, actor: User) -> None:
    """知识库解决: the ticket was answered with a published article (counts as first-contact resolution)."""
    if article.status != "已发布":
        raise KnowledgeRefused(_("只能引用已发布的文章"))
    link = ticket_link(ticket)
    link.answered_with_id, link.answered_at = article.id, clock.now()
    ticket.log("知识库解决", actor, _("按知识库文章答复：%(title)s", title=article.title))


def link_defect(ticket: Ticket, defect: Defect | None, actor: User) -> None:
    """Link the ticket to a product defect (or unlink with None)."""
    ticket_link(ticket).defect_id = defect.id if defect else None
    ticket.log("关联缺陷", actor, str(defect) if defect else _("取消关联缺陷"))


def mark_read(announcement: Announcement, user: User) -> None:
    """Record that the user has read the announcement (once)."""
    db.session.execute(upsert(AnnouncementRead.__table__).values(announcement_id=announcement.id, user_id=user.id,
                                                       read_at=clock.now()).on_conflict_do_nothing())

