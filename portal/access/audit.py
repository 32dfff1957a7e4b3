"""Which audit entries a user may browse."""
from sqlalchemy import Select, select

from portal.models.audit import AuditEntry
from portal.models.auth import User


def visible_audit_entries(user: User) -> Select:
    """Admins (and supervisors without a department) see every entry; a supervisor, their members'."""
    query = select(AuditEntry)
    if user.role == "supervisor" and user.department_id is not None:
        members = select(User.id).where(User.department_id == user.department_id)
        query = query.where(AuditEntry.user_id.in_(members))
    return query
