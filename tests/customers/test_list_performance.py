"""The list's fast paths (issue 6) return exactly what the plain query returns: same rows, same order,
same scope, for rare and common search terms, for a sales rep's walked scope, at a fixed query count."""
import re
from datetime import datetime, timedelta

import pytest

from portal.customers import queries
from portal.customers.services import set_collaborators
from portal.extensions import db
from portal.models.customers import Customer

CODE = re.compile(r"<td>(KH\d+)</td>")


def codes(response) -> list[str]:
    assert response.status_code == 200
    return CODE.findall(response.get_data(as_text=True))


@pytest.fixture
def many(app, frozen_now, sales_team, make_user, make_customer):
    """60 customers with distinct last contacts: zhang's, the pool's, li's (one shared with zhang)."""
    zhang, li = sales_team["zhang"], sales_team["li"]
    made = {"zhang": [], "pool": [], "li": []}
    base = datetime(2026, 11, 1, 9)
    for number in range(60):
        key = ("zhang", "pool", "li")[number % 3]
        owner = {"zhang": zhang, "pool": None, "li": li}[key]
        contacted = None if number % 10 == 0 else base + timedelta(hours=number * 7 % 60)  # all distinct
        customer = make_customer(f"测试{number:02d}{'科技' if number % 2 else '贸易'}有限公司", owner=owner,
                                 industry=f"行业{number % 4}", last_contacted_at=contacted)
        made[key].append(customer)
    set_collaborators(made["li"][0], [zhang.id])
    db.session.commit()
    return made


def expected_codes(customers, *, descending=True) -> list[str]:
    """The list's order: last contact newest first with no contact last, then id descending."""
    dated = sorted((c for c in customers if c.last_contacted_at), key=lambda c: (c.last_contacted_at, c.id),
                   reverse=descending)
    undated = sorted((c for c in customers if not c.last_contacted_at), key=lambda c: c.id, reverse=descending)
    return [c.code for c in dated + undated]


def test_a_reps_walked_scope_keeps_rows_order_and_paging(login_as, sales_team, many):
    client = login_as(sales_team["zhang"])
    visible = many["zhang"] + many["pool"] + [many["li"][0]]
    expected = expected_codes(visible)
    first = codes(client.get("/customers/", query_string={"per_page": 20}))
    second = codes(client.get("/customers/", query_string={"per_page": 20, "page": 2}))
    assert first + second == expected[:40]
    assert codes(client.get("/customers/", query_string={"per_page": 20, "page": 3})) == expected[40:]
    ascending = codes(client.get("/customers/", query_string={"sort": "last_contacted", "per_page": 100}))
    dated = sorted((c for c in visible if c.last_contacted_at), key=lambda c: (c.last_contacted_at, c.id))
    assert ascending == [c.code for c in dated] + sorted((c.code for c in visible if not c.last_contacted_at),
                                                         key=lambda code: next(c.id for c in visible if c.code == code))


@pytest.mark.parametrize("probe_rows", [1000, 1])  # 1: every term takes the common-term (EXISTS) path
def test_rare_and_common_search_paths_agree(monkeypatch, login_as, sales_team, many, probe_rows):
    monkeypatch.setattr(queries, "SEARCH_PROBE_ROWS", probe_rows)
    client = login_as(sales_team["zhang"])
    visible = many["zhang"] + many["pool"] + [many["li"][0]]
    for term in ("科技", "贸易", "测试1", "不存在"):
        got = codes(client.get("/customers/", query_string={"q": term, "per_page": 100}))
        assert got == expected_codes([c for c in visible if term in c.name]), term
    boss = login_as(sales_team["boss"])
    everyone = many["zhang"] + many["pool"] + many["li"]
    got = codes(boss.get("/customers/", query_string={"q": "科技", "per_page": 10, "page": 2}))
    assert got == expected_codes([c for c in everyone if "科技" in c.name])[10:20]


