"""Stored XSS stays inert on the selling surfaces: opportunity names, competitors, next steps, quote notes,
losses to a competitor, order notes, expenses (what a rep types is shown to supervisors and colleagues)."""
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.models.expenses import Expense
from portal.models.marketing import Competitor
from portal.sales import services
from tests.sales.conftest import sign

PAYLOADS = ('<script>alert(1)</script>', '<div hx-get="/logout" hx-trigger="load">x</div>', '"><img src=x onerror=alert(1)>')
ESCAPED = ("&lt;script&gt;", "&lt;div hx-get", "&#34;&gt;&lt;img")


def test_payloads_render_inert_on_the_selling_pages(sales_world, login_as, hx):
    w = sales_world
    pages = []
    for payload in PAYLOADS:
        rival = Competitor(name=payload[:60])
        db.session.add(rival)
        opportunity = services.create_opportunity(w.customer, w.rep, {
            "name": payload[:100], "competitors": payload, "next_step": payload, "source": payload[:60],
            "products_of_interest": payload, "expected_amount": Decimal("1000")}, w.rep)
        db.session.flush()
        quote = services.create_quote(w.customer, opportunity, w.rep, [services.LineInput(
            None, payload[:100], Decimal("1"), Decimal("100"))], payload)
        services.lose_opportunity(opportunity, "竞品", payload[:60], w.rep)
        order = sign(w.customer, w.rep, "500.00", w.customer.created_at.date())
        order.note = payload
        db.session.add(Expense(kind="公司费用", category="差旅", channel="报销", amount=Decimal("10"),
                               spent_on=w.customer.created_at.date(), description=payload, region=payload[:60],
                               submitted_by_id=w.rep.id, department_id=w.department.id))
        db.session.commit()
        pages += [f"/sales/opportunities/{opportunity.id}", f"/sales/quotes/{quote.id}", f"/sales/orders/{order.id}",
                  f"/marketing/competitors/{rival.id}"]
    pages += ["/sales/opportunities/", "/marketing/competitors/", f"/customers/{w.customer.id}",
              "/expenses/", f"/expenses/{db.session.scalar(select(Expense.id).limit(1))}"]
    for viewer in (w.rep, w.supervisor):
        client = login_as(viewer)
        for path in pages:
            response = client.get(path)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, path
            for payload in PAYLOADS:
                assert payload not in html, (path, payload)
            assert any(escaped in html for escaped in ESCAPED), path  # shown, as text
