"""knowledge_gram: each document's Chinese pieces follow every write, and a Chinese keyword walks the
postings of its rarest piece; the hits, their order and the level rule are what the full scan gives."""
import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.knowledge import queries
from portal.models.knowledge import KnowledgeGram, search_grams
from tests.knowledge.conftest import PDF


def grams_of(document) -> set[str]:
    return set(db.session.scalars(select(KnowledgeGram.gram).where(KnowledgeGram.kind == "d",
                                                                  KnowledgeGram.record_id == document.id)))


def test_search_grams_are_the_chinese_characters_and_pairs_without_spaces():
    assert search_grams("报价单 bjd 报价.pdf") == {"报", "价", "单", "报价", "价单", "价."}
    assert search_grams("ab 1c") == set()
    assert "单 " not in search_grams("报价单 bjd") and " b" not in search_grams("报价单 bjd")


def test_grams_follow_upload_new_version_and_search_by_each(company, make_document, login_as):
    tech = company.users.tech
    document = make_document(tech, title="维修手册", filename="维修.pdf")
    assert {"维修", "修手", "手册", "维", "册", "修."} <= grams_of(document)
    client = login_as(tech)
    form = {"file": (io.BytesIO(PDF), "保养指南.pdf")}
    assert client.post(f"/knowledge/documents/{document.id}/versions", data=form,
                       content_type="multipart/form-data").status_code == 303
    assert {"保养", "指南", "南."} <= grams_of(document) and "维修" in grams_of(document)
    for q in ("保养指南", "养", "手册 pdf", "维修手册"):
        assert "维修手册" in client.get(f"/knowledge/search?q={q}").get_data(as_text=True), q
    assert "维修手册" not in client.get("/knowledge/search?q=保养手册").get_data(as_text=True)


def test_hits_and_order_are_the_scans_whichever_piece_is_walked(company, make_document, login_as, count_queries,
                                                                 monkeypatch):
    users = company.users
    for title in ("设备维修记录甲", "维修报告乙", "设备清单丙", "维修记录丁"):
        make_document(users.tech, title=title, filename="x.pdf")
    make_document(users.tech, title="维修记录机密", level="机密", filename="x.pdf")
    client = login_as(users.sales)

    def titles(q):
        html = client.get(f"/knowledge/search?q={q}").get_data(as_text=True)
        return [t for t in ("维修记录丁", "维修报告乙", "设备维修记录甲", "设备清单丙", "维修记录机密") if t in html], html

    walked, html = titles("维修记录")
    assert walked == ["维修记录丁", "设备维修记录甲"]
    assert html.index("维修记录丁") < html.index("设备维修记录甲")  # newest first
    with count_queries() as counter:
        client.get("/knowledge/search?q=维修记录")
    assert any("JOIN knowledge_gram" in s for s in counter.statements)
    monkeypatch.setattr(queries, "COMMON_PIECE", 1)  # every piece common: the scan
    with count_queries() as counter:
        scanned, scanned_html = titles("维修记录")
    assert not any("JOIN knowledge_gram" in s for s in counter.statements)
    assert scanned == walked and scanned_html.index("维修记录丁") < scanned_html.index("设备维修记录甲")


@pytest.mark.parametrize("term", ["机密", "记录机", "密"])
def test_a_confidential_title_stays_out_of_the_walk(company, make_document, login_as, term):
    make_document(company.users.tech, title="维修记录机密", level="机密", filename="x.pdf")
    html = login_as(company.users.sales).get(f"/knowledge/search?q={term}").get_data(as_text=True)
    assert "维修记录机密" not in html


def suggested(client, description: str) -> list[str]:
    html = client.get(f"/knowledge/suggest?description={description}").get_data(as_text=True)
    return re.findall(r"(打印机卡纸怎么办|卡纸了打印机没反应|打印报表失败|财务报表导出|草稿打印卡纸)", html)


def test_suggestions_from_head_postings_rank_as_the_head_scan(company, make_article, login_as, count_queries):
    users = company.users
    publish = {"status": "已发布", "publisher": users.supervisor}
    make_article(users.tech, title="打印机卡纸怎么办", tags="卡纸 打印机", **publish)
    make_article(users.tech, title="卡纸了打印机没反应", **publish)
    make_article(users.tech, title="打印报表失败", **publish)
    make_article(users.tech, title="财务报表导出", body="打印机卡纸", **publish)  # the body is not scored
    make_article(users.tech, title="草稿打印卡纸")  # drafts are never suggested
    client = login_as(users.service)
    with count_queries() as counter:
        chinese = suggested(client, "客户的打印机总是卡纸，报表打印失败")
    assert any("knowledge_gram" in s for s in counter.statements)
    assert chinese == ["打印报表失败", "卡纸了打印机没反应", "打印机卡纸怎么办"]  # 3 pieces each: newest first
    # A Latin word in the text: the same scores from the head scan.
    with count_queries() as counter:
        mixed = suggested(client, "客户的打印机总是卡纸，报表打印失败 erp")
    assert not any("knowledge_gram" in s for s in counter.statements)
    assert mixed == chinese


def test_article_head_grams_follow_an_edit(company, make_article):
    from portal.knowledge import services

    article = make_article(company.users.tech, title="打印机卡纸怎么办", tags="卡纸")
    article.title = "扫描仪故障"
    services.index_article(article)
    db.session.commit()
    grams = set(db.session.scalars(select(KnowledgeGram.gram).where(KnowledgeGram.kind == "a",
                                                                   KnowledgeGram.record_id == article.id)))
    assert "扫描" in grams and "打印" not in grams and "卡纸" in grams  # the tags stay
