"""Which expenses a user may see: their own submissions (and personal ones made out to them);
supervisors their department's; admins all."""
from sqlalchemy import Select, or_, select

from portal.models.auth import User
from portal.models.expenses import Expense


def visible_expenses(user: User) -> Select:
    """Expenses in the user's scope (archived included; lists leave those out themselves)."""
    query = select(Expense)
    if user.role == "admin" or (user.role == "supervisor" and user.department_id is None):
        return query
    if user.role == "supervisor":
        return query.where(or_(Expense.department_id == user.department_id, Expense.submitted_by_id == user.id))
    return query.where(or_(Expense.submitted_by_id == user.id, Expense.person_id == user.id))
