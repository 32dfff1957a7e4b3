"""Which revisit tasks, records, plans, questionnaires and spot-checks a user may see."""
from sqlalchemy import Select, false, or_, select

from portal.models.auth import User
from portal.models.revisits import (
    SPOT_CHECK_PENDING,
    Questionnaire,
    RevisitPlan,
    RevisitRecord,
    RevisitTask,
    SpotCheck,
)

# Marketing runs revisit campaigns and analysis over every revisit; admins see everything.
ALL_REVISIT_ROLES = frozenset({"admin", "marketing"})
STAFF_ROLES = frozenset({"service", "tech"})


def department_members(department_id: int) -> Select:
    return select(User.id).where(User.department_id == department_id)


def staff_filter(user: User, column):
    """Rows whose staff column is in the user's reach: all, the department, the team, or none."""
    if user.role in ALL_REVISIT_ROLES or (user.role == "supervisor" and user.department_id is None):
        return None
    if user.role == "supervisor":
        return column.in_(department_members(user.department_id))
    if user.role in STAFF_ROLES:
        if user.department_id is None:
            return column == user.id
        # "Team tasks": the colleagues of the same department.
        return or_(column == user.id, column.in_(department_members(user.department_id)))
    return false()


def visible_revisit_tasks(user: User) -> Select:
    """Tasks assigned to the user or their team; a supervisor's department; everything for marketing/admin."""
    query = select(RevisitTask)
    condition = staff_filter(user, RevisitTask.assignee_id)
    if condition is None:
        return query
    if user.role in STAFF_ROLES or user.role == "supervisor":
        # Unassigned tasks are a shared queue the team can pick up.
        condition = or_(condition, RevisitTask.assignee_id.is_(None))
    return query.where(condition)


def visible_revisit_records(user: User) -> Select:
    """Revisit records written by the user or their team; a supervisor's department; all for marketing/admin."""
    condition = staff_filter(user, RevisitRecord.staff_id)
    query = select(RevisitRecord)
    return query if condition is None else query.where(condition)


def visible_revisit_plans(user: User) -> Select:
    """Plans: every revisit role may read them (they explain where tasks come from)."""
    if user.role not in {"service", "tech", "marketing", "supervisor", "admin"}:
        return select(RevisitPlan).where(false())
    return select(RevisitPlan)


def visible_questionnaires(user: User) -> Select:
    """Questionnaires: readable by every revisit role."""
    if user.role not in {"service", "tech", "marketing", "supervisor", "admin"}:
        return select(Questionnaire).where(false())
    return select(Questionnaire)


def visible_spot_checks(user: User) -> Select:
    """Spot-checks of the department's staff for a supervisor (all for admin / no department); never
    checks of the viewer's own records (nobody checks themself: can_spot_check), so the list shows
    nothing its detail refuses. Those reach the viewer as findings (own_findings)."""
    query = select(SpotCheck).where(SpotCheck.staff_id != user.id)
    if user.role == "admin" or (user.role == "supervisor" and user.department_id is None):
        return query
    if user.role == "supervisor":
        return query.where(SpotCheck.staff_id.in_(department_members(user.department_id)))
    return query.where(false())


def own_findings(user: User) -> Select:
    """Findings on the user's own revisit records (what they must read and acknowledge)."""
    return select(SpotCheck).where(SpotCheck.staff_id == user.id, SpotCheck.result != SPOT_CHECK_PENDING)
