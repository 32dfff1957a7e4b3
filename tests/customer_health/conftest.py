"""Shared builders for the customer health tests."""
from datetime import timedelta

from portal.extensions import db
from portal.models.followups import FollowUp
from tests.conftest import FROZEN_NOW


def fading_customer(new_customer, owner, **fields):
    """An A customer contacted weekly until three months ago, twice since: warned as 风险 (39) and halved."""
    customer = new_customer(owner, grade="A", **fields)
    for days in [10, 50] + list(range(95, 179, 7)):
        db.session.add(FollowUp(customer_id=customer.id, author_id=owner.id, method="电话",
                                contacted_at=FROZEN_NOW - timedelta(days=days),
                                recorded_at=FROZEN_NOW - timedelta(days=days)))
    customer.last_contacted_at = FROZEN_NOW - timedelta(days=10)
    db.session.commit()
    return customer
