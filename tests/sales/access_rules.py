"""Role × route rows of the sales area. The records belong to a customer of the spare sales rep (销售部):
out of scope for m_sales (404) and for tech (no ticket on it: 404); in the supervisor's department."""
from datetime import date
from decimal import Decimal

from tests.access import Rule

SELLERS = frozenset({"sales", "supervisor", "admin"})
ORDER_ROLES = frozenset({"sales", "service", "tech", "supervisor", "admin"})
MANAGERS = frozenset({"supervisor", "admin"})
EVERYONE = frozenset({"sales", "service", "tech", "marketing", "supervisor", "admin"})


def others_customer(world):
    from portal.extensions import db
    from portal.models.customers import Customer

    def build():
        customer = Customer(code="KH2026910001", name="他人成交客户有限公司", owner_id=world.spare_user.id, grade="B")
        db.session.add(customer)
        db.session.commit()
        return customer.id

    return world.once("sales_customer", build)


def product_id(world):
    from portal.extensions import db
    from portal.models.sales import Product

    def build():
        product = Product(code="P-1", name="标准版", standard_price=Decimal("100"), floor_price=Decimal("80"))
        db.session.add(product)
        db.session.commit()
        return product.id

    return world.once("sales_product", build)


def opportunity_id(world):
    from portal.extensions import db
    from portal.models.customers import Customer
    from portal.models.auth import User
    from portal.sales.services import create_opportunity

    def build():
        spare = db.session.get(User, world.spare_user.id)
        opportunity = create_opportunity(db.session.get(Customer, others_customer(world)), spare,
                                         {"name": "他人商机", "expected_amount": Decimal("1000")}, spare)
        db.session.commit()
        return opportunity.id

    return world.once("sales_opportunity", build)


def quote_id(world):
    from portal.extensions import db
    from portal.models.auth import User
    from portal.models.sales import Opportunity, Product
    from portal.sales.services import LineInput, create_quote

    def build():
        opportunity = db.session.get(Opportunity, opportunity_id(world))
        product = db.session.get(Product, product_id(world))
        quote = create_quote(opportunity.customer, opportunity, db.session.get(User, world.spare_user.id),
                             [LineInput(product, "标准版", Decimal("1"), Decimal("50"))], "")
        db.session.commit()
        return quote.id

    return world.once("sales_quote", build)


def new_order(world, paid: str = "0"):
    from uuid import uuid4

    from portal.extensions import db
    from portal.models.auth import User
    from portal.models.customers import Customer
    from portal.sales.services import LineInput, record_order, record_payment

    spare = db.session.get(User, world.spare_user.id)
    order = record_order(db.session.get(Customer, others_customer(world)), spare, date(2026, 11, 20),
                         [LineInput(None, "实施服务", Decimal("1"), Decimal("1000"))], spare)
    if paid != "0":
        record_payment(order, Decimal(paid), date(2026, 11, 21), "银行转账", "", uuid4().hex, spare)
    db.session.commit()
    return order.id


def order_id(world):
    return world.once("sales_order", lambda: new_order(world, paid="100"))


def invoice_id(world):
    from portal.extensions import db
    from portal.models.sales import Order
    from portal.sales.services import issue_invoice

    def build():
        invoice = issue_invoice(db.session.get(Order, order_id(world)), "FP1", "普通发票", Decimal("10"),
                                date(2026, 11, 21), "access-invoice")
        db.session.commit()
        return invoice.id

    return world.once("sales_invoice", build)


def customer_args(world):
    return {"customer_id": others_customer(world)}


def opportunity_args(world):
    return {"opportunity_id": opportunity_id(world)}


def quote_args(world):
    return {"quote_id": quote_id(world)}


def order_args(world):
    return {"order_id": order_id(world)}


def fresh_order_args(world):
    """Cancelling/completing changes the order: every role gets its own (unpaid) one."""
    return {"order_id": new_order(world)}


OUT_OF_SCOPE = {"sales": 404}
ORDER_WRITE = {"sales": 404, "tech": 404, "service": 403}
ORDER_READ = {"sales": 404, "tech": 404}


def opportunity_rules(endpoint, methods):
    return [Rule(endpoint, method, SELLERS, url_values=opportunity_args, expect=OUT_OF_SCOPE) for method in methods]


def order_rules(endpoint, methods):
    return [Rule(endpoint, method, ORDER_ROLES, url_values=order_args, expect=ORDER_WRITE) for method in methods]


