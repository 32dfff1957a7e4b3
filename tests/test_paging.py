"""List paging: one page plus one row is loaded, short pages need no count, long lists count up to a cap."""
import pytest
from sqlalchemy import func, select

from portal import web
from portal.extensions import db
from portal.models.auth import Department


@pytest.fixture
def departments(app, make_department, monkeypatch):
    """12 departments in all (the seeded ones included); counts stop at 5."""
    monkeypatch.setattr(web, "COUNT_CAP", 5)
    while db.session.scalar(select(func.count()).select_from(Department)) < 12:
        make_department()
    return select(Department).order_by(Department.id)


def page_of(app, query, count_queries, args: str):
    with app.test_request_context(f"/list?{args}"), count_queries() as queries:
        page = web.paginate(query)
    return page, queries.count


def test_short_last_page_gives_the_total_without_a_count_query(app, departments, count_queries):
    page, queries = page_of(app, departments, count_queries, "per_page=20")
    assert (len(page.items), page.total, page.total_capped, page.has_next, queries) == (12, 12, False, False, 1)


def test_long_list_counts_up_to_the_cap_and_says_more(app, departments, count_queries):
    page, queries = page_of(app, departments, count_queries, "per_page=2")
    assert (len(page.items), page.total, page.total_capped, page.has_next, queries) == (2, 5, True, True, 2)


def test_list_just_under_the_cap_is_counted_exactly(app, departments, count_queries, monkeypatch):
    monkeypatch.setattr(web, "COUNT_CAP", 12)
    page, queries = page_of(app, departments, count_queries, "per_page=5&page=2")
    assert (page.total, page.total_capped, page.pages, page.has_next, page.has_prev) == (12, False, 3, True, True)


def test_deep_page_past_the_cap_needs_no_count(app, departments, count_queries):
    page, queries = page_of(app, departments, count_queries, "per_page=2&page=4")
    assert (len(page.items), page.total_capped, page.has_next, queries) == (2, True, True, 1)


def test_page_past_the_end_is_empty_and_still_counted(app, departments, count_queries, monkeypatch):
    monkeypatch.setattr(web, "COUNT_CAP", 100)
    page, queries = page_of(app, departments, count_queries, "per_page=5&page=9")
    assert (page.items, page.total, page.has_next, page.past_end, queries) == ([], 12, False, True, 2)


def test_page_past_the_end_of_a_long_list_counts_exactly_and_offers_the_last_page(app, departments):
    """?page=1000 on a list longer than the cap: not "超过 5 条，第 1000 页" over an empty table."""
    with app.test_request_context("/customers/?per_page=2&page=1000"):
        page = web.paginate(departments)
        html = render_pagination(app, page)
    assert (page.total, page.total_capped, page.pages) == (12, False, 6)
    assert "第 1000 页没有记录（共 12 条，6 页）" in html and "page=6" in html and "转到最后一页" in html
    assert "超过" not in html


def test_exact_total_on_request_counts_past_the_cap(app, departments, count_queries):
    page, queries = page_of(app, departments, count_queries, "per_page=2&count=all")
    assert (page.total, page.total_capped, page.pages, queries) == (12, False, 6, 2)


def test_capped_list_offers_the_exact_total(app, departments):
    with app.test_request_context("/customers/?per_page=2&q=x"):
        html = render_pagination(app, web.paginate(departments))
    assert "显示总数" in html and "count=all" in html and "q=x" in html


def render_pagination(app, page) -> str:
    return app.jinja_env.from_string(
        "{% from '_macros/pagination.html' import pagination %}{{ pagination(page) }}").render(page=page)


def test_capped_total_reads_as_more_than(app, departments):
    with app.test_request_context("/customers/?per_page=2"):
        page = web.paginate(departments)
        html = app.jinja_env.from_string(
            "{% from '_macros/pagination.html' import pagination %}{{ pagination(page) }}").render(page=page)
    assert "超过 5 条，第 1 页" in html and 'rel="next"' in html and 'rel="prev"' not in html
