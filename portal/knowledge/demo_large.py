"""The knowledge part of the large data set: 10,000 articles (3 revisions each) and 100,000 documents
(a level mix: 60 % 公开, 30 % 内部, 10 % 机密 with two named readers), with their search rows.
Core bulk inserts, called from portal.demo_large.seed_large (or alone on a database that has users)."""
import random
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from portal import clock
from portal.extensions import db
from portal.knowledge.services import search_head
from portal.models.knowledge import ARTICLE_CATEGORIES, DOCUMENT_CATEGORIES, search_grams

ARTICLES = 10_000
DOCUMENTS = 100_000
PRODUCTS = ("客户管理系统标准版", "客户管理系统企业版", "打印机 P3", "扫描仪 S1", "移动端 App", "数据接口")
SUBJECTS = ("登录", "卡纸", "报表", "导出", "打印", "发票", "权限", "同步", "备份", "升级", "密码", "对账", "审批", "短信",
            "扫码", "蓝牙", "驱动", "证书", "接口", "超时")
PROBLEMS = ("失败怎么办", "速度慢的处理", "数据不一致", "常见问题汇总", "操作指南", "报错排查", "配置说明", "无法打开")
BODY = ("## 现象\n\n客户反映{subject}{problem}，影响日常使用。\n\n## 原因\n\n多为配置不当或版本过旧。\n\n"
        "## 处理步骤\n\n1. 确认版本号\n2. 清理缓存后重试\n3. 仍未解决请联系技术支持\n")
DOC_WORDS = ("年度", "季度", "项目", "采购", "投标", "合作", "框架", "技术", "服务", "竞品", "分析", "方案", "总结", "报价")
EXTENSIONS = ((".pdf", "application/pdf"), (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
              (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
BATCH = 20_000


def insert_batches(connection: Connection, table_name: str, rows) -> int:
    table, batch, total = db.metadata.tables[table_name], [], 0
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            connection.execute(table.insert(), batch)
            total, batch = total + len(batch), []
    if batch:
        connection.execute(table.insert(), batch)
        total += len(batch)
    return total


def seed_knowledge(connection: Connection, rng: random.Random, articles: int = ARTICLES,
                   documents: int = DOCUMENTS) -> dict[str, int]:
    """Write articles, revisions, documents, versions, readers and search rows; returns row counts."""
    users = connection.execute(select(db.metadata.tables["user"].c.id, db.metadata.tables["user"].c.department_id,
                                      db.metadata.tables["user"].c.role)).all()
    user_ids = [u.id for u in users]
    department_of = {u.id: u.department_id for u in users}
    publishers = [u.id for u in users if u.role in ("supervisor", "admin")] or user_ids
    now = clock.now()
    start = now - timedelta(days=3 * 365)
    counts: dict[str, int] = {}

    def moment() -> datetime:
        return start + timedelta(seconds=rng.randrange(int((now - start).total_seconds())))

    article_rows, revision_rows, search_rows, gram_rows = [], [], [], []
    for article_id in range(1, articles + 1):
        subject, problem = rng.choice(SUBJECTS), rng.choice(PROBLEMS)
        title = f"{rng.choice(PRODUCTS)}{subject}{problem}（{article_id}）"
        body = BODY.format(subject=subject, problem=problem)
        author, at = rng.choice(user_ids), moment()
        status = "已发布" if article_id % 10 else "草稿"
        tags = f"{subject} {rng.choice(SUBJECTS)}"
        article_rows.append(dict(id=article_id, title=title, category=rng.choice(ARTICLE_CATEGORIES),
                                 product=rng.choice(PRODUCTS), product_version="", tags=tags, body=body,
                                 status=status, revision_number=3, author_id=author, version=1,
                                 published_by_id=rng.choice(publishers) if status == "已发布" else None,
                                 published_at=at if status == "已发布" else None, created_at=at, updated_at=at))
        for number in (1, 2, 3):
            revision_rows.append(dict(article_id=article_id, number=number, title=title, body=body + "\n" * number,
                                      note="", author_id=rng.choice(user_ids), at=at + timedelta(days=number)))
        head = search_head(title, tags, "")
        search_rows.append(dict(kind="a", record_id=article_id, head=head, text=f"{head} {body}".lower()))
        gram_rows.extend(dict(kind="a", gram=gram, record_id=article_id) for gram in search_grams(head))
    counts["article"] = insert_batches(connection, "article", article_rows)
    counts["article_revision"] = insert_batches(connection, "article_revision", revision_rows)

    document_rows, version_rows, reader_rows = [], [], []
    for document_id in range(1, documents + 1):
        title = "".join(rng.sample(DOC_WORDS, 3)) + rng.choice(("报告", "资料", "清单", "合同", "方案")) + f"{document_id}"
        owner, at = rng.choice(user_ids), moment()
        roll = rng.random()
        level = "公开" if roll < 0.6 else ("内部" if roll < 0.9 else "机密")
        suffix, content_type = rng.choice(EXTENSIONS)
        filename = f"{title}{suffix}"
        document_rows.append(dict(id=document_id, title=title, category=rng.choice(DOCUMENT_CATEGORIES), level=level,
                                  department_id=department_of[owner] if level == "内部" else None, customer_id=None,
                                  owner_id=owner, current_number=1, version=1, created_at=at, updated_at=at))
        version_rows.append(dict(document_id=document_id, number=1, filename=filename, stored_name=f"{document_id:032x}",
                                 content_type=content_type, size=rng.randrange(10_000, 5_000_000), uploaded_by_id=owner,
                                 uploaded_at=at))
        if level == "机密":
            for reader in {rng.choice(user_ids), rng.choice(user_ids)} - {owner}:
                reader_rows.append(dict(document_id=document_id, user_id=reader))
        head = search_head(title)
        text = f"{head} {filename}".lower()
        search_rows.append(dict(kind="d", record_id=document_id, head=head, text=text))
        gram_rows.extend(dict(kind="d", gram=gram, record_id=document_id) for gram in search_grams(text))
    counts["document"] = insert_batches(connection, "document", document_rows)
    counts["document_version"] = insert_batches(connection, "document_version", version_rows)
    counts["document_reader"] = insert_batches(connection, "document_reader", reader_rows)
    counts["knowledge_search"] = insert_batches(connection, "knowledge_search", search_rows)
    counts["knowledge_gram"] = insert_batches(connection, "knowledge_gram", gram_rows)
    return counts
