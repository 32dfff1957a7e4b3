"""Role × route rows of the followups area and the 节假日安排 admin page."""
from datetime import datetime

from tests.access import Rule

FOLLOWUP_ROLES = frozenset({"sales", "service", "marketing", "supervisor", "admin"})
ADMIN = frozenset({"admin"})


def others_customer(world):
    """A customer owned by the spare sales rep: out of scope for m_sales (404), in scope for the rest."""
    from portal.extensions import db
    from portal.models.customers import Customer

    def build():
        customer = Customer(code="KH2026900001", name="他人客户有限公司", owner_id=world.spare_user.id, grade="B")
        db.session.add(customer)
        db.session.commit()
        return customer.id

    return world.once("others_customer", build)


def others_followup(world):
    from portal.extensions import db
    from portal.models.followups import FollowUp

    def build():
        followup = FollowUp(customer_id=others_customer(world), author_id=world.spare_user.id, method="电话",
                            content="沟通报价", contacted_at=datetime(2026, 11, 20, 9, 0),
                            recorded_at=datetime(2026, 11, 20, 9, 10))
        db.session.add(followup)
        db.session.commit()
        return followup.id

    return world.once("others_followup", build)


def entered_holiday(world):
    """A 2027 holiday row for the delete route (admin removes it: 303)."""
    from datetime import date

    from portal.extensions import db
    from portal.models.settings import HolidayOverride

    if db.session.get(HolidayOverride, date(2027, 1, 1)) is None:
        db.session.add(HolidayOverride(day=date(2027, 1, 1), is_workday=False, note="元旦"))
        db.session.commit()
    return {"day": "2027-01-01"}


def customer_args(world):
    return {"customer_id": others_customer(world)}


def followup_args(world):
    return {"followup_id": others_followup(world)}


# Out of scope for the sales rep (404); marketing sees the customer but may not write (403);
# only the author (within 24 h) or a manager edits a follow-up, so service gets 403 there.
WRITE = {"sales": 404, "marketing": 403}

RULES = [
    Rule("followups.index", "GET", FOLLOWUP_ROLES),
    Rule("followups.export", "GET", FOLLOWUP_ROLES),
    Rule("followups.detail", "GET", FOLLOWUP_ROLES, url_values=followup_args, expect={"sales": 404}),
    Rule("followups.customer_section", "GET", FOLLOWUP_ROLES, url_values=customer_args, expect={"sales": 404}),
    Rule("followups.create", "GET", FOLLOWUP_ROLES, url_values=customer_args, expect=WRITE),
    Rule("followups.create", "POST", FOLLOWUP_ROLES, url_values=customer_args, expect=WRITE),
    Rule("followups.edit", "GET", FOLLOWUP_ROLES, url_values=followup_args,
         expect={"sales": 404, "marketing": 403, "service": 403}),
    Rule("followups.edit", "POST", FOLLOWUP_ROLES, url_values=followup_args,
         expect={"sales": 404, "marketing": 403, "service": 403}),
    Rule("holidays.index", "GET", ADMIN),
    Rule("holidays.index", "POST", ADMIN),
    Rule("holidays.delete", "POST", ADMIN, url_values=entered_holiday),
]
