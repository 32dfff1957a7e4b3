"""The left navigation marks exactly the entry the page belongs to (several entries share one blueprint)."""
import re

import pytest

ACTIVE = re.compile(r'<a href="([^"]+)" class="active" aria-current="page">([^<]+)</a>')


@pytest.mark.parametrize("path, expected", [
    ("/sales/orders/", "订单"),
    ("/sales/receivables", "应收账款"),
    ("/sales/funnel", "商机"),  # no entry of its own: the first entry of its area
    ("/customers/", "客户档案"),
    ("/", "我的工作台"),
])
def test_one_menu_entry_is_active(app, make_user, login_as, path, expected):
    html = login_as(make_user("supervisor")).get(path).get_data(as_text=True)
    assert [label for _href, label in ACTIVE.findall(html)] == [expected]
