"""Routes of the expenses area: the list (scoped, filtered, with its total), submitting, approving."""
from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.access import get_visible_or_404
from portal.access.customers import visible_customer_ids
from portal.access.expenses import visible_expenses, visible_expenses_for_list
from portal.access.sales import visible_orders
from portal.auth.permissions import can_decide_expense, guard_area
from portal.expenses import forms
from portal.expenses import sections  # noqa: F401  (registers the work-list section)
from portal.extensions import db
from portal.models.customers import Customer
from portal.models.expenses import Expense
from portal.models.sales import Order
from portal.web import paginate, redirect_after_post, render_page_or_fragment

bp = Blueprint("expenses", __name__, url_prefix="/expenses")
guard_area(bp, "expenses")

SORTS = {"spent": Expense.spent_on, "amount": Expense.amount}


def filtered(form):
    query = (visible_expenses_for_list(current_user).where(Expense.archived_at.is_(None))
             .options(joinedload(Expense.submitted_by), joinedload(Expense.customer)))
    for name in ("status", "category", "kind"):
        if getattr(form, name).data:
            query = query.where(getattr(Expense, name) == getattr(form, name).data)
    if form.spent_from.data:
        query = query.where(Expense.spent_on >= form.spent_from.data)
    if form.spent_to.data:
        query = query.where(Expense.spent_on <= form.spent_to.data)
    key = form.sort.data or "-spent"
    column = SORTS.get(key.lstrip("-"), Expense.spent_on)
    return query.order_by(column.desc() if key.startswith("-") else column.asc(), Expense.id.desc())


@bp.get("/")
def index():
    """费用: the user's expenses (supervisors: their department's), filtered, with the approved total."""
    form = forms.ExpenseFilterForm(request.args)
    form.validate()
    query = filtered(form)
    rows = query.order_by(None).where(Expense.status == "已批准").subquery()
    total = db.session.scalar(select(func.coalesce(func.sum(rows.c.amount), 0)))
    return render_page_or_fragment("expenses/index.html", "expenses/_table.html", form=form, page=paginate(query),
                                   approved_total=total, sort=form.sort.data or "-spent")


def linked_records(form) -> tuple[int | None, int | None] | None:
    """Customer and order by code/number, only within the user's scope; None (with a form error) if not found."""
    customer_id = order_id = None
    if form.customer_code.data:
        customer_id = db.session.scalar(select(Customer.id).where(Customer.code == form.customer_code.data.strip(),
                                                                  Customer.id.in_(visible_customer_ids(current_user))))
        if customer_id is None:
            form.customer_code.errors = [*form.customer_code.errors, _("找不到该客户编号")]
            return None
    if form.order_number.data:
        order_id = db.session.scalar(visible_orders(current_user).with_only_columns(Order.id)
                                     .where(Order.number == form.order_number.data.strip()))
        if order_id is None:
            form.order_number.errors = [*form.order_number.errors, _("找不到该订单号")]
            return None
    return customer_id, order_id


@bp.route("/new", methods=["GET", "POST"])
def create():
    """报销/登记费用: waits for the supervisor's approval."""
    form = forms.ExpenseForm()
    if form.validate_on_submit():
        links = linked_records(form)
        if links is not None:
            expense = Expense(kind=form.kind.data, category=form.category.data, channel=form.channel.data,
                              amount=form.amount.data, spent_on=form.spent_on.data,
                              description=form.description.data.strip(), region=(form.region.data or "").strip(),
                              customer_id=links[0], order_id=links[1], activity=(form.activity.data or "").strip(),
                              submitted_by_id=current_user.id, department_id=current_user.department_id,
                              person_id=current_user.id if form.kind.data == "个人费用" else None)
            db.session.add(expense)
            db.session.commit()
            flash(_("费用已提交，等待主管审批"), "success")
            return redirect_after_post(url_for("expenses.detail", expense_id=expense.id))
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("expenses/form.html", "expenses/_form.html", status, form=form)


@bp.get("/<int:expense_id>")
def detail(expense_id: int):
    """One expense, with the approval form for its supervisor."""
    expense = get_visible_or_404(visible_expenses(current_user), expense_id, Expense)
    return render_page_or_fragment("expenses/detail.html", "expenses/_detail.html", expense=expense,
                                   form=forms.DecisionForm(), can_decide=can_decide_expense(current_user, expense))


@bp.post("/<int:expense_id>/decide")
def decide(expense_id: int):
    """审批: the submitter's supervisor (or an admin) approves or rejects a pending expense."""
    expense = get_visible_or_404(visible_expenses(current_user), expense_id, Expense)
    if not can_decide_expense(current_user, expense):
        abort(403)
    form = forms.DecisionForm()
    if form.validate_on_submit():
        expense.decide(form.decision.data == "approve", current_user, (form.note.data or "").strip())
        db.session.commit()
        flash(_("已审批：%(s)s", s=_(expense.status)), "success")
        return redirect_after_post(url_for("expenses.detail", expense_id=expense.id))
    return render_page_or_fragment("expenses/detail.html", "expenses/_detail.html", 422, expense=expense, form=form,
                                   can_decide=True)
