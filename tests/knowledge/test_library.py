"""Document uploads (refusals, versions never overwrite), defects ↔ tickets, announcements' read state,
article edits through the page (stale edit refused, diff, restore, publish)."""
import io
import re
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from portal.extensions import db
from portal.models.knowledge import Announcement, Article, Defect, Document, TicketKnowledge
from tests.conftest import PASSWORD
from tests.knowledge.conftest import PDF, PNG, office_file


def upload(client, data: bytes, name: str, **fields):
    form = {"title": "产品白皮书", "category": "产品资料", "level": "公开", **fields,
            "file": (io.BytesIO(data), name)}
    return client.post("/knowledge/documents/new", data=form, content_type="multipart/form-data")


def test_upload_accepts_pdf_image_and_office_by_content(company, login_as):
    client = login_as(company.users.tech)
    for data, name in ((PDF, "a.pdf"), (PNG, "b.png"), (office_file("word/"), "c.docx"),
                       (office_file("xl/"), "d.xlsx"), (office_file("ppt/"), "e.pptx"), (PDF, "renamed.txt")):
        assert upload(client, data, name).status_code == 303, name
    stored = sorted(p.name for p in (Path(current_app.config["FILE_STORE"]) / "knowledge").iterdir())
    assert len(stored) == 6 and all(len(name) == 32 for name in stored)  # generated names, not the user's


def test_upload_refusals(company, login_as):
    client = login_as(company.users.tech)
    current_app.config["KNOWLEDGE_DOCUMENT_MAX_BYTES"] = 1024
    cases = {
        "html.pdf": b"<html><script>alert(1)</script></html>",  # the name lies: content decides
        "evil.docx": office_file("evil/"),  # a zip that is not an Office document
        "a.zip": b"PK\x03\x04 not really a zip",
        "old.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,  # legacy OLE: not accepted here
        "anim.gif": b"GIF89a" + b"\x00" * 16,
        "big.pdf": PDF + b"0" * 2048,
        "empty.pdf": b"",
    }
    for name, data in cases.items():
        response = upload(client, data, name)
        assert response.status_code == 422, name
    assert db.session.scalar(select(Document)) is None
    store = Path(current_app.config["FILE_STORE"]) / "knowledge"
    assert not store.exists() or not any(store.iterdir())


