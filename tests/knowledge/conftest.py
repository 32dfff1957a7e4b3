"""Fixtures for the knowledge area: a small company (departments, one user per role), articles and
documents at each level, and a resolved ticket."""
import io
import zipfile
from types import SimpleNamespace

import pytest

from portal.extensions import db
from portal.knowledge import services
from portal.models.customers import Customer
from portal.models.knowledge import Article, Document
from portal.tickets.services import create_ticket

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_file(prefix: str = "word/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{prefix}document.xml", "<x/>")
    return buffer.getvalue()


@pytest.fixture
def company(app, make_user, make_department):
    """Users: tech and tech2 in 技术部, sales in 销售部, service in 客服部, supervisor (销售部), admin."""
    tech_dept, sales_dept, service_dept = make_department("技术部"), make_department("销售部"), make_department("客服部")
    users = SimpleNamespace(
        tech=make_user("tech", department=tech_dept, username="k_tech"),
        tech2=make_user("tech", department=tech_dept, username="k_tech2"),
        sales=make_user("sales", department=sales_dept, username="k_sales"),
        service=make_user("service", department=service_dept, username="k_service"),
        supervisor=make_user("supervisor", department=sales_dept, username="k_supervisor"),
        admin=make_user("admin", username="k_admin"),
        marketing=make_user("marketing", username="k_marketing"),
    )
    return SimpleNamespace(users=users, tech_dept=tech_dept, sales_dept=sales_dept, service_dept=service_dept)


@pytest.fixture
def make_article(app):
    def factory(author, title="打印机卡纸怎么办", body="先关机再取纸", status="草稿", publisher=None, **fields):
        article = Article.draft(title=title, category=fields.pop("category", "常见问题"), body=body, author=author, **fields)
        db.session.add(article)
        if status != "草稿":
            article.publish(publisher)
        if status == "已归档":
            article.archive(publisher)
        services.index_article(article)
        db.session.commit()
        return article

    return factory


@pytest.fixture
def make_document(app):
    from pathlib import Path

    from flask import current_app

    counter = iter(range(1, 100000))

    def factory(owner, title="报价单模板", level="公开", department=None, readers=(), customer=None,
                category="报价单", data=PDF, filename="报价.pdf", content_type="application/pdf"):
        document = Document(title=title, category=category, level=level, department=department, owner=owner,
                            customer=customer, readers=list(readers))
        db.session.add(document)
        stored = f"{next(counter):032x}"
        store = Path(current_app.config["FILE_STORE"]) / "knowledge"
        store.mkdir(parents=True, exist_ok=True)
        (store / stored).write_bytes(data)
        document.add_version(owner, stored_name=stored, filename=filename, content_type=content_type, size=len(data))
        services.index_document(document)
        db.session.commit()
        return document

    return factory


@pytest.fixture
def resolved_ticket(app, company):
    users = company.users
    customer = Customer(code="KH2026880001", name="知识测试客户有限公司", owner_id=users.sales.id)
    db.session.add(customer)
    db.session.flush()
    ticket = create_ticket(customer=customer, kind="投诉", category="产品", severity="一般",
                           description="打印机频繁卡纸\n客户反映每天卡纸多次", by=users.service, channel="电话")
    ticket.dispatch(company.tech_dept, users.tech, users.service)
    ticket.confirm(users.tech)
    ticket.start(users.tech)
    ticket.resolve(users.tech, "清理进纸辊并更换搓纸轮", "操作不当", "使用了过厚的纸张")
    db.session.commit()
    return ticket