RULES = [
    Rule("sales.opportunities", "GET", SELLERS),
    Rule("sales.funnel", "GET", SELLERS),
    Rule("sales.opportunity_create", "GET", SELLERS, url_values=customer_args, expect=OUT_OF_SCOPE),
    Rule("sales.opportunity_create", "POST", SELLERS, url_values=customer_args, expect=OUT_OF_SCOPE),
    *opportunity_rules("sales.opportunity", ["GET"]),
    *opportunity_rules("sales.opportunity_edit", ["GET", "POST"]),
    *opportunity_rules("sales.opportunity_stage", ["POST"]),
    *opportunity_rules("sales.opportunity_win", ["GET", "POST"]),
    *opportunity_rules("sales.opportunity_lose", ["GET", "POST"]),
    *opportunity_rules("sales.quote_create", ["GET", "POST"]),
    Rule("sales.customer_quote_create", "GET", SELLERS, url_values=customer_args, expect=OUT_OF_SCOPE),
    Rule("sales.customer_quote_create", "POST", SELLERS, url_values=customer_args, expect=OUT_OF_SCOPE),
    # Quotes are seen by everyone who may see the customer (tech: not on one of their tickets).
    Rule("sales.quote", "GET", EVERYONE, url_values=quote_args, expect={"sales": 404, "tech": 404}),
    Rule("sales.quote_decide", "GET", SELLERS, url_values=quote_args, expect=OUT_OF_SCOPE),
    Rule("sales.quote_decide", "POST", SELLERS, url_values=quote_args, expect=OUT_OF_SCOPE),
    Rule("sales.products", "GET", MANAGERS),
    Rule("sales.product_create", "GET", MANAGERS),
    Rule("sales.product_create", "POST", MANAGERS),
    Rule("sales.product_edit", "GET", MANAGERS, url_values=lambda w: {"product_id": product_id(w)}),
    Rule("sales.product_edit", "POST", MANAGERS, url_values=lambda w: {"product_id": product_id(w)}),
    Rule("sales.orders", "GET", ORDER_ROLES),
    Rule("sales.order", "GET", ORDER_ROLES, url_values=order_args, expect=ORDER_READ),
    *order_rules("sales.order_plan", ["GET", "POST"]),
    *order_rules("sales.payment_create", ["GET", "POST"]),
    *order_rules("sales.refund_create", ["GET", "POST"]),
    *order_rules("sales.invoice_create", ["GET", "POST"]),
    Rule("sales.invoice_void", "POST", ORDER_ROLES, url_values=lambda w: {"invoice_id": invoice_id(w)},
         expect=ORDER_WRITE),
    Rule("sales.order_cancel", "POST", ORDER_ROLES, url_values=fresh_order_args,
         expect={"sales": 404, "tech": 404, "service": 403}),
    Rule("sales.order_complete", "POST", ORDER_ROLES, url_values=fresh_order_args,
         expect={"sales": 404, "tech": 404, "service": 403}),
    Rule("sales.receivables", "GET", frozenset({"sales", "supervisor", "admin"})),
]


def handover_args(world):
    from portal.extensions import db
    from portal.models.sales import AfterSalesHandover

    def build():
        customer_id = others_customer(world)
        if db.session.get(AfterSalesHandover, customer_id) is None:
            db.session.add(AfterSalesHandover(customer_id=customer_id))
            db.session.commit()
        return customer_id

    return {"customer_id": world.once("sales_handover", build)}


# The world's supervisor heads 销售部 (no 客服 staff): not the service supervisor, so 403.
RULES += [
    Rule("sales.after_sales_owner", "GET", MANAGERS, url_values=handover_args, expect={"supervisor": 403}),
    Rule("sales.after_sales_owner", "POST", MANAGERS, url_values=handover_args, expect={"supervisor": 403}),
]

STATEMENT_ROLES = frozenset({"sales", "marketing", "supervisor", "admin"})
TARGET_ROLES = frozenset({"sales", "supervisor", "admin"})
RULES += [
    Rule("sales.statements", "GET", STATEMENT_ROLES),
    Rule("sales.product_sheet", "GET", STATEMENT_ROLES),
    Rule("sales.product_sheet_xlsx", "GET", STATEMENT_ROLES),
    Rule("sales.product_sheet_pdf", "GET", STATEMENT_ROLES),
    Rule("sales.targets", "GET", TARGET_ROLES),
    Rule("sales.targets", "POST", TARGET_ROLES, expect={"sales": 403}),
]

RULES += [
    Rule("sales.order_edit", "GET", ORDER_ROLES, url_values=order_args, expect=ORDER_WRITE),
    Rule("sales.order_edit", "POST", ORDER_ROLES, url_values=order_args, expect=ORDER_WRITE),
]
