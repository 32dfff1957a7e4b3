"""Expenses in English and 繁體 (issue 17): headings, kind, category, channel and status translated; the
purpose as typed; form errors in English."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models.expenses import Expense
from tests.conftest import speaking



def submit(client, **overrides):
    data = {"kind": "个人费用", "category": "住宿", "channel": "直销", "amount": "680.00", "spent_on": "2026-11-20",
            "description": "杭州拜访客户住宿"}
    data.update(overrides)
    return client.post("/expenses/new", data=data)


@pytest.mark.parametrize("language, words", [
    ("en", ["New expense", "Personal expense", "Accommodation", "Pending approval", "Category / channel", "Direct sales"]),
    ("zh_Hant_TW", ["登記費用", "個人費用", "住宿", "待審批", "類別 / 渠道", "直銷"]),
])
def test_list_and_detail_in_the_user_language(sales_world, login_as, language, words):
    w = sales_world
    client = login_as(speaking(w.rep, language))
    assert submit(client).status_code == 303
    expense = db.session.scalar(select(Expense))
    listing = client.get("/expenses/").get_data(as_text=True)
    detail = client.get(f"/expenses/{expense.id}").get_data(as_text=True)
    assert all(word in listing for word in words[:4]), [word for word in words[:4] if word not in listing]
    assert all(word in detail for word in words[1:]), [word for word in words[1:] if word not in detail]
    assert "杭州拜访客户住宿" in listing and ">个人费用<" not in listing
    assert (expense.kind, expense.category, expense.status) == ("个人费用", "住宿", "待审批")


def test_form_errors_and_work_list_in_english(sales_world, login_as):
    w = sales_world
    rep = login_as(speaking(w.rep, "en"))
    refused = submit(rep, amount="", description="", spent_on="2026-12-01")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Enter the purpose" in html and "The date spent cannot be later than today" in html
    assert submit(rep).status_code == 303
    boss = login_as(speaking(w.supervisor, "en"))
    work = boss.get("/").get_data(as_text=True)
    assert "Expenses to approve" in work and "Accommodation ¥680.00" in work
    expense = db.session.scalar(select(Expense))
    decided = boss.post(f"/expenses/{expense.id}/decide", data={"decision": "approve"}, follow_redirects=True)
    assert "Decided: Approved" in decided.get_data(as_text=True)
