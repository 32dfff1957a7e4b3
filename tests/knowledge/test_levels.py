"""Level × role: the document page, its file, its version, search hits and the customer page all follow
the level; out of level is 404 and a 机密 title never appears to anyone else (SECURITY.md #31)."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.models.customers import Customer

# Who sees which level: tech2 (same department as the 内部 document), sales (other department),
# admin, and the named reader of the 机密 document (service).
EXPECTED = {
    "公开": {"tech": 200, "tech2": 200, "sales": 200, "service": 200, "supervisor": 200, "admin": 200, "marketing": 200},
    "内部": {"tech": 200, "tech2": 200, "sales": 404, "service": 404, "supervisor": 404, "admin": 200, "marketing": 404},
    "机密": {"tech": 200, "tech2": 404, "sales": 404, "service": 200, "supervisor": 404, "admin": 404, "marketing": 404},
}


@pytest.fixture
def leveled(company, make_document):
    users = company.users
    return {
        "公开": make_document(users.tech, title="公开的产品手册甲", level="公开"),
        "内部": make_document(users.tech, title="内部的维修手册乙", level="内部", department=company.tech_dept),
        "机密": make_document(users.tech, title="机密的投标底价丙", level="机密", readers=[users.service]),
    }


@pytest.mark.parametrize("level", ["公开", "内部", "机密"])
def test_level_by_role_for_page_file_version_and_search(company, leveled, login_as, level):
    document = leveled[level]
    version = document.versions[0]
    for name, expected in EXPECTED[level].items():
        client = login_as(getattr(company.users, name))
        urls = [f"/knowledge/documents/{document.id}",
                f"/knowledge/documents/{document.id}/versions/{version.id}/download",
                f"/knowledge/documents/{document.id}/versions/{version.id}/preview"]
        assert [client.get(url).status_code for url in urls] == [expected] * 3, (name, level)
        found = document.title in client.get("/knowledge/search?q=手册 底价", headers={"HX-Request": "true"}).get_data(as_text=True) \
            or document.title in client.get(f"/knowledge/search?q={document.title[-1]}").get_data(as_text=True)
        listed = document.title in client.get("/knowledge/documents/").get_data(as_text=True)
        assert found == listed == (expected == 200), (name, level)


def test_confidential_title_never_in_anyone_elses_search(company, leveled, login_as):
    for name in ("tech2", "sales", "supervisor", "admin", "marketing"):
        client = login_as(getattr(company.users, name))
        for q in ("机密", "底价", "丙", "jmdtbdjb"[:4]):
            assert "投标底价" not in client.get(f"/knowledge/search?q={q}").get_data(as_text=True), (name, q)


def test_search_finds_one_and_two_character_keywords_and_initials(company, make_article, login_as):
    users = company.users
    make_article(users.tech, title="打印机卡纸处理", body="关机后打开后盖", status="已发布", publisher=users.supervisor)
    client = login_as(users.sales)
    for q in ("卡", "卡纸", "后盖", "dyj", "dayinji"):
        assert "打印机卡纸处理" in client.get(f"/knowledge/search?q={q}").get_data(as_text=True), q
    assert "打印机卡纸处理" not in client.get("/knowledge/search?q=扫描").get_data(as_text=True)


def test_internal_and_confidential_downloads_are_audited(company, leveled, login_as):
    client = login_as(company.users.tech)
    for level in ("公开", "内部", "机密"):
        document = leveled[level]
        response = client.get(f"/knowledge/documents/{document.id}/versions/{document.versions[0].id}/download")
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment")
    reads = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "Document", AuditEntry.action == "read"))
    assert sorted(int(entry.record_id) for entry in reads) == sorted([leveled["内部"].id, leveled["机密"].id])


def test_customer_page_lists_only_documents_within_level(company, make_document, login_as):
    users = company.users
    customer = Customer(code="KH2026770001", name="资料客户有限公司", owner_id=users.sales.id)
    db.session.add(customer)
    db.session.commit()
    make_document(users.sales, title="客户合同公开版", customer=customer, category="合同")
    make_document(users.tech, title="客户报价机密版", level="机密", customer=customer, readers=[users.tech2])
    page = login_as(users.sales).get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "客户合同公开版" in page and "客户报价机密版" not in page
    page = login_as(users.admin).get(f"/customers/{customer.id}").get_data(as_text=True)
    assert "客户合同公开版" in page and "客户报价机密版" not in page


def test_draft_article_is_404_to_others_and_not_suggested(company, make_article, login_as):
    users = company.users
    draft = make_article(users.tech, title="打印机卡纸草稿")
    assert login_as(users.sales).get(f"/knowledge/articles/{draft.id}").status_code == 404
    assert login_as(users.tech).get(f"/knowledge/articles/{draft.id}").status_code == 200
    assert login_as(users.supervisor).get(f"/knowledge/articles/{draft.id}").status_code == 200
    assert "打印机卡纸草稿" not in login_as(users.sales).get("/knowledge/search?q=卡纸").get_data(as_text=True)
    assert "打印机卡纸草稿" not in login_as(users.service).get("/knowledge/suggest?description=打印机卡纸").get_data(as_text=True)