def test_new_version_never_overwrites(company, login_as, make_document):
    users = company.users
    document = make_document(users.tech, title="产品资料", data=PDF)
    first = document.versions[0]
    client = login_as(users.tech2)
    response = client.post(f"/knowledge/documents/{document.id}/versions",
                           data={"file": (io.BytesIO(PNG), "v2.png")}, content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.expire_all()
    versions = db.session.get(Document, document.id).versions
    assert [v.number for v in versions] == [1, 2]
    old = client.get(f"/knowledge/documents/{document.id}/versions/{first.id}/download")
    new = client.get(f"/knowledge/documents/{document.id}/versions/{versions[1].id}/download")
    assert old.data == PDF and new.data == PNG
    preview = client.get(f"/knowledge/documents/{document.id}/versions/{versions[1].id}/preview")
    assert preview.headers["Content-Disposition"].startswith("inline")
    assert "default-src 'none'" in preview.headers["Content-Security-Policy"]
    assert preview.headers["X-Content-Type-Options"] == "nosniff"


def test_office_files_are_never_previewed(company, login_as, make_document):
    document = make_document(company.users.tech, data=office_file("word/"), filename="a.docx",
                             content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    client = login_as(company.users.tech)
    assert client.get(f"/knowledge/documents/{document.id}/versions/{document.versions[0].id}/preview").status_code == 404


def test_version_of_another_document_is_404(company, login_as, make_document):
    users = company.users
    public = make_document(users.tech, title="公开资料")
    secret = make_document(users.tech, title="机密资料", level="机密")
    client = login_as(users.sales)
    assert client.get(f"/knowledge/documents/{public.id}/versions/{secret.versions[0].id}/download").status_code == 404


def test_resolved_ticket_becomes_a_draft_linked_both_ways(company, login_as, resolved_ticket):
    client = login_as(company.users.tech)
    response = client.post(f"/knowledge/tickets/{resolved_ticket.id}/article")
    assert response.status_code == 303
    article = db.session.scalar(select(Article).where(Article.source_ticket_id == resolved_ticket.id))
    assert article.status == "草稿" and article.title == "打印机频繁卡纸"
    assert "使用了过厚的纸张" in article.body and "更换搓纸轮" in article.body and "客户反映每天卡纸多次" in article.body
    ticket_page = client.get(f"/tickets/{resolved_ticket.id}").get_data(as_text=True)
    assert f"/knowledge/articles/{article.id}" in ticket_page
    article_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/tickets/{resolved_ticket.id}" in article_page
    client.post(f"/knowledge/tickets/{resolved_ticket.id}/article")
    assert len(db.session.scalars(select(Article)).all()) == 1  # one draft per ticket


def test_open_ticket_cannot_become_an_article(company, login_as, resolved_ticket):
    resolved_ticket.reopen(company.users.service, "客户又反映")
    db.session.commit()
    login_as(company.users.tech).post(f"/knowledge/tickets/{resolved_ticket.id}/article")
    assert db.session.scalar(select(Article)) is None


def test_suggestions_and_answer_with_article(company, login_as, resolved_ticket, make_article):
    users = company.users
    article = make_article(users.tech, title="打印机卡纸怎么办", tags="卡纸 打印机", status="已发布", publisher=users.supervisor)
    make_article(users.tech, title="财务报表导出", status="已发布", publisher=users.supervisor)
    client = login_as(users.service)
    html = client.get("/knowledge/suggest?description=客户的打印机总是卡纸").get_data(as_text=True)
    assert "打印机卡纸怎么办" in html and "财务报表导出" not in html
    assert client.post(f"/knowledge/tickets/{resolved_ticket.id}/answer", data={"article_id": article.id}).status_code == 303
    link = db.session.get(TicketKnowledge, resolved_ticket.id)
    assert link.answered_with_id == article.id
    assert "知识库解决" in client.get(f"/tickets/{resolved_ticket.id}").get_data(as_text=True)


def test_answer_with_draft_or_unseen_article_refused(company, login_as, resolved_ticket, make_article):
    users = company.users
    draft = make_article(users.tech, title="草稿文章")
    client = login_as(users.service)
    assert client.post(f"/knowledge/tickets/{resolved_ticket.id}/answer", data={"article_id": draft.id}).status_code == 404
    assert db.session.get(TicketKnowledge, resolved_ticket.id) is None


def test_defect_lists_its_tickets_and_ranks_by_ticket_count(company, login_as, resolved_ticket):
    users = company.users
    quiet, busy = Defect(product="扫描仪 S1", symptom="偶发黑线"), Defect(product="打印机 P3", symptom="频繁卡纸")
    db.session.add_all([quiet, busy])
    db.session.commit()
    client = login_as(users.tech)
    assert client.post(f"/knowledge/tickets/{resolved_ticket.id}/defect", data={"defect_id": busy.id}).status_code == 303
    page = client.get(f"/knowledge/defects/{busy.id}").get_data(as_text=True)
    assert resolved_ticket.number in page and "知识测试客户有限公司" in page
    listing = client.get("/knowledge/defects/").get_data(as_text=True)
    assert listing.index("频繁卡纸") < listing.index("偶发黑线")
    assert "频繁卡纸" in client.get(f"/tickets/{resolved_ticket.id}").get_data(as_text=True)
    # The defect page shows only tickets the reader may see.
    outsider = login_as(users.marketing).get(f"/knowledge/defects/{busy.id}").get_data(as_text=True)
    assert resolved_ticket.number not in outsider


def test_announcement_on_work_list_until_read_with_read_count(company, login_as):
    users = company.users
    supervisor = login_as(users.supervisor)
    response = supervisor.post("/knowledge/announcements/new", data={"title": "年终盘点通知", "body": "**周五**盘点",
                                                                     "department_id": ""})
    assert response.status_code == 303
    sales = login_as(users.sales)
    assert "年终盘点通知" in sales.get("/").get_data(as_text=True)
    announcement = db.session.scalar(select(Announcement))
    assert "<strong>周五</strong>" in sales.get(f"/knowledge/announcements/{announcement.id}").get_data(as_text=True)
    assert "年终盘点通知" not in sales.get("/").get_data(as_text=True)
    assert "年终盘点通知" in login_as(users.tech).get("/").get_data(as_text=True)
    assert "已读 1 人" in supervisor.get(f"/knowledge/announcements/{announcement.id}").get_data(as_text=True)


def test_department_announcement_is_404_elsewhere(company, login_as):
    users = company.users
    announcement = Announcement(title="技术部内部通知", body="x", department=company.tech_dept, posted_by=users.admin)
    db.session.add(announcement)
    db.session.commit()
    assert login_as(users.tech).get(f"/knowledge/announcements/{announcement.id}").status_code == 200
    assert login_as(users.sales).get(f"/knowledge/announcements/{announcement.id}").status_code == 404
    assert "技术部内部通知" not in login_as(users.sales).get("/").get_data(as_text=True)


def test_stale_edit_refused_diff_and_restore_through_the_page(company, login_as, make_article):
    users = company.users
    article = make_article(users.tech, body="第一行\n旧的第二行")
    form = {"title": article.title, "category": "常见问题", "body": "第一行\n新的第二行", "based_on": "1"}
    assert login_as(users.tech2).post(f"/knowledge/articles/{article.id}/edit", data=form).status_code == 303
    stale = login_as(users.tech).post(f"/knowledge/articles/{article.id}/edit", data={**form, "body": "覆盖"})
    assert stale.status_code == 409 and "已被其他人修改" in stale.get_data(as_text=True)
    client = login_as(users.tech)
    diff = client.get(f"/knowledge/articles/{article.id}?diff=1").get_data(as_text=True)
    assert "-旧的第二行" in diff and "+新的第二行" in diff
    assert client.post(f"/knowledge/articles/{article.id}/revisions/1/restore", data={"based_on": "2"}).status_code == 303
    db.session.expire_all()
    restored = db.session.get(Article, article.id)
    assert restored.body == "第一行\n旧的第二行" and restored.revision_number == 3
    assert login_as(users.supervisor).post(f"/knowledge/articles/{article.id}/publish", data={"based_on": "3"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Article, article.id).status == "已发布"


def test_knowledge_answers_count_as_first_contact_resolution(company, login_as, resolved_ticket, make_article, frozen_now):
    users = company.users
    article = make_article(users.tech, title="打印机卡纸怎么办", status="已发布", publisher=users.supervisor)
    client = login_as(users.service)
    assert "计入一次解决）：0 单" in client.get("/knowledge/").get_data(as_text=True)
    client.post(f"/knowledge/tickets/{resolved_ticket.id}/answer", data={"article_id": article.id})
    assert "计入一次解决）：1 单" in client.get("/knowledge/").get_data(as_text=True)
    # Out of the reader's ticket scope: not counted for them.
    assert "计入一次解决）：0 单" in login_as(users.marketing).get("/knowledge/").get_data(as_text=True)


def test_state_changes_need_csrf(csrf_app, company, make_article):
    article = make_article(company.users.tech)
    client = csrf_app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": company.users.supervisor.username, "password": PASSWORD, "csrf_token": token})
    assert client.post(f"/knowledge/articles/{article.id}/publish", data={"based_on": "1"}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Article, article.id).status == "草稿"


def test_forged_revision_numbers_are_stale_not_errors(company, login_as, make_article):
    article = make_article(company.users.tech)
    client = login_as(company.users.supervisor)
    form = {"title": "t", "category": "常见问题", "body": "b"}
    for forged in ("abc", "-1", "9" * 30, ""):
        assert client.post(f"/knowledge/articles/{article.id}/edit", data={**form, "based_on": forged}).status_code == 409
        assert client.post(f"/knowledge/articles/{article.id}/publish", data={"based_on": forged}).status_code in (303, 400)
    db.session.expire_all()
    assert db.session.get(Article, article.id).status == "草稿"


def test_huge_posted_ids_are_refused_not_errors(company, login_as, resolved_ticket):
    client = login_as(company.users.admin)
    huge = "9" * 30
    assert client.post(f"/knowledge/tickets/{resolved_ticket.id}/answer", data={"article_id": huge}).status_code == 400
    assert client.post(f"/knowledge/tickets/{resolved_ticket.id}/defect", data={"defect_id": huge}).status_code == 303
    assert client.post("/knowledge/announcements/new", data={"title": "t", "body": "b", "department_id": huge}).status_code == 303
    response = client.post("/knowledge/documents/new", data={"title": "t", "category": "合同", "level": "机密", "customer_id": huge,
                                                                 "readers": [huge], "file": (io.BytesIO(PDF), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303


def test_concurrent_save_between_check_and_commit_is_409(company, login_as, make_article, monkeypatch):
    from sqlalchemy import text

    from portal.knowledge import routes

    article = make_article(company.users.tech, body="原文")
    original = routes.load_article

    def someone_else_saves_after_we_loaded(article_id):
        record = original(article_id)
        db.session.execute(text("UPDATE article SET version = version + 1, body = '别人的修改' WHERE id = :id"),
                           {"id": article_id})
        return record

    monkeypatch.setattr(routes, "load_article", someone_else_saves_after_we_loaded)
    form = {"title": article.title, "category": "常见问题", "body": "我的修改", "based_on": "1"}
    response = login_as(company.users.tech2).post(f"/knowledge/articles/{article.id}/edit", data=form)
    assert response.status_code == 409 and "已被其他人修改" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Article, article.id).revision_number == 1  # nothing of ours half-saved
