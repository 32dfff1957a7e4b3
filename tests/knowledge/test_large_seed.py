"""The knowledge part of the large data set, at a small scale: rows in proportion, searchable, level mix."""
from sqlalchemy import func, select

from portal.demo_large import Sizes, seed_large
from portal.extensions import db
from portal.knowledge import queries
from portal.models.auth import User
from portal.models.knowledge import ArticleRevision, Document, KnowledgeSearch


def test_scaled_seed_writes_articles_documents_and_search_rows(app, frozen_now):
    loaded = seed_large(Sizes.scaled(1000))
    assert loaded.counts["article"] == 100 and loaded.counts["article_revision"] == 300
    assert loaded.counts["document"] == 1000 and loaded.counts["knowledge_search"] == 1100
    assert db.session.scalar(select(func.count()).select_from(ArticleRevision)) == 300
    levels = set(db.session.scalars(select(Document.level).distinct()))
    assert levels == {"公开", "内部", "机密"}
    admin = db.session.scalar(select(User).where(User.role == "admin").limit(1))
    hits = queries.search(admin, "登录")
    assert hits and all(hit.kind in ("article", "document") for hit in hits)
    # A 机密 document reaches an admin's search only when the admin is its owner or a named reader.
    for hit in queries.search(admin, "报告", limit=1000):
        document = db.session.get(Document, hit.id) if hit.kind == "document" else None
        if document is not None and document.level == "机密":
            assert document.owner_id == admin.id or admin in document.readers
    assert db.session.get(KnowledgeSearch, ("a", 1)).head
