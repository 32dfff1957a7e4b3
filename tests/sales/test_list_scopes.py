"""A supervisor's order and expense lists: a department that owns few rows gets them by id (the list would
otherwise walk its date index over every row of the table), with the same rows in the same order either way."""
import re
from datetime import date, datetime
from decimal import Decimal

import pytest

from portal.access import sales as access
from portal.extensions import db
from portal.models.expenses import Expense
from tests.sales.conftest import sign


def listed_numbers(html: str, prefix: str = "DD") -> list[str]:
    return re.findall(rf">({prefix}\d+)<", html)


def list_statement(count_queries, client, url: str, table: str) -> str:
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return next(s for s in counter.statements if f"ORDER BY {table}." in s)


@pytest.fixture
def orders(sales_world):
    w = sales_world
    return [sign(w.customer, w.rep, "100.00", date(2026, 11, 1)), sign(w.others_customer, w.other_rep, "200.00", date(2026, 11, 3)),
            sign(w.customer, w.rep, "300.00", date(2026, 11, 1)), sign(w.customer, w.other_rep, "400.00", date(2026, 10, 5))]


def test_a_department_owning_few_orders_lists_them_by_id_newest_first(sales_world, orders, login_as, count_queries):
    boss = login_as(sales_world.supervisor)
    statement = list_statement(count_queries, boss, "/sales/orders/", "sales_order")
    assert "sales_order.id IN" in statement
    expected = [o.number for o in sorted(orders, key=lambda o: (o.signed_on, o.id), reverse=True)]
    assert listed_numbers(boss.get("/sales/orders/").get_data(as_text=True)) == expected


def test_a_department_owning_many_orders_keeps_the_sorted_walk_and_the_same_list(
        sales_world, orders, login_as, count_queries, monkeypatch):
    boss = login_as(sales_world.supervisor)
    few = listed_numbers(boss.get("/sales/orders/?sort=total").get_data(as_text=True))
    monkeypatch.setattr(access, "FEW_ROWS", 2)
    assert "sales_order.id IN" not in list_statement(count_queries, boss, "/sales/orders/?sort=total", "sales_order")
    assert listed_numbers(boss.get("/sales/orders/?sort=total").get_data(as_text=True)) == few
    assert len(few) == 4


def test_a_service_supervisor_owning_no_orders_gets_an_empty_list_without_a_walk(
        sales_world, orders, login_as, make_user, make_department, count_queries):
    service_boss = make_user("supervisor", department=make_department("客服部"))
    client = login_as(service_boss)
    assert "sales_order.id IN" in list_statement(count_queries, client, "/sales/orders/", "sales_order")
    assert listed_numbers(client.get("/sales/orders/").get_data(as_text=True)) == []


def expense(by, spent_on: date, amount: str) -> Expense:
    row = Expense(kind="公司费用", category="差旅", amount=Decimal(amount), spent_on=spent_on, description=f"费用{amount}",
                  submitted_by_id=by.id, department_id=by.department_id)
    db.session.add(row)
    db.session.commit()
    return row


def listed_descriptions(html: str) -> list[str]:
    return re.findall(r"费用(\d+\.\d\d)", html)


def test_expense_lists_by_id_in_small_scopes_with_the_same_rows_and_order(
        sales_world, login_as, make_user, make_department, count_queries, monkeypatch):
    w = sales_world
    expense(w.rep, date(2026, 11, 2), "1.00"), expense(w.other_rep, date(2026, 11, 5), "2.00")
    expense(w.rep, date(2026, 11, 2), "3.00"), expense(make_user("sales", department=make_department()), date(2026, 11, 9), "4.00")
    boss = login_as(w.supervisor)
    assert "expense.id IN" in list_statement(count_queries, boss, "/expenses/", "expense")
    assert listed_descriptions(boss.get("/expenses/").get_data(as_text=True)) == ["2.00", "3.00", "1.00"]
    monkeypatch.setattr(access, "FEW_ROWS", 1)
    assert "expense.id IN" not in list_statement(count_queries, boss, "/expenses/", "expense")
    assert listed_descriptions(boss.get("/expenses/").get_data(as_text=True)) == ["2.00", "3.00", "1.00"]
    service_boss = login_as(make_user("supervisor", department=make_department("客服部")))
    assert listed_descriptions(service_boss.get("/expenses/").get_data(as_text=True)) == []


def opportunities_of(w, make_user, make_department):
    from portal.models.sales import Opportunity

    outsider = make_user("sales", department=make_department("销售二部"))
    rows = []
    for number, (owner, updated) in enumerate([(w.rep, (2026, 11, 3)), (w.other_rep, (2026, 11, 5)), (outsider, (2026, 11, 9)),
                                               (w.rep, (2026, 11, 5)), (w.other_rep, (2026, 10, 1))]):
        row = Opportunity(customer_id=w.customer.id, owner_id=owner.id, name=f"商机{number}",
                          stage="需求确认" if number % 2 else "初步接洽")
        db.session.add(row)
        db.session.flush()
        row.updated_at = datetime(*updated, 9, 0)
        rows.append(row)
    db.session.commit()
    return rows


def listed_opportunities(html: str) -> list[str]:
    return re.findall(r">(商机\d)</a>", html)


def test_a_large_department_walks_the_updated_index_with_the_same_rows_and_order(
        sales_world, login_as, make_user, make_department, count_queries, monkeypatch):
    rows = opportunities_of(sales_world, make_user, make_department)
    boss = login_as(sales_world.supervisor)
    by_id = listed_opportunities(boss.get("/sales/opportunities/").get_data(as_text=True))
    assert by_id == ["商机3", "商机1", "商机0", "商机4"]  # newest update first; 商机2 is another department's
    monkeypatch.setattr(access, "FEW_ROWS", 2)
    walk = list_statement(count_queries, boss, "/sales/opportunities/", "opportunity")
    assert "opportunity.owner_id + " in walk and "opportunity.id IN" not in walk
    assert listed_opportunities(boss.get("/sales/opportunities/").get_data(as_text=True)) == by_id
    # A filter or another sort keeps the owner index (the walk could read the whole table for a rare match).
    assert "opportunity.owner_id + " not in list_statement(count_queries, boss, "/sales/opportunities/?stage=需求确认", "opportunity")
    assert "opportunity.owner_id + " not in list_statement(count_queries, boss, "/sales/opportunities/?sort=amount", "opportunity")
    assert listed_opportunities(boss.get("/sales/opportunities/?stage=需求确认").get_data(as_text=True)) == ["商机3", "商机1"]
    assert rows
