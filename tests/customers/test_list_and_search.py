"""The customer list: every search mode, every filter, sort, scope, paging and a fixed query count."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models.customers import Customer


@pytest.fixture
def listed(app, frozen_now, sales_team, make_customer):
    zhang, li = sales_team["zhang"], sales_team["li"]
    customers = {
        "hz": make_customer("杭州科技发展有限公司", owner=zhang, grade="A", tier="重点", stage="意向",
                            industry="软件", contacts=[{"name": "陈静", "phone": "0571-88886666"}],
                            last_contacted_at=datetime(2026, 11, 20, 9), next_due_on=date(2026, 11, 23)),
        "sh": make_customer("上海远景贸易有限公司", owner=zhang, grade="B", tier="普通", stage="成交",
                            industry="贸易", source_channel="官网注册", is_member=True, registered_on=date(2026, 1, 5),
                            contacts=[{"name": "刘洋", "phone": "139 1234 5678"}],
                            last_contacted_at=datetime(2026, 11, 22, 9), next_due_on=date(2026, 12, 6)),
        "pool": make_customer("南京沉睡建材有限公司", owner=None, grade="C", stage="沉睡", industry="建材",
                              contacts=[{"name": "赵磊", "phone": "13600001111"}]),
        "li": make_customer("北京李娜客户有限公司", owner=li, grade="A", contacts=[{"name": "孙丽", "phone": "13700002222"}]),
    }
    return customers


def names(response) -> set[str]:
    html = response.get_data(as_text=True)
    return {name for name in ("杭州科技发展有限公司", "上海远景贸易有限公司", "南京沉睡建材有限公司", "北京李娜客户有限公司")
            if name in html}


@pytest.mark.parametrize("q, expected", [
    ("科技", {"杭州科技发展有限公司"}),                # 2-character Chinese substring
    ("杭", {"杭州科技发展有限公司"}),                   # 1 character
    ("hangzhoukeji", {"杭州科技发展有限公司"}),         # full pinyin
    ("HZKJ", {"杭州科技发展有限公司"}),                 # initials, any case
    ("shyj", {"上海远景贸易有限公司"}),
    ("88886666", {"杭州科技发展有限公司"}),             # landline digits
    ("139-1234", {"上海远景贸易有限公司"}),             # mobile digits typed with a separator
    ("刘洋", {"上海远景贸易有限公司"}),                 # contact name
    ("赵磊", {"南京沉睡建材有限公司"}),                 # a pool customer's contact
    ("KH2026000002", {"上海远景贸易有限公司"}),         # code
    ("上海 贸易", {"上海远景贸易有限公司"}),            # every term must match
    ("100%", set()),                                   # LIKE wildcards are literal
])
def test_search_modes(login_as, sales_team, listed, q, expected):
    client = login_as(sales_team["zhang"])
    assert names(client.get("/customers/", query_string={"q": q})) == expected


def test_search_never_shows_another_reps_customer(login_as, sales_team, listed):
    client = login_as(sales_team["zhang"])
    assert names(client.get("/customers/", query_string={"q": "北京"})) == set()
    assert names(client.get("/customers/", query_string={"q": "13700002222"})) == set()


@pytest.mark.parametrize("args, expected", [
    ({"grade": "A"}, {"杭州科技发展有限公司"}),
    ({"tier": "重点"}, {"杭州科技发展有限公司"}),
    ({"stage": "成交"}, {"上海远景贸易有限公司"}),
    ({"owner": "me"}, {"杭州科技发展有限公司", "上海远景贸易有限公司"}),
    ({"owner": "pool"}, {"南京沉睡建材有限公司"}),
    ({"industry": "贸易"}, {"上海远景贸易有限公司"}),
    ({"source": "官网注册"}, {"上海远景贸易有限公司"}),
    ({"member": "yes"}, {"上海远景贸易有限公司"}),
    ({"member": "no"}, {"杭州科技发展有限公司", "南京沉睡建材有限公司"}),
    ({"due": "overdue"}, {"杭州科技发展有限公司"}),     # due 11-23, today 11-24
    ({"due": "dormant"}, {"南京沉睡建材有限公司"}),
    ({"grade": "A", "owner": "pool"}, set()),
])
def test_filters(login_as, sales_team, listed, args, expected):
    client = login_as(sales_team["zhang"])
    assert names(client.get("/customers/", query_string=args)) == expected


def test_supervisor_filters_by_owner_id(login_as, sales_team, listed):
    client = login_as(sales_team["boss"])
    response = client.get("/customers/", query_string={"owner": str(sales_team["li"].id)})
    assert names(response) == {"北京李娜客户有限公司"}


def test_owner_parameter_cannot_widen_a_sales_scope(login_as, sales_team, listed):
    client = login_as(sales_team["zhang"])
    response = client.get("/customers/", query_string={"owner": str(sales_team["li"].id), "per_page": 100000})
    # An owner outside the sales rep's choices is ignored: the list stays the rep's own scope.
    assert names(response) == {"杭州科技发展有限公司", "上海远景贸易有限公司", "南京沉睡建材有限公司"}


def test_sort_is_allow_listed_and_ordered(login_as, sales_team, listed):
    client = login_as(sales_team["zhang"])
    html = client.get("/customers/", query_string={"sort": "-last_contacted"}).get_data(as_text=True)
    assert html.index("上海远景贸易有限公司") < html.index("杭州科技发展有限公司")
    html = client.get("/customers/", query_string={"sort": "last_contacted"}).get_data(as_text=True)
    assert html.index("杭州科技发展有限公司") < html.index("上海远景贸易有限公司")
    assert client.get("/customers/", query_string={"sort": "password_hash; drop"}).status_code == 200


def test_archived_leave_lists_but_stay_searchable_for_managers(login_as, sales_team, listed):
    listed["hz"].archived_at = datetime(2026, 11, 1)
    db.session.commit()
    sales = login_as(sales_team["zhang"])
    assert "杭州科技发展有限公司" not in names(sales.get("/customers/"))
    assert "杭州科技发展有限公司" not in names(sales.get("/customers/", query_string={"q": "hzkj", "archived": "with"}))
    boss = login_as(sales_team["boss"])
    assert "杭州科技发展有限公司" not in names(boss.get("/customers/"))
    assert names(boss.get("/customers/", query_string={"q": "hzkj", "archived": "with"})) == {"杭州科技发展有限公司"}
    assert names(boss.get("/customers/", query_string={"q": "hzkj"})) == {"杭州科技发展有限公司"}  # a search finds it
    assert "已归档" in boss.get("/customers/", query_string={"q": "hzkj"}).get_data(as_text=True)
    assert names(boss.get("/customers/", query_string={"q": "hzkj", "archived": "without"})) == set()
    assert names(boss.get("/customers/", query_string={"archived": "only"})) == {"杭州科技发展有限公司"}


def test_fragment_for_htmx_and_page_otherwise(login_as, sales_team, listed, hx):
    client = login_as(sales_team["zhang"])
    fragment = client.get("/customers/?q=hzkj", headers=hx).get_data(as_text=True)
    assert "<html" not in fragment and "杭州科技发展有限公司" in fragment
    page = client.get("/customers/?q=hzkj").get_data(as_text=True)
    assert "<html" in page and 'value="hzkj"' in page


def test_list_runs_a_fixed_number_of_queries(app, login_as, sales_team, make_customer, count_queries):
    zhang = sales_team["zhang"]
    client = login_as(zhang)
    make_customer("计数一号有限公司", owner=zhang)
    db.session.expire_all()  # requests share the test's session: start each count from a cold identity map
    app.extensions.pop("customer_industries", None)  # and from a cold industry cache
    with count_queries() as few:
        client.get("/customers/")
    for number in range(30):
        make_customer(f"计数{number}号贸易有限公司", owner=zhang if number % 2 else None,
                      contacts=[{"name": f"联系人{number}", "phone": "13812345678"}])
    db.session.expire_all()
    app.extensions.pop("customer_industries", None)
    with count_queries() as many:
        response = client.get("/customers/")
    assert response.status_code == 200
    assert many.count == few.count, many.statements


def test_code_sequence_is_per_year_and_unique(app, frozen_now, make_customer):
    first = make_customer("甲公司")
    second = make_customer("乙公司")
    assert (first.code, second.code) == ("KH2026000001", "KH2026000002")
    frozen_now.move_to(datetime(2027, 1, 2, 9))
    assert make_customer("丙公司").code == "KH2027000001"
    assert len(set(db.session.scalars(select(Customer.code)))) == 3
