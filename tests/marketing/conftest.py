"""Fixtures for the marketing area: people, customers with known attributes, activities in each state."""
from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from portal.customers.services import apply_derived_fields
from portal.extensions import db
from portal.models.customers import Contact, Customer
from portal.models.marketing import Activity

_numbers = count(1)


@pytest.fixture
def people(app, make_user, make_department):
    sales_department = make_department("销售部")
    other_department = make_department("销售二部")
    return {
        "marketing": make_user("marketing", username="mk", display_name="市场小李"),
        "sales": make_user("sales", department=sales_department, username="rep", display_name="销售老张"),
        "other_rep": make_user("sales", department=other_department, username="rep2", display_name="销售老王"),
        "supervisor": make_user("supervisor", department=sales_department, username="boss", display_name="主管"),
        "service": make_user("service", username="svc", display_name="客服小陈"),
        "tech": make_user("tech", username="tec"),
        "admin": make_user("admin", username="adm"),
    }


@pytest.fixture
def make_customer(app):
    def factory(name=None, owner=None, industry="制造业", grade="B", phone=None, **fields) -> Customer:
        number = next(_numbers)
        customer = Customer(code=f"KH2026{number:06d}", name=name or f"活动测试客户{number}有限公司",
                            owner_id=owner.id if owner else None, industry=industry, grade=grade, **fields)
        customer.contacts.append(Contact(name="王经理", phone=phone or f"1391234{number:04d}",
                                         phone_digits=phone or f"1391234{number:04d}", is_primary=True))
        apply_derived_fields(customer)  # normalized name for 查重
        db.session.add(customer)
        db.session.commit()
        return customer

    return factory


@pytest.fixture
def make_activity(app):
    def factory(owner=None, status="计划中", theme=None, kind="展会", starts_on=date(2026, 11, 20),
                ends_on=date(2026, 11, 24), budget="10000.00", region="华东") -> Activity:
        activity = Activity(theme=theme or f"测试活动{next(_numbers)}", kind=kind, starts_on=starts_on, ends_on=ends_on,
                            region=region, owner_id=owner.id if owner else None, budget=Decimal(budget), status=status)
        db.session.add(activity)
        db.session.commit()
        return activity

    return factory
