"""Which expenses a user may see: their own submissions (and personal ones made out to them);
supervisors their department's; admins all."""
from sqlalchemy import Select, or_, select

from portal.access.sales import by_id_when_few
from portal.models.auth import User
from portal.models.expenses import Expense


def visible_expenses(user: User) -> Select:
    """Expenses in the user's scope (archived included; lists leave those out themselves)."""
    query = select(Expense)
    if sees_every_expense(user):
        return query
    if user.role == "supervisor":
        return query.where(or_(Expense.department_id == user.department_id, Expense.submitted_by_id == user.id))
    return query.where(or_(Expense.submitted_by_id == user.id, Expense.person_id == user.id))


def visible_expenses_for_list(user: User) -> Select:
    """visible_expenses for a list that pages through a sort: a scope of few rows is listed by id."""
    query = visible_expenses(user)
    return query if sees_every_expense(user) else by_id_when_few(query, Expense.id)


def sees_every_expense(user: User) -> bool:
    return user.role == "admin" or (user.role == "supervisor" and user.department_id is None)
