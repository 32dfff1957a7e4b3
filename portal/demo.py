"""Demo data for trying the portal out (`make run` seeds it on first start). Not for production."""
import random
from importlib import import_module

from portal.auth.passwords import hash_password
from portal.extensions import db
from portal.models.auth import Department, User

DEMO_PASSWORD = "demo-portal-2026"
DEPARTMENTS = ("销售部", "客服部", "技术部", "市场部")
# (username, display name, role, department); README lists these accounts.
DEMO_USERS = (
    ("admin", "系统管理员", "admin", None),
    ("zhaomin", "赵敏", "supervisor", "销售部"),
    ("sunli", "孙丽", "supervisor", "客服部"),
    ("zhangwei", "张伟", "sales", "销售部"),
    ("lina", "李娜", "sales", "销售部"),
    ("wangfang", "王芳", "service", "客服部"),
    ("liuyang", "刘洋", "tech", "技术部"),
    ("chenjing", "陈静", "marketing", "市场部"),
)
# Each business area adds demo records through a `seed(rng, users, customers=N)` function, in order.
AREA_SEEDERS: tuple[str, ...] = ("portal.customers.demo", "portal.followups.demo", "portal.revisits.demo", "portal.tickets.demo",
                                 "portal.marketing.demo",
                                 "portal.customer_health.demo",)


def seed_users() -> dict[str, User]:
    departments = {name: Department(name=name) for name in DEPARTMENTS}
    db.session.add_all(departments.values())
    password_hash = hash_password(DEMO_PASSWORD)
    users = {
        username: User(
            username=username,
            display_name=display_name,
            role=role,
            department=departments.get(department),
            password_hash=password_hash,
        )
        for username, display_name, role, department in DEMO_USERS
    }
    db.session.add_all(users.values())
    db.session.flush()
    departments["销售部"].head = users["zhaomin"]
    departments["客服部"].head = users["sunli"]
    return users


def seed_demo(customers: int = 60, seed: int = 20261124) -> None:
    """Departments, one account per role, then each area's demo records; one transaction."""
    rng = random.Random(seed)
    users = seed_users()
    for module_name in AREA_SEEDERS:
        import_module(module_name).seed(rng, users, customers=customers)
    db.session.commit()
