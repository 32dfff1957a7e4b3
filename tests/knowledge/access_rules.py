"""Role × route rows for the knowledge area. The article is a draft by tech (publishers and its author
see it; others 404); the document is 内部 to 技术部 (tech and admins; others 404); the ticket is the
tickets area's matrix ticket (marketing cannot see it: 404)."""
from pathlib import Path

from flask import current_app

from portal.extensions import db
from portal.models.knowledge import Announcement, Article, Defect, Document
from tests.access import EVERYONE, Rule
from tests.tickets.access_rules import ticket

PUBLISHERS = frozenset({"supervisor", "admin"})
DEFECT_ROLES = frozenset({"tech", "service", "supervisor", "admin"})
DRAFT_HIDDEN = {"sales": 404, "service": 404, "marketing": 404}
INTERNAL_HIDDEN = {"sales": 404, "service": 404, "marketing": 404, "supervisor": 404}


def article(world):
    def build():
        record = Article.draft(title="矩阵测试文章", category="常见问题", body="正文", author=world.users["tech"])
        db.session.add(record)
        db.session.commit()
        return record.id

    return {"article_id": world.once("article", build)}


def document(world):
    def build():
        store = Path(current_app.config["FILE_STORE"]) / "knowledge"
        store.mkdir(parents=True, exist_ok=True)
        (store / ("a" * 32)).write_bytes(b"%PDF-1.4\n")
        record = Document(title="技术部内部资料", category="产品资料", level="内部",
                          department_id=world.departments["tech"].id, owner=world.users["tech"])
        db.session.add(record)
        version = record.add_version(world.users["tech"], stored_name="a" * 32, filename="a.pdf",
                                     content_type="application/pdf", size=9)
        db.session.commit()
        return record.id, version.id

    document_id, version_id = world.once("document", build)
    return {"document_id": document_id, "version_id": version_id}


def defect(world):
    def build():
        record = Defect(product="矩阵产品", symptom="矩阵缺陷")
        db.session.add(record)
        db.session.commit()
        return record.id

    return {"defect_id": world.once("defect", build)}


def announcement(world):
    def build():
        record = Announcement(title="全员公告", body="内容", posted_by=world.users["admin"])
        db.session.add(record)
        db.session.commit()
        return record.id

    return {"announcement_id": world.once("announcement", build)}


def ticket_args(world):
    return {"ticket_id": ticket(world)}


def document_only(world):
    return {"document_id": document(world)["document_id"]}


RULES = [
    Rule("knowledge.index", "GET", EVERYONE),
    Rule("knowledge.search", "GET", EVERYONE),
    Rule("knowledge.suggest", "GET", EVERYONE),
    Rule("knowledge.article_create", "GET", EVERYONE),
    Rule("knowledge.article_create", "POST", EVERYONE),
    Rule("knowledge.article_detail", "GET", EVERYONE, url_values=article, expect=DRAFT_HIDDEN),
    Rule("knowledge.article_edit", "GET", EVERYONE, url_values=article, expect=DRAFT_HIDDEN),
    Rule("knowledge.article_edit", "POST", EVERYONE, url_values=article, expect=DRAFT_HIDDEN),
    Rule("knowledge.article_restore", "POST", EVERYONE, url_values=lambda w: {**article(w), "number": 1},
         expect={**DRAFT_HIDDEN, "tech": 400, "supervisor": 400, "admin": 400}),
    Rule("knowledge.article_publish", "POST", EVERYONE, url_values=article,
         expect={**DRAFT_HIDDEN, "tech": 403, "supervisor": 400, "admin": 400}),
    Rule("knowledge.article_archive", "POST", EVERYONE, url_values=article,
         expect={**DRAFT_HIDDEN, "tech": 403, "supervisor": 400, "admin": 400}),
    Rule("knowledge.ticket_to_article", "POST", EVERYONE, url_values=ticket_args, expect={"marketing": 404, "sales": 403}),
    Rule("knowledge.ticket_answer", "POST", EVERYONE, url_values=ticket_args,
         expect={"marketing": 404, "sales": 400, "service": 400, "tech": 400, "supervisor": 400, "admin": 400}),
    Rule("knowledge.ticket_defect", "POST", EVERYONE, url_values=ticket_args, expect={"marketing": 404, "sales": 403}),
    Rule("knowledge.documents", "GET", EVERYONE),
    Rule("knowledge.document_create", "GET", EVERYONE),
    Rule("knowledge.document_create", "POST", EVERYONE),
    Rule("knowledge.document_detail", "GET", EVERYONE, url_values=document_only, expect=INTERNAL_HIDDEN),
    Rule("knowledge.document_upload", "POST", EVERYONE, url_values=document_only, expect=INTERNAL_HIDDEN),
    Rule("knowledge.document_download", "GET", EVERYONE, url_values=document, expect=INTERNAL_HIDDEN),
    Rule("knowledge.document_preview", "GET", EVERYONE, url_values=document, expect=INTERNAL_HIDDEN),
    Rule("knowledge.defects", "GET", EVERYONE),
    Rule("knowledge.defect_create", "GET", EVERYONE, expect={"sales": 403, "marketing": 403}),
    Rule("knowledge.defect_create", "POST", EVERYONE, expect={"sales": 403, "marketing": 403}),
    Rule("knowledge.defect_detail", "GET", EVERYONE, url_values=defect),
    Rule("knowledge.defect_move", "POST", EVERYONE, url_values=lambda w: {**defect(w), "action": "start_fix"},
         expect={"sales": 403, "marketing": 403}),
    Rule("knowledge.announcements", "GET", EVERYONE),
    Rule("knowledge.announcement_create", "GET", EVERYONE, expect={r: 403 for r in ("sales", "service", "tech", "marketing")}),
    Rule("knowledge.announcement_create", "POST", EVERYONE, expect={r: 403 for r in ("sales", "service", "tech", "marketing")}),
    Rule("knowledge.announcement_detail", "GET", EVERYONE, url_values=announcement),
]
