"""Length limits are never enforced by silently cutting text: fields carry data-maxlength and a live
count (static/js/app.js) instead of the browser's maxlength, and the server refuses over-long text with
its Chinese message, keeping everything that was typed."""
import re

from flask import render_template_string
from sqlalchemy import func, select

from portal.customers.forms import CustomerForm
from portal.extensions import db
from portal.models.followups import FollowUp

FOLLOWUP = {"contacted_at": "2026-11-24T09:30", "method": "电话", "participants": "", "result": "",
            "next_action": "", "next_action_on": "", "stage_to": "", "stage_reason": ""}


def test_ten_thousand_characters_are_refused_not_cut(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales)
    text = "沟通" * 3998 + "结尾标记" + "x" * 2000  # 10,000 characters; the limit is 5,000
    assert len(text) == 10_000
    response = login_as(sales).post(f"/followups/customers/{customer.id}/new", data={**FOLLOWUP, "content": text})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "沟通内容不能超过5000个字符" in html
    assert text in html, "what was typed is given back whole"
    assert "10000 / 5000" in html and "已超出 5000 字" in html
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_exactly_the_limit_is_saved_whole(app, frozen_now, login_as, make_user, new_customer):
    sales = make_user("sales")
    customer = new_customer(sales)
    text = "字" * 5000
    response = login_as(sales).post(f"/followups/customers/{customer.id}/new", data={**FOLLOWUP, "content": text})
    assert response.status_code == 303
    assert db.session.scalar(select(FollowUp.content)) == text


def test_form_macro_renders_a_count_never_maxlength(app):
    """Every length-limited field rendered through the form macro: data-maxlength plus a counter."""
    with app.test_request_context(method="POST", data={"name": "甲" * 130, "main_business": "乙" * 10}):
        form = CustomerForm()
        form.validate()
        html = render_template_string(
            '{% from "_macros/forms.html" import field %}{{ field(f.name) }}{{ field(f.main_business) }}'
            '{{ field(f.industry) }}', f=form)
    assert not re.search(r"\smaxlength=", html)
    assert 'data-maxlength="128"' in html and 'data-maxlength="2000"' in html
    assert "客户名称不能超过128个字符" in html
    assert "130 / 128，已超出 2 字" in html
    assert '<div class="char-count" id="main_business-count" aria-live="polite">10 / 2000</div>' in html
    # One-line fields show their count only near the limit.
    assert re.search(r'id="industry-count" aria-live="polite" data-quiet hidden>0 / 64<', html)


def test_no_form_page_carries_a_browser_maxlength(app, login_as, make_user, new_customer):
    admin = make_user("admin")
    customer = new_customer(admin)
    client = login_as(admin)
    for url in ("/customers/new", f"/customers/{customer.id}/edit", "/tickets/new",
                f"/followups/customers/{customer.id}/new", "/admin/users/new"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert not re.search(r"\smaxlength=", html), url
        assert "data-maxlength=" in html, url
