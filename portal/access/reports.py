"""Whom a user may report on (考核范围) and which issued reviews they may open."""
from sqlalchemy import Select, select

from portal.models.auth import Department, User
from portal.models.reports import IssuedReview


def reports_company_wide(user: User) -> bool:
    """Admins, and supervisors without a department, review the whole company."""
    return user.role == "admin" or (user.role == "supervisor" and user.department_id is None)


def visible_report_departments(user: User) -> Select:
    """Departments the user may review: all for company-wide reviewers, else their own."""
    query = select(Department).order_by(Department.id)
    if reports_company_wide(user):
        return query
    return query.where(Department.id == user.department_id)


def visible_report_users(user: User) -> Select:
    """Staff the user may review: everyone for company-wide reviewers, else their department's members."""
    query = select(User).order_by(User.department_id, User.id)
    if reports_company_wide(user):
        return query
    return query.where(User.department_id == user.department_id)


def visible_issued_reviews(user: User) -> Select:
    """Issued reviews of the user's department (all for company-wide reviewers)."""
    query = select(IssuedReview)
    if reports_company_wide(user):
        return query
    return query.where(IssuedReview.department_id == user.department_id, IssuedReview.scope_kind != "company")
