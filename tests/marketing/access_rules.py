"""Role × route rows for the marketing area. Activities and competitors are company-wide: every role of
the area reads them, marketing/supervisors/admins manage them, tech is refused by the area guard.
Out of scope is 404: an archived material for readers; a customer outside the supervisor's department."""
from datetime import date
from decimal import Decimal

from portal.extensions import db
from portal.models.customers import Customer
from portal.models.marketing import Activity, ActivityMaterial, Competitor, MaterialVersion
from tests.access import Rule

AREA = frozenset({"sales", "service", "marketing", "supervisor", "admin"})
MANAGE = frozenset({"marketing", "supervisor", "admin"})


def activity(world):
    def build():
        record = Activity(theme="矩阵测试活动", kind="展会", starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 21),
                          owner_id=world.users["marketing"].id, budget=Decimal("1000"))
        db.session.add(record)
        db.session.commit()
        return record.id

    return world.once("activity", build)


def activity_args(world):
    return {"activity_id": activity(world)}


def archived_material_args(world):
    def build():
        from pathlib import Path

        from flask import current_app

        store = Path(current_app.config["FILE_STORE"]) / "marketing"
        store.mkdir(parents=True, exist_ok=True)
        (store / ("a" * 32)).write_bytes(b"%PDF-1.4\n")
        material = ActivityMaterial(activity_id=activity(world), title="旧资料", status="已归档")
        db.session.add(material)
        db.session.flush()
        version = MaterialVersion(material_id=material.id, number=1, filename="a.pdf", stored_name="a" * 32,
                                  content_type="application/pdf", size=9)
        db.session.add(version)
        db.session.commit()
        return material.id, version.id

    material_id, version_id = world.once("material", build)
    return {"activity_id": activity(world), "material_id": material_id, "version_id": version_id}


def material_args(world):
    values = archived_material_args(world)
    return {"activity_id": values["activity_id"], "material_id": values["material_id"]}


def competitor(world):
    def build():
        record = Competitor(name="矩阵竞品公司")
        db.session.add(record)
        db.session.commit()
        return record.id

    return world.once("competitor", build)


def unlink_args(world):
    """A customer owned by the marketing user (市场部): outside the supervisor's department."""

    def build():
        customer = Customer(code="KH2026980001", name="矩阵市场部客户有限公司", owner_id=world.users["marketing"].id)
        db.session.add(customer)
        db.session.commit()
        return customer.id

    return {"competitor_id": competitor(world), "customer_id": world.once("marketing-customer", build)}


RULES = [
    Rule("marketing.index", "GET", AREA),
    Rule("marketing.export", "GET", AREA),
    Rule("marketing.effect", "GET", AREA),
    Rule("marketing.create", "GET", MANAGE),
    Rule("marketing.create", "POST", MANAGE),
    Rule("marketing.detail", "GET", AREA, activity_args),
    Rule("marketing.edit", "GET", MANAGE, activity_args),
    Rule("marketing.edit", "POST", MANAGE, activity_args),
    Rule("marketing.transition", "POST", MANAGE, lambda w: {**activity_args(w), "action": "start"}),
    Rule("marketing.expense_add", "POST", MANAGE, activity_args),
    Rule("marketing.report_pdf", "GET", AREA, activity_args),
    Rule("marketing.invite", "GET", MANAGE, activity_args),
    Rule("marketing.invite", "POST", MANAGE, activity_args),
    Rule("marketing.participants_mark", "POST", MANAGE, activity_args),
    Rule("marketing.walk_in", "GET", MANAGE, activity_args),
    Rule("marketing.walk_in", "POST", MANAGE, activity_args),
    Rule("marketing.material_add", "POST", MANAGE, activity_args),
    Rule("marketing.material_version_add", "POST", MANAGE, material_args, expect={"sales": 404, "service": 404}),
    Rule("marketing.material_status", "POST", MANAGE, lambda w: {**material_args(w), "action": "publish"},
         expect={"sales": 404, "service": 404}),
    Rule("marketing.material_download", "GET", AREA, archived_material_args, expect={"sales": 404, "service": 404}),
    Rule("competitors.index", "GET", AREA),
    Rule("competitors.create", "GET", MANAGE),
    Rule("competitors.create", "POST", MANAGE),
    Rule("competitors.detail", "GET", AREA, lambda w: {"competitor_id": competitor(w)}),
    Rule("competitors.edit", "GET", MANAGE, lambda w: {"competitor_id": competitor(w)}),
    Rule("competitors.edit", "POST", MANAGE, lambda w: {"competitor_id": competitor(w)}),
    Rule("competitors.link", "POST", MANAGE, lambda w: {"competitor_id": competitor(w)}),
    Rule("competitors.unlink", "POST", MANAGE, unlink_args, expect={"supervisor": 404}),
]
