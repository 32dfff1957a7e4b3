"""Read queries of the knowledge area: search, suggestions, lists, defect ranking, customer documents,
announcement read state. Every query starts from portal.access.knowledge."""
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import case, func, literal, or_, select, union_all

from portal.access.knowledge import (
    announcement_condition,
    article_condition,
    document_condition,
    visible_documents,
)
from portal.database import on_sqlite
from portal.extensions import db
from portal.i18n import to_simplified
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.knowledge import (
    PUBLISHED,
    Announcement,
    AnnouncementRead,
    Article,
    Defect,
    Document,
    KnowledgeGram,
    KnowledgeSearch,
    TicketKnowledge,
)
from portal.models.tickets import Ticket

SEARCH_LIMIT = 20
SUGGEST_LIMIT = 5
SUGGEST_BIGRAMS = 24
HAN = re.compile(r"[\u4e00-\u9fff]+|[a-z0-9]{2,}")
# Words every ticket description has; they would match everything.
STOP_BIGRAMS = frozenset({"客户", "问题", "反映", "我们", "一个", "没有", "可以", "无法", "不能", "需要", "时候", "现在"})


@dataclass
class Hit:
    kind: str  # "article" / "document"
    id: int
    title: str
    detail: str


def search_terms(q: str) -> list[str]:
    return [term for term in to_simplified((q or "").strip().lower()).split() if term][:5]


GLOB_SPECIALS = set("*?[]")


def contains(column, term: str):
    """Substring test on lower-cased search text; on SQLite GLOB for ASCII terms (pinyin, initials,
    digits) and instr() for Chinese, the fastest scans there (see portal.customers.queries)."""
    if on_sqlite():
        if term.isascii() and not GLOB_SPECIALS.intersection(term):
            return column.op("GLOB")(f"*{term}*")
        return func.instr(column, term) > 0
    return column.contains(term, autoescape=True)


