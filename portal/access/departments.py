"""What a department's staff may see decides what its supervisor sees: at least as much (DESIGN.md
"Who uses it": a supervisor sees everything in their department)."""
from flask import g, has_app_context
from sqlalchemy import select

from portal.extensions import db
from portal.models.auth import User


def department_roles(department_id: int) -> frozenset[str]:
    """Roles of the department's active staff (supervisors aside), read once per request."""
    cache = g.setdefault("department_roles", {}) if has_app_context() else {}
    if department_id not in cache:
        query = select(User.role).where(User.department_id == department_id, User.is_active_user.is_(True),
                                        User.role != "supervisor").distinct()
        cache[department_id] = frozenset(db.session.scalars(query))
    return cache[department_id]


def department_members(department_id: int):
    return select(User.id).where(User.department_id == department_id)
