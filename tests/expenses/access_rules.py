"""Role × route rows of the expenses area. The expense is the spare rep's (销售部): out of scope for
m_sales (404), in the supervisor's department."""
from datetime import date
from decimal import Decimal

from tests.access import Rule

EXPENSE_ROLES = frozenset({"sales", "marketing", "supervisor", "admin"})


def expense_args(world):
    from portal.extensions import db
    from portal.models.expenses import Expense

    def build():
        expense = Expense(kind="个人费用", category="差旅", channel="直销", amount=Decimal("300"),
                          spent_on=date(2026, 11, 20), description="拜访客户差旅", submitted_by_id=world.spare_user.id,
                          person_id=world.spare_user.id, department_id=world.spare_user.department_id)
        db.session.add(expense)
        db.session.commit()
        return expense.id

    return {"expense_id": world.once("expense", build)}


RULES = [
    Rule("expenses.index", "GET", EXPENSE_ROLES),
    Rule("expenses.create", "GET", EXPENSE_ROLES),
    Rule("expenses.create", "POST", EXPENSE_ROLES),
    Rule("expenses.detail", "GET", EXPENSE_ROLES, url_values=expense_args, expect={"sales": 404, "marketing": 404}),
    Rule("expenses.decide", "POST", EXPENSE_ROLES, url_values=expense_args, expect={"sales": 404, "marketing": 404}),
]
