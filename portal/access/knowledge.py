"""Which knowledge articles, documents, defects and announcements a user may see (SECURITY.md #31).

Documents carry a level: 公开 everyone; 内部 the document's department (and admins); 机密 only the
named readers and the uploader — nobody else, admins included, so a 机密 title never shows up in
anyone else's list, search or suggestion. Everything out of level is 404.
"""
from sqlalchemy import Select, exists, false, or_, select, true

from portal.models.auth import User
from portal.models.knowledge import (
    CONFIDENTIAL,
    INTERNAL,
    PUBLIC,
    PUBLISHED,
    PUBLISHER_ROLES,
    Announcement,
    Article,
    Defect,
    Document,
    document_reader,
)


def article_condition(user: User):
    """Published articles for everyone; drafts and archived ones for their author, the author's
    department (colleagues improve a draft together) and publishers."""
    if user.role in PUBLISHER_ROLES:
        return true()
    if user.department_id is None:
        return or_(Article.status == PUBLISHED, Article.author_id == user.id)
    colleagues = select(User.id).where(User.department_id == user.department_id)
    return or_(Article.status == PUBLISHED, Article.author_id.in_(colleagues))


def visible_articles(user: User) -> Select:
    """Articles the user may open."""
    return select(Article).where(article_condition(user))


def suggestable_articles(user: User) -> Select:
    """Articles offered while a ticket is typed: published only."""
    return select(Article).where(Article.status == PUBLISHED)


def named_reader(user: User):
    return exists().where(document_reader.c.document_id == Document.id, document_reader.c.user_id == user.id)


def document_condition(user: User):
    """The level rule as a condition on a document row."""
    confidential = (Document.level == CONFIDENTIAL) & or_(Document.owner_id == user.id, named_reader(user))
    if user.role == "admin":
        internal = Document.level == INTERNAL
    elif user.department_id is None:
        internal = (Document.level == INTERNAL) & (Document.owner_id == user.id)
    else:
        internal = (Document.level == INTERNAL) & or_(Document.department_id == user.department_id,
                                                      Document.owner_id == user.id)
    return or_(Document.level == PUBLIC, internal, confidential)


def visible_documents(user: User) -> Select:
    """Documents within the user's level."""
    return select(Document).where(document_condition(user))


def visible_defects(user: User) -> Select:
    """The defect library is open to every signed-in role."""
    return select(Defect)


def announcement_condition(user: User):
    if user.role == "admin":
        return true()
    audience = Announcement.department_id.is_(None)
    if user.department_id is not None:
        audience = or_(audience, Announcement.department_id == user.department_id)
    return or_(audience, Announcement.posted_by_id == user.id)


def visible_announcements(user: User) -> Select:
    """Announcements addressed to everyone or to the user's department (and the poster's own)."""
    if not user.is_authenticated:
        return select(Announcement).where(false())
    return select(Announcement).where(announcement_condition(user))
