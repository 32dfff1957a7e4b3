"""Knowledge search and ticket suggestions find an article typed in either script (issue 17)."""
from portal.knowledge.queries import suggest_articles


def test_article_in_traditional_found_by_simplified_keyword_and_back(company, login_as, make_article):
    make_article(company.users.tech, title="印表機電源故障處理", body="先檢查電源線", status="已发布",
                 publisher=company.users.supervisor)
    make_article(company.users.tech, title="打印机卡纸怎么办", body="先关机再取纸", status="已发布",
                 publisher=company.users.supervisor)
    client = login_as(company.users.service)
    simplified = client.get("/knowledge/search?q=电源").get_data(as_text=True)
    assert "印表機電源故障處理" in simplified and "打印机卡纸怎么办" not in simplified
    traditional = client.get("/knowledge/search?q=卡紙").get_data(as_text=True)
    assert "打印机卡纸怎么办" in traditional and "印表機電源故障處理" not in traditional


def test_suggestions_for_a_traditional_description(company, make_article):
    article = make_article(company.users.tech, title="打印机卡纸怎么办", status="已发布", publisher=company.users.supervisor)
    assert suggest_articles("客戶的印表機卡紙了") == [article]
