"""The search bigram table (migration 0025) always holds exactly the adjacent Chinese character pairs of
each customer's search text, after every write path that writes that text; searches driven by it find
the same customers as the scan."""
import re

import pytest
from sqlalchemy import select

from portal.customers import queries
from portal.customers.services import merge_customers, search_bigrams, update_customer
from portal.demo_large import Sizes, seed_large
from portal.extensions import db
from portal.models.customers import Customer, CustomerSearch, CustomerSearchBigram
from tests.customers.test_excel import row, token_of, upload

CODE = re.compile(r"<td>(KH\d+)</td>")


def stored_bigrams() -> set[tuple[str, int]]:
    return {tuple(pair) for pair in db.session.execute(select(CustomerSearchBigram.bigram, CustomerSearchBigram.customer_id))}


def expected_bigrams() -> set[tuple[str, int]]:
    return {(bigram, customer_id) for customer_id, text in db.session.execute(select(CustomerSearch.customer_id,
                                                                                     CustomerSearch.text))
            for bigram in search_bigrams(text)}


def test_search_bigrams_are_adjacent_non_ascii_pairs():
    assert search_bigrams("恒通科技|ht|王伟|138") == {"恒通", "通科", "科技", "王伟"}
    assert search_bigrams("a科b技|x") == set()


def test_bigrams_follow_create_edit_contacts_and_merge(app, sales_team, make_customer):
    zhang = sales_team["zhang"]
    kept = make_customer("杭州恒通科技有限公司", owner=zhang, contacts=[{"name": "王伟", "phone": "13812345678"}])
    merged = make_customer("宁波华信贸易有限公司", owner=zhang)
    assert ("恒通", kept.id) in stored_bigrams() and stored_bigrams() == expected_bigrams()
    update_customer(kept, {"name": "杭州恒远科技有限公司"}, [{"name": "李娜", "phone": "13912345678"}], zhang)
    db.session.commit()
    assert ("恒通", kept.id) not in stored_bigrams() and ("李娜", kept.id) in stored_bigrams()
    assert stored_bigrams() == expected_bigrams()
    merge_customers(kept, merged, zhang)
    db.session.commit()
    assert stored_bigrams() == expected_bigrams()
    db.session.delete(db.session.get(Customer, merged.id))
    db.session.commit()
    assert all(customer_id != merged.id for _bigram, customer_id in stored_bigrams())


def test_bigrams_follow_the_excel_import(app, login_as, make_user, sales_team):
    importer = login_as(make_user("service", username="importer"))
    token = token_of(upload(importer, [row("杭州新客户有限公司", contact="第二联系人"), row("苏州华信精密有限公司")]))
    assert importer.post("/customers/import/confirm", data={"token": token, "on_match": "skip"}).status_code == 303
    assert {"华信", "联系"} <= {bigram for bigram, _id in stored_bigrams()}
    assert stored_bigrams() == expected_bigrams()


def test_bigrams_follow_the_large_seed(app, frozen_now):
    seed_large(Sizes.scaled(100))
    assert len(stored_bigrams()) > 1000 and stored_bigrams() == expected_bigrams()


@pytest.mark.parametrize("probe_rows", [1000, 1])  # 1: every term takes the common-term (EXISTS) path
def test_bigram_probe_finds_what_the_scan_finds(monkeypatch, login_as, sales_team, make_customer, probe_rows):
    monkeypatch.setattr(queries, "SEARCH_PROBE_ROWS", probe_rows)
    names = ["杭州恒通科技有限公司", "宁波華信貿易有限公司", "恒通", "上海华信科技", "苏州通科机械有限公司"]
    made = [make_customer(name, owner=None) for name in names]
    client = login_as(sales_team["zhang"])
    for term, expected in (("恒通科技", {0}), ("恆通", {0, 2}), ("华信", {1, 3}), ("科技 华信", {3}), ("通科", {0, 4}),
                           ("信科", {3}), ("a华信", set())):
        response = client.get("/customers/", query_string={"q": term, "per_page": 100})
        assert set(CODE.findall(response.get_data(as_text=True))) == {made[i].code for i in expected}, term
