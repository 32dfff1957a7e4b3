"""Factories for the customers tests."""
import pytest

from portal.customers.services import create_customer
from portal.extensions import db


@pytest.fixture
def make_customer(app):
    """make_customer(name, owner=user|None, contacts=[...], **fields) -> Customer (committed)."""

    def factory(name: str, owner=None, contacts=None, by=None, **fields):
        data = {"name": name, "source_channel": "电话咨询", "owner_id": owner.id if owner else None}
        data.update(fields)
        customer = create_customer(data, contacts or [], by)
        db.session.commit()
        return customer

    return factory


@pytest.fixture
def sales_team(make_user, make_department):
    department = make_department("销售部")
    return {
        "department": department,
        "zhang": make_user("sales", department=department, username="zhang", display_name="张伟"),
        "li": make_user("sales", department=department, username="li", display_name="李娜"),
        "boss": make_user("supervisor", department=department, username="boss", display_name="赵敏"),
    }


def form_data(**overrides) -> dict:
    """A valid customer form POST body with one contact row."""
    data = {
        "name": "杭州云帆科技有限公司",
        "source_channel": "展会登记",
        "grade": "B",
        "tier": "普通",
        "stage": "潜在",
        "contacts-0-name": "王伟",
        "contacts-0-phone": "13812345678",
        "contacts-0-email": "wangwei@yunfan.cn",
        "contacts-0-is_primary": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
