"""A small selling world: 销售部 with two reps and their supervisor, a 客服部 and a product on the price list."""
from dataclasses import dataclass
from decimal import Decimal

import pytest

from portal.extensions import db
from portal.models.sales import Product


@dataclass
class SalesWorld:
    department: object
    rep: object
    other_rep: object
    supervisor: object
    customer: object
    others_customer: object
    product: object


@pytest.fixture
def sales_world(app, frozen_now, make_user, make_department, new_customer):
    department = make_department("销售部")
    rep = make_user("sales", department=department, username="rep", display_name="张伟")
    other = make_user("sales", department=department, username="rep2", display_name="李娜")
    supervisor = make_user("supervisor", department=department, username="boss", display_name="王主管")
    product = Product(code="CRM-ENT", name="客户管理系统企业版", product_version="V3.0", category="软件", unit="套",
                      standard_price=Decimal("10000.00"), floor_price=Decimal("8000.00"), unit_cost=Decimal("3000.00"))
    db.session.add(product)
    db.session.commit()
    return SalesWorld(department, rep, other, supervisor, new_customer(rep, stage="意向"), new_customer(other),
                      product)


def sign(customer, owner, amount: str, signed_on, quantity: str = "1"):
    """An order of one line through the service, committed."""
    from portal.sales.services import LineInput, record_order

    order = record_order(customer, owner, signed_on, [LineInput(None, "实施服务", Decimal(quantity), Decimal(amount))], owner)
    db.session.commit()
    return order
