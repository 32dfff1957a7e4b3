"""Factories for revisit tests: customers, tasks and records built directly (hand-checked values)."""
from datetime import date, datetime
from itertools import count

import pytest

from portal.extensions import db
from portal.models.customers import Contact, Customer
from portal.models.revisits import RevisitRecord, RevisitTask

_codes = count(1)


@pytest.fixture
def make_customer(app):
    def factory(name: str | None = None, tier: str = "普通", registered_on: date | None = None, owner=None,
                **fields) -> Customer:
        number = next(_codes)
        customer = Customer(code=f"KH2026{number:06d}", name=name or f"回访测试客户{number}有限公司", tier=tier,
                            registered_on=registered_on, owner=owner, **fields)
        customer.contacts.append(Contact(name="王经理", phone="13812345678", is_primary=True))
        db.session.add(customer)
        db.session.commit()
        return customer

    return factory


@pytest.fixture
def make_task(app):
    def factory(customer, assignee=None, due_on: date = date(2026, 11, 24), trigger: str = "plan", **fields) -> RevisitTask:
        task = RevisitTask(customer=customer, assignee=assignee, due_on=due_on, trigger=trigger,
                           unique_key=f"test:{next(_codes)}", **fields)
        db.session.add(task)
        db.session.commit()
        return task

    return factory


@pytest.fixture
def make_record(app):
    def factory(customer, staff, at: datetime, outcome: str = "完成", satisfaction: int | None = None,
                task=None, method: str = "电话", **fields) -> RevisitRecord:
        record = RevisitRecord(customer_id=customer.id, staff_id=staff.id, revisited_at=at, outcome=outcome,
                               satisfaction=satisfaction, task=task, method=method, answers={}, **fields)
        db.session.add(record)
        db.session.commit()
        return record

    return factory


def draw(client, data: dict):
    """Draw a spot-check sample as a supervisor does: preview it, then confirm what was shown."""
    preview = client.post("/spot-checks/draw", data={**data, "action": "preview"})
    html = preview.get_data(as_text=True)
    if preview.status_code != 200 or 'name="previewed"' not in html:
        return preview
    marker = 'name="previewed" value="'
    start = html.index(marker) + len(marker)
    return client.post("/spot-checks/draw", data={**data, "action": "save", "previewed": html[start:html.index('"', start)]})