@pytest.mark.parametrize("probe_rows", [1000, 1])
def test_search_runs_a_fixed_number_of_queries(monkeypatch, app, login_as, sales_team, make_customer, count_queries,
                                               probe_rows):
    monkeypatch.setattr(queries, "SEARCH_PROBE_ROWS", probe_rows)
    zhang = sales_team["zhang"]
    client = login_as(zhang)
    for number in range(6):  # more than a page of 5 in both counts: each runs the capped count
        make_customer(f"计数首批{number}号科技有限公司", owner=zhang)

    def counted():
        db.session.expire_all()
        app.extensions.pop("customer_industries", None)
        with count_queries() as counter:
            assert client.get("/customers/", query_string={"q": "科技", "per_page": 5}).status_code == 200
        return counter.count

    few = counted()
    for number in range(30):
        make_customer(f"计数{number}号科技有限公司", owner=zhang if number % 2 else None)
    assert counted() == few


def test_industry_choices_list_every_industry_and_are_cached(app, login_as, sales_team, many, make_customer):
    client = login_as(sales_team["zhang"])
    html = client.get("/customers/").get_data(as_text=True)
    assert all(f'value="行业{n}"' in html for n in range(4))
    make_customer("新行业有限公司", owner=sales_team["zhang"], industry="新行业")
    assert 'value="新行业"' not in client.get("/customers/").get_data(as_text=True)  # cached for a minute
    app.extensions.pop("customer_industries", None)
    assert 'value="新行业"' in client.get("/customers/").get_data(as_text=True)


def test_the_list_order_index_is_declared():
    index = next(i for i in Customer.__table__.indexes if i.name == "ix_customer_list_order")
    assert [c.name for c in index.columns] == ["last_contacted_at", "id", "archived_at", "next_due_on", "owner_id"]


@pytest.mark.parametrize("q", ["hz*", "h?kj", "[h]zkj", "h[z", "ceshi", "CESHI0"])
def test_glob_characters_in_a_term_are_literal(login_as, sales_team, many, q):
    client = login_as(sales_team["zhang"])
    got = codes(client.get("/customers/", query_string={"q": q, "per_page": 100}))
    expected = [] if any(ch in q for ch in "*?[") else codes(
        client.get("/customers/", query_string={"q": "测试0" if q == "CESHI0" else "测试", "per_page": 100}))
    assert got == expected and (expected or any(ch in q for ch in "*?["))


def test_walked_scope_is_the_same_set(app, sales_team, many):
    from portal.access.customers import visible_customers
    from portal.extensions import db
    from portal.models.customers import Customer

    rep = sales_team["zhang"]
    plain = set(db.session.scalars(visible_customers(rep).with_only_columns(Customer.id)))
    walked = set(db.session.scalars(visible_customers(rep, for_sorted_list=True).with_only_columns(Customer.id)))
    assert plain == walked and len(plain) == len(many["zhang"] + many["pool"]) + 1


@pytest.mark.parametrize("role", ["sales", "supervisor", "service", "tech"])
def test_row_level_scope_is_the_same_set(app, sales_team, many, make_user, role):
    """customer_row_in_scope (lists on PostgreSQL) and visible_customers (everything else) agree."""
    from sqlalchemy import select

    from portal.access.customers import customer_row_in_scope, visible_customers
    from portal.extensions import db
    from portal.models.customers import Customer

    user = {"sales": sales_team["zhang"], "supervisor": sales_team["boss"]}.get(role) or make_user(role)
    listed = set(db.session.scalars(visible_customers(user).with_only_columns(Customer.id)))
    condition = customer_row_in_scope(user)
    tested = select(Customer.id) if condition is None else select(Customer.id).where(condition)
    assert set(db.session.scalars(tested)) == listed


def test_a_few_matches_test_the_scope_on_their_own_rows(app, sales_team, many):
    """A rare keyword's matches are fetched by id and the rep's scope is tested on those rows: no id list
    of the whole scope is built, and the rows are those the rep may see."""
    from portal.customers.queries import Search, scoped_list

    rep = sales_team["zhang"]
    matches = many["li"][:3] + many["zhang"][:2] + many["pool"][:1]
    query = scoped_list(rep, Search(Customer.id.in_([c.id for c in matches]), few=True))
    assert "UNION" not in str(query.compile(db.engine))
    visible = many["li"][:1] + many["zhang"][:2] + many["pool"][:1]  # li's first is shared with zhang
    assert set(db.session.scalars(query.with_only_columns(Customer.id))) == {c.id for c in visible}
