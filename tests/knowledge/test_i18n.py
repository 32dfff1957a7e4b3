"""The knowledge base in English and 繁體: the article list and an article, the document library and a
document with its level, defects and search; stored categories, statuses and levels stay in 简体."""

from portal.extensions import db
from portal.models.knowledge import Article, Document
from tests.conftest import speaking

ENGLISH, TRADITIONAL = "en", "zh_Hant_TW"



def test_articles_in_english(company, make_article, login_as):
    users = company.users
    published = make_article(users.tech, title="打印机卡纸怎么办", status="已发布", publisher=users.supervisor)
    make_article(users.tech, title="扫描仪驱动安装", category="操作指南")
    client = login_as(speaking(users.tech, ENGLISH))

    listing = client.get("/knowledge/").get_data(as_text=True)
    assert "Knowledge base" in listing and "New article" in listing and "Document library" in listing
    assert "Published" in listing and "Draft" in listing and "FAQ" in listing and "How-to guide" in listing
    assert "打印机卡纸怎么办" in listing and ">已发布<" not in listing and ">常见问题<" not in listing

    page = client.get(f"/knowledge/articles/{published.id}").get_data(as_text=True)
    assert "Version history" in page and "Published" in page and "FAQ" in page and "版本记录" not in page
    assert db.session.get(Article, published.id).status == "已发布"


def test_articles_in_traditional(company, make_article, login_as):
    users = company.users
    make_article(users.tech, title="打印机卡纸怎么办", status="已发布", publisher=users.supervisor)
    client = login_as(speaking(users.tech, TRADITIONAL))
    listing = client.get("/knowledge/").get_data(as_text=True)
    assert "知識庫" in listing and "新建文章" in listing and "已發布" in listing and "常見問題" in listing
    assert "打印机卡纸怎么办" in listing


def test_document_level_in_english_and_traditional(company, make_document, login_as):
    users = company.users
    internal = make_document(users.tech, title="技术部周报", level="内部", department=company.tech_dept,
                             category="工作总结")
    client = login_as(speaking(users.tech2, ENGLISH))

    library = client.get("/knowledge/documents/").get_data(as_text=True)
    assert "Document library" in library and "Internal" in library and "Work summary" in library

    page = client.get(f"/knowledge/documents/{internal.id}").get_data(as_text=True)
    assert "Internal (技术部)" in page and "Work summary" in page and "A new version never overwrites the old ones" in page
    assert "密级" not in page and ">内部" not in page

    speaking(users.tech2, TRADITIONAL)
    page = login_as(users.tech2).get(f"/knowledge/documents/{internal.id}").get_data(as_text=True)
    assert "內部（技术部）" in page and "工作總結" in page and "密級" in page
    assert db.session.get(Document, internal.id).level == "内部"


def test_article_form_error_in_english(company, login_as):
    client = login_as(speaking(company.users.tech, ENGLISH))
    response = client.post("/knowledge/articles/new", data={"title": "", "category": "常见问题", "body": ""})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Enter a title" in body and "Enter the body text" in body
    assert "Supports headings (#), lists, bold, links and tables" in body
    assert "请填写标题" not in body