def search(user: User, q: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
    """Articles and documents whose title, body, file names or title pinyin contain every term,
    within the user's scope and level: an out-of-level document never comes back, not even its title."""
    terms = search_terms(q)
    if not terms:
        return []
    articles = db.session.execute(
        select(Article.id, Article.title, Article.status, Article.category)
        .join(KnowledgeSearch, (KnowledgeSearch.kind == "a") & (KnowledgeSearch.record_id == Article.id))
        .where(*[contains(KnowledgeSearch.text, term) for term in terms], article_condition(user))
        .order_by(KnowledgeSearch.record_id.desc()).limit(limit)
    ).all()
    documents = db.session.execute(document_search(user, terms, limit)).all()
    hits = [Hit("article", row.id, row.title, f"{_(row.category)} · {_(row.status)}") for row in articles]
    hits += [Hit("document", row.id, row.title, f"{_(row.category)} · {_(row.level)}") for row in documents]
    return hits


COMMON_PIECE = 5000  # postings past which walking them costs more than scanning every search row


def document_search(user: User, terms: list[str], limit: int):
    """Documents whose search text holds every term, within the user's level, newest first.

    With a Chinese term, the walk goes over the documents holding its rarest piece (knowledge_gram,
    newest first) instead of all 100,000 search rows: a keyword no document holds read every row
    (30 ms) and now stops at once. Each candidate is still checked for every term and the level. A
    piece many documents hold (方案: 37,000) is no shortcut: probing that many rows one by one costs
    more than the sequential scan, so such terms scan as before."""
    query = (select(Document.id, Document.title, Document.level, Document.category)
             .join(KnowledgeSearch, (KnowledgeSearch.kind == "d") & (KnowledgeSearch.record_id == Document.id))
             .where(*[contains(KnowledgeSearch.text, term) for term in terms], document_condition(user)))
    piece = rarest_piece(next((term for term in terms if not term.isascii()), ""))
    if piece is None:
        return query.order_by(KnowledgeSearch.record_id.desc()).limit(limit)
    query = query.join(KnowledgeGram, (KnowledgeGram.kind == "d") & (KnowledgeGram.gram == piece)
                       & (KnowledgeGram.record_id == KnowledgeSearch.record_id))
    return query.order_by(KnowledgeGram.record_id.desc()).limit(limit)


def rarest_piece(term: str) -> str | None:
    """The term's knowledge_gram piece held by the fewest documents (counted up to COMMON_PIECE, one
    query); None for an ASCII term or when every piece is common."""
    pieces = term_pieces(term)
    if not pieces:
        return None
    counts = union_all(*[
        select(literal(piece).label("piece"), func.count().label("n")).select_from(
            select(KnowledgeGram.record_id).where(KnowledgeGram.kind == "d", KnowledgeGram.gram == piece)
            .limit(COMMON_PIECE).subquery())
        for piece in pieces]).subquery()
    piece, count = db.session.execute(select(counts.c.piece, counts.c.n).order_by(counts.c.n).limit(1)).one()
    return None if count >= COMMON_PIECE else piece


def term_pieces(term: str) -> list[str]:
    """The knowledge_gram pieces every text holding `term` holds: the term itself when it is one
    character, else its two-character pieces with a non-ASCII character (search_grams)."""
    if len(term) == 1:
        return [term] if not term.isascii() else []
    return list(dict.fromkeys(term[i:i + 2] for i in range(len(term) - 1) if not term[i:i + 2].isascii()))


def description_bigrams(text: str) -> list[str]:
    """Distinct two-character pieces of a ticket description (Chinese has no spaces to split on)."""
    seen: list[str] = []
    for run in HAN.findall(to_simplified((text or "").lower())):
        pieces = [run] if run.isascii() else [run[i:i + 2] for i in range(max(len(run) - 1, 1))]
        for piece in pieces:
            if len(piece) >= 2 and piece not in STOP_BIGRAMS and piece not in seen:
                seen.append(piece)
    return seen[:SUGGEST_BIGRAMS]


def suggest_articles(text: str, limit: int = SUGGEST_LIMIT) -> list[Article]:
    """Published articles whose title, tags or product share the most two-character pieces with what is
    being typed (at least two, or the only one of a short text).

    Chinese pieces are counted from the articles' head postings in knowledge_gram (a few thousand index
    entries) instead of testing every piece against all 10,000 heads (11 pieces: 110,000 substring
    tests, 30-100 ms); a text with a Latin word (ERP, crm) still tests the heads."""
    bigrams = description_bigrams(text)
    if not bigrams:
        return []
    needed = min(2, len(bigrams))
    scored = head_postings_scores(bigrams) if not any(piece.isascii() for piece in bigrams) else head_scan_scores(bigrams)
    # Rank ids and scores first (the status from an index), then load the few articles: sorting 2,000
    # whole articles, bodies included, cost more than the scoring.
    top = (select(scored.c.record_id, scored.c.score).join(Article, Article.id == scored.c.record_id)
           .where(scored.c.score >= needed, Article.status == PUBLISHED)
           .order_by(scored.c.score.desc(), scored.c.record_id.desc()).limit(limit).subquery())
    rows = db.session.execute(
        select(Article).join(top, top.c.record_id == Article.id).order_by(top.c.score.desc(), Article.id.desc())
    ).scalars().all()
    return list(rows)


def head_postings_scores(bigrams: list[str]):
    """(record_id, score): how many of the pieces each article's head holds, from knowledge_gram."""
    score = func.count().label("score")
    return (select(KnowledgeGram.record_id, score).where(KnowledgeGram.kind == "a", KnowledgeGram.gram.in_(bigrams))
            .group_by(KnowledgeGram.record_id).subquery())


def head_scan_scores(bigrams: list[str]):
    """(record_id, score) by testing each piece against every article head."""
    score = sum(case((contains(KnowledgeSearch.head, piece), 1), else_=0) for piece in bigrams)
    return select(KnowledgeSearch.record_id, score.label("score")).where(KnowledgeSearch.kind == "a").subquery()


def ranked_defects():
    """Defects with their number of linked tickets, most tickets first."""
    tickets = func.count(TicketKnowledge.ticket_id).label("tickets")
    return (select(Defect, tickets).outerjoin(TicketKnowledge, TicketKnowledge.defect_id == Defect.id)
            .group_by(Defect.id).order_by(tickets.desc(), Defect.id.desc()))


def defect_tickets(user: User, defect: Defect) -> list[Ticket]:
    """The defect's tickets the user may see (with their customers)."""
    from portal.access.tickets import visible_tickets
    from sqlalchemy.orm import selectinload

    query = (visible_tickets(user).join(TicketKnowledge, TicketKnowledge.ticket_id == Ticket.id)
             .where(TicketKnowledge.defect_id == defect.id).options(selectinload(Ticket.customer))
             .order_by(Ticket.received_at.desc()).limit(200))
    return list(db.session.scalars(query))


def ticket_knowledge(ticket: Ticket) -> dict:
    """The ticket's article made from it, the article it was answered with and its defect."""
    link = db.session.get(TicketKnowledge, ticket.id)
    source = db.session.scalar(select(Article).where(Article.source_ticket_id == ticket.id))
    return {"link": link, "article": source}


def customer_documents(user: User, customer: Customer, limit: int = 20) -> list[Document]:
    """Documents tied to a customer, within the user's level (the page itself is scoped to the customer)."""
    return list(db.session.scalars(
        visible_documents(user).where(Document.customer_id == customer.id).order_by(Document.id.desc()).limit(limit)
    ))


def unread_announcements(user: User):
    """Announcements addressed to the user that they have not read yet, newest first."""
    read = select(AnnouncementRead.announcement_id).where(AnnouncementRead.user_id == user.id)
    not_mine = or_(Announcement.posted_by_id.is_(None), Announcement.posted_by_id != user.id)
    return (select(Announcement).where(announcement_condition(user), not_mine, Announcement.id.not_in(read))
            .order_by(Announcement.posted_at.desc()))


def read_counts(announcement_ids: list[int]) -> dict[int, int]:
    """How many have read each announcement, one query."""
    if not announcement_ids:
        return {}
    rows = db.session.execute(
        select(AnnouncementRead.announcement_id, func.count())
        .where(AnnouncementRead.announcement_id.in_(announcement_ids)).group_by(AnnouncementRead.announcement_id)
    )
    return dict(rows.all())


def first_contact_resolutions(user: User, since) -> int:
    """Tickets in the user's scope answered from the knowledge base (知识库解决) since a moment: each
    counts as resolved at first contact (DESIGN.md: misoperation questions answered from the base)."""
    from portal.access.tickets import visible_tickets

    query = (visible_tickets(user).join(TicketKnowledge, TicketKnowledge.ticket_id == Ticket.id)
             .where(TicketKnowledge.answered_with_id.is_not(None), TicketKnowledge.answered_at >= since))
    return db.session.scalar(query.with_only_columns(func.count()).order_by(None)) or 0
