"""Who may use which area and do which record-level action. Views and templates share these."""
from flask import Blueprint, abort, request
from flask_login import current_user

from portal.models.auth import User

ALL_ROLES = frozenset({"sales", "service", "tech", "marketing", "supervisor", "admin"})

# Which roles may open each area at all; record scope is decided by portal.access.
AREA_ROLES: dict[str, frozenset[str]] = {
    "workbench": ALL_ROLES,
    "account": ALL_ROLES,
    "customers": ALL_ROLES,
    "followups": frozenset({"sales", "service", "marketing", "supervisor", "admin"}),
    "revisits": frozenset({"service", "tech", "marketing", "supervisor", "admin"}),
    "spot_checks": frozenset({"supervisor", "admin"}),
    "tickets": frozenset({"sales", "service", "tech", "supervisor", "admin"}),
    "reports": frozenset({"supervisor", "admin"}),
    "audit": frozenset({"supervisor", "admin"}),
    "admin": frozenset({"admin"}),
}

# Left navigation: (area, endpoint, label). Entries whose endpoint is not registered are skipped.
NAVIGATION = (
    ("workbench", "workbench.index", "我的工作台"),
    ("customers", "customers.index", "客户档案"),
    ("followups", "followups.index", "跟进记录"),
    ("revisits", "revisits.index", "回访任务"),
    ("spot_checks", "spot_checks.index", "回访抽查"),
    ("tickets", "tickets.index", "投诉工单"),
    ("reports", "reports.index", "考核报表"),
    ("audit", "audit.index", "操作日志"),
    ("admin", "admin.users", "系统管理"),
)

# Roles that see a customer's phone/email only when the customer is really theirs to work on.
MASKED_CONTACT_ROLES = frozenset({"tech"})


def can_use_area(user: User, area: str) -> bool:
    """Whether the user's role may open this area of the portal."""
    return user.is_authenticated and user.role in AREA_ROLES[area]


def guard_area(blueprint: Blueprint, area: str) -> None:
    """Blueprint-wide guard: the role must be allowed in this area (login is enforced app-wide)."""

    @blueprint.before_request
    def require_area_role():
        if request.endpoint and not can_use_area(current_user, area):
            abort(403)


def is_manager(user: User) -> bool:
    """Supervisors and admins: reassign, hand over, merge, see archived records."""
    return user.role in {"supervisor", "admin"}


def can_see_contact_details(user: User, customer) -> bool:
    """Phone/email in full, or masked for roles that only need to know the customer exists."""
    if user.role not in MASKED_CONTACT_ROLES:
        return True
    return False


def can_edit_customer(user: User, customer) -> bool:
    """Owner, collaborators, service staff and managers edit; marketing and tech only read."""
    if user.role in {"marketing", "tech"}:
        return False
    if user.role == "sales":
        return customer.owner_id == user.id or user in customer.collaborators
    return True


def can_issue_review(user: User, scope) -> bool:
    """签发: admins, and supervisors for their own department's staff (or the company without a department)."""
    if user.role == "admin":
        return True
    if user.role != "supervisor":
        return False
    if user.department_id is None:
        return True
    return scope.kind != "company" and scope.department is not None and scope.department.id == user.department_id


# --- revisits 回访 and spot-checks 抽查 ---
def can_manage_questionnaires(user: User) -> bool:
    """Marketing and admins build and version questionnaires."""
    return user.role in {"marketing", "admin"}


def can_manage_revisit_plans(user: User) -> bool:
    """Marketing, supervisors and admins create plans and generate their tasks."""
    return user.role in {"marketing", "supervisor", "admin"}


def can_view_revisit_analysis(user: User) -> bool:
    """Marketing, supervisors and admins see the revisit analysis."""
    return user.role in {"marketing", "supervisor", "admin"}


def can_do_revisit(user: User, task) -> bool:
    """The assignee (or anyone in a revisit role for an unassigned task) records an attempt on an open task."""
    if not task.is_open or user.role not in {"service", "tech", "supervisor", "admin"}:
        return False
    return task.assignee_id in (None, user.id) or user.role in {"supervisor", "admin"}


def can_spot_check(user: User, record=None) -> bool:
    """Supervisors (their department's staff, via the scoped query) and admins; never the record's author."""
    if user.role not in {"supervisor", "admin"}:
        return False
    return record is None or record.staff_id != user.id


def can_acknowledge_finding(user: User, spot_check) -> bool:
    """Only the checked staff member acknowledges a finding, once it is marked."""
    return spot_check.staff_id == user.id and spot_check.needs_acknowledgement
