"""Demo health scores: every demo customer scored once (with its first warnings), so `make run`
shows scores, levels and 流失预警 before the first nightly run."""
from sqlalchemy import select

from portal.customer_health import services
from portal.extensions import db
from portal.models.customers import Customer


def seed(rng, users, customers: int = 60) -> None:
    db.session.flush()
    ids = list(db.session.scalars(select(Customer.id)))
    if ids:
        services.rescore(ids)
