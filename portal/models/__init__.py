"""All models, imported so Alembic and the app see one metadata. One module per business area."""
from portal.models.audit import AuditEntry
from portal.models.auth import Department, LoginFailure, User
from portal.models.customers import Contact, Customer, StageChange, customer_collaborator
from portal.models.settings import HolidayOverride, Setting

__all__ = [
    "AuditEntry",
    "Contact",
    "Customer",
    "Department",
    "HolidayOverride",
    "LoginFailure",
    "Setting",
    "StageChange",
    "User",
    "customer_collaborator",
]
