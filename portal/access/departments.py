"""What a department's staff may see decides what its supervisor sees: at least as much (DESIGN.md
"Who uses it": a supervisor sees everything in their department)."""
from sqlalchemy import select

from portal.extensions import db
from portal.models.auth import User


def department_roles(department_id: int) -> frozenset[str]:
    """Roles of the department's active staff (supervisors aside): one small indexed query per scope
    built, not cached, so a role change or deactivation takes effect at once (SECURITY.md #6)."""
    query = select(User.role).where(User.department_id == department_id, User.is_active_user.is_(True),
                                    User.role != "supervisor").distinct()
    return frozenset(db.session.scalars(query))


def department_members(department_id: int):
    return select(User.id).where(User.department_id == department_id)
