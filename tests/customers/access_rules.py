"""Role × route rows of the customers area (tests/test_access_matrix.py checks them all)."""
from tests.access import EVERYONE, Rule

CREATORS = frozenset({"sales", "service", "supervisor", "admin"})
MANAGERS = frozenset({"supervisor", "admin"})
IMPORTERS = frozenset({"service", "supervisor", "admin"})
OUT_OF_SCOPE = {"sales": 404, "tech": 404}


def make_customer(world, key: str, owner_id):
    from portal.customers.services import create_customer
    from portal.extensions import db

    def build():
        customer = create_customer({"name": f"矩阵{key}科技有限公司", "source_channel": "电话咨询", "owner_id": owner_id},
                                   [{"name": "王伟", "phone": "13812345678"}], None)
        db.session.commit()
        return customer.id

    return world.once(key, build)


def others(world):
    """Owned by the spare sales rep: out of scope for m_sales (404) and tech (404)."""
    return {"customer_id": make_customer(world, "others", world.spare_user.id)}


def archivable(world):
    return {"customer_id": make_customer(world, "archivable", world.spare_user.id)}


def pool(world):
    return {"customer_id": make_customer(world, "pool", None)}


RULES = [
    Rule("customers.index", "GET", EVERYONE),
    Rule("customers.export", "GET", EVERYONE - {"tech"}),
    Rule("customers.create", "GET", CREATORS),
    Rule("customers.create", "POST", CREATORS),
    Rule("customers.duplicates_check", "POST", CREATORS),
    Rule("customers.contact_row", "GET", CREATORS),
    Rule("customers.detail", "GET", EVERYONE, url_values=others, expect=OUT_OF_SCOPE),
    Rule("customers.print_view", "GET", EVERYONE, url_values=others, expect=OUT_OF_SCOPE),
    Rule("customers.edit", "GET", EVERYONE - {"marketing"}, url_values=others, expect=OUT_OF_SCOPE),
    Rule("customers.edit", "POST", EVERYONE - {"marketing"}, url_values=others, expect=OUT_OF_SCOPE),
    Rule("customers.claim", "POST", frozenset({"sales", "tech", "supervisor", "admin"}), url_values=pool,
         expect={"tech": 404}),
    Rule("customers.release", "POST", frozenset({"sales", "tech", "supervisor", "admin"}), url_values=others,
         expect=OUT_OF_SCOPE),
    Rule("customers.archive", "POST", MANAGERS | {"sales", "tech"}, url_values=archivable, expect=OUT_OF_SCOPE),
    Rule("customers.restore", "POST", MANAGERS | {"sales", "tech"}, url_values=archivable, expect=OUT_OF_SCOPE),
    Rule("customers.merge", "GET", MANAGERS, url_values=others),
    Rule("customers.merge", "POST", MANAGERS, url_values=others),
    Rule("customers.handover", "GET", MANAGERS),
    Rule("customers.handover", "POST", MANAGERS),
    Rule("customers.import_template", "GET", IMPORTERS),
    Rule("customers.import_upload", "GET", IMPORTERS),
    Rule("customers.import_upload", "POST", IMPORTERS),
    Rule("customers.import_confirm", "POST", IMPORTERS),
    Rule("customers.import_rejected", "GET", IMPORTERS, url_values=lambda world: {"token": "0" * 32},
         expect={"service": 404, "supervisor": 404, "admin": 404}),
]
