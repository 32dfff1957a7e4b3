"""A keyword finds a customer whatever script it and the file were typed in (issue 17): search rows and
keywords are both folded to simplified characters."""
import pytest

from portal.extensions import db
from portal.models.customers import CustomerSearch


@pytest.fixture
def both_scripts(app, sales_team, make_customer):
    zhang = sales_team["zhang"]
    return {
        "traditional": make_customer("臺北電子科技有限公司", owner=zhang, contacts=[{"name": "陳靜", "phone": "13900001111"}]),
        "simplified": make_customer("深圳电子器件有限公司", owner=zhang, contacts=[{"name": "刘洋", "phone": "13900002222"}]),
        "other": make_customer("杭州贸易有限公司", owner=zhang),
    }


def found(client, q: str) -> set[str]:
    html = client.get("/customers/", query_string={"q": q}).get_data(as_text=True)
    return {name for name in ("臺北電子科技有限公司", "深圳电子器件有限公司", "杭州贸易有限公司") if name in html}


@pytest.mark.parametrize("q, expected", [
    ("电子", {"臺北電子科技有限公司", "深圳电子器件有限公司"}),   # simplified keyword finds both scripts
    ("電子", {"臺北電子科技有限公司", "深圳电子器件有限公司"}),   # traditional keyword finds both scripts
    ("台北", {"臺北電子科技有限公司"}),                           # 臺 and 台 are one character to search
    ("陈静", {"臺北電子科技有限公司"}),                           # a contact typed in 繁體
    ("劉洋", {"深圳电子器件有限公司"}),                           # a contact typed in 简体, searched in 繁體
    ("電", {"臺北電子科技有限公司", "深圳电子器件有限公司"}),     # one character
    ("貿易 杭州", {"杭州贸易有限公司"}),                          # every term, mixed scripts
])
def test_keyword_in_either_script_finds_the_file(login_as, sales_team, both_scripts, q, expected):
    assert found(login_as(sales_team["zhang"]), q) == expected


def test_stored_name_stays_as_typed(app, both_scripts):
    customer = both_scripts["traditional"]
    db.session.refresh(customer)
    assert customer.name == "臺北電子科技有限公司"
    assert "台北电子科技有限公司" in db.session.get(CustomerSearch, customer.id).text
