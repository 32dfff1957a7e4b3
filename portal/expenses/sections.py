"""待审批费用 on the supervisor's work list."""
from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.access.expenses import visible_expenses
from portal.extensions import db
from portal.models.auth import User
from portal.models.expenses import Expense
from portal.workbench.sections import WorkItem, WorkSection, register_work_section


@register_work_section(28)
def expenses_to_approve(user: User, today: date) -> WorkSection | None:
    """Pending expenses of the supervisor's department (not their own)."""
    if user.role not in {"supervisor", "admin"}:
        return None
    query = visible_expenses(user).where(Expense.status == "待审批", Expense.submitted_by_id != user.id,
                                         Expense.archived_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    # Rows only when the count found some: with none in the department, the walk in creation order
    # read all 8,135 pending expenses company-wide and kept none (技术部's supervisor: 25 ms).
    rows = db.session.scalars(query.options(joinedload(Expense.submitted_by)).order_by(Expense.created_at)
                              .limit(8)) if total else []
    items = [WorkItem(title=f"{e.submitted_by.display_name} · {_(e.category)} ¥{e.amount:,.2f}",
                      url=url_for("expenses.detail", expense_id=e.id), due=e.spent_on, status_word=_("待审批"),
                      tone="amber", detail=e.description) for e in rows]
    return WorkSection(key="expenses_to_approve", title=_("待审批费用"), total=total, items=items,
                       more_url=url_for("expenses.index", status="待审批"), empty_text=_("没有待审批的费用。"))
