"""Routes of the sales area: 商机 and the funnel, quotes and their approval, the price list, orders
with payment plans, payments, refunds and invoices, and the receivables ageing table.

Each endpoint belongs to one sub-area of AREA_ROLES (ENDPOINT_AREAS), checked by one blueprint guard;
records load through portal.access.sales (out of scope = 404); record actions are named predicates."""

from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.access import get_visible_or_404
from portal.access import sales as access
from portal.access.customers import visible_customers
from portal.auth.permissions import (
    can_approve_quote, can_cancel_order, can_name_after_sales_owner, can_manage_order, can_manage_products, can_see_order_amounts, can_sell_to,
    can_use_area, can_work_opportunity,
)
from portal.extensions import db
from portal.models.customers import Customer
from portal.models.sales import IllegalTransition, Invoice, Opportunity, Order, Product, Quote
from portal.reports.periods import Period
from portal.sales import forms, movers, queries, sections, services  # noqa: F401  (sections, movers register)
from portal.web import paginate, redirect_after_post, render_page_or_fragment

bp = Blueprint("sales", __name__, url_prefix="/sales")

ENDPOINT_AREAS = {
    "opportunities": "opportunities", "funnel": "opportunities", "opportunity_create": "opportunities",
    "opportunity": "opportunities", "opportunity_edit": "opportunities", "opportunity_stage": "opportunities",
    "opportunity_win": "opportunities", "opportunity_lose": "opportunities", "quote_create": "opportunities",
    "customer_quote_create": "opportunities",
    "quote_decide": "opportunities",
    "quote": "customers",
    "products": "products", "product_create": "products", "product_edit": "products",
    "orders": "orders", "order": "orders", "order_plan": "orders", "payment_create": "orders",
    "refund_create": "orders", "invoice_create": "orders", "invoice_void": "orders", "order_cancel": "orders",
    "order_complete": "orders", "order_edit": "orders",
    "receivables": "receivables",
    "after_sales_owner": "aftersales",
    "statements": "statements", "product_sheet": "statements", "product_sheet_xlsx": "statements",
    "product_sheet_pdf": "statements", "targets": "targets",
}


@bp.before_request
def require_area_role():
    endpoint = (request.endpoint or "").split(".")[-1]
    if request.endpoint and not can_use_area(current_user, ENDPOINT_AREAS[endpoint]):
        abort(403)


@bp.app_context_processor
def sales_template_helpers():
    return {"sales_section": lambda customer: queries.customer_sales(current_user, customer),
            "can_see_order_amounts": can_see_order_amounts, "can_sell_to": can_sell_to,
            "can_name_after_sales_owner": can_name_after_sales_owner}


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def status_of(form) -> int:
    return 422 if form.is_submitted() else 200


def load_opportunity(opportunity_id: int) -> Opportunity:
    return get_visible_or_404(access.visible_opportunities(current_user), opportunity_id, Opportunity)


def load_order(order_id: int) -> Order:
    return get_visible_or_404(access.visible_orders(current_user), order_id, Order)


def customer_page(customer_id: int) -> str:
    return url_for("customers.detail", customer_id=customer_id)


# --- 商机 -----------------------------------------------------------------------------------------

@bp.get("/opportunities/")
def opportunities():
    """商机: the user's scope, filtered by stage, owner, close dates and name; sortable, paged."""
    form = forms.OpportunityFilterForm(request.args)
    form.owner_id.choices = queries.seller_choices(current_user)
    form.validate()
    page = paginate(queries.filtered_opportunities(current_user, form))
    return render_page_or_fragment("sales/opportunities.html", "sales/_opportunity_table.html", form=form, page=page,
                                   sort=form.sort.data or "-updated")


@bp.get("/funnel")
def funnel():
    """销售漏斗 of the opportunities created in a year or one of its quarters: stages as columns of counts
    and amounts, conversion, 丢单率, days to win, loss reasons."""
    year = min(max(request.args.get("year", clock.today().year, type=int), 2000), 2100)
    quarter = request.args.get("quarter", 0, type=int)
    quarter = quarter if 1 <= quarter <= 4 else 0
    period = Period.of("quarter", year, quarter) if quarter else Period.of("year", year)
    view = queries.funnel_view(current_user, period.start, period.end)
    return render_page_or_fragment("sales/funnel.html", "sales/_funnel.html", view=view, year=year, quarter=quarter)


@bp.route("/customers/<int:customer_id>/opportunities/new", methods=["GET", "POST"])
def opportunity_create(customer_id: int):
    """新建商机 on a customer the user sells to (its owner or a collaborator; managers)."""
    customer = get_visible_or_404(visible_customers(current_user), customer_id, Customer)
    require(can_sell_to(current_user, customer))
    form = forms.OpportunityForm()
    if form.validate_on_submit():
        owner = customer.owner if current_user.role != "sales" and customer.owner else current_user
        opportunity = services.create_opportunity(customer, owner, form.opportunity_data(), current_user)
        db.session.commit()
        flash(_("商机已创建"), "success")
        return redirect_after_post(url_for("sales.opportunity", opportunity_id=opportunity.id))
    return render_page_or_fragment("sales/opportunity_form.html", "sales/_opportunity_form.html", status_of(form),
                                   form=form, customer=customer, opportunity=None)


@bp.get("/opportunities/<int:opportunity_id>")
def opportunity(opportunity_id: int):
    """An opportunity: stage history, quotes, next step, competitors; actions for its sellers."""
    from portal.marketing.queries import named_competitors

    record = load_opportunity(opportunity_id)
    order = db.session.scalar(access.visible_orders(current_user).where(Order.opportunity_id == record.id))
    return render_page_or_fragment(
        "sales/opportunity.html", "sales/_opportunity.html", opportunity=record,
        history=queries.opportunity_history(record), quotes=queries.opportunity_quotes(record), order=order,
        stage_form=forms.StageForm(stage=record.stage if record.is_open else None),
        can_work=can_work_opportunity(current_user, record), competitors=named_competitors(record.competitors))


@bp.route("/opportunities/<int:opportunity_id>/edit", methods=["GET", "POST"])
def opportunity_edit(opportunity_id: int):
    """Edit name, amount, close date, competitors and next step (version-checked)."""
    record = load_opportunity(opportunity_id)
    require(can_work_opportunity(current_user, record))
    form = forms.OpportunityForm(obj=record)
    if form.validate_on_submit():
        if str(record.version) != form.version.data:
            form.form_errors.append(_("该商机已被其他人修改，请刷新后重试"))
            return render_page_or_fragment("sales/opportunity_form.html", "sales/_opportunity_form.html", 409,
                                           form=form, customer=record.customer, opportunity=record)
        for name, value in form.opportunity_data().items():
            setattr(record, name, value)
        db.session.commit()
        flash(_("商机已更新"), "success")
        return redirect_after_post(url_for("sales.opportunity", opportunity_id=record.id))
    return render_page_or_fragment("sales/opportunity_form.html", "sales/_opportunity_form.html", status_of(form),
                                   form=form, customer=record.customer, opportunity=record)


@bp.post("/opportunities/<int:opportunity_id>/stage")
def opportunity_stage(opportunity_id: int):
    """推进/回退 between open stages; the history keeps the date."""
    record = load_opportunity(opportunity_id)
    require(can_work_opportunity(current_user, record))
    form = forms.StageForm()
    if form.validate_on_submit():
        try:
            services.move_opportunity(record, form.stage.data, current_user)
        except IllegalTransition as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("阶段已更新为 %(s)s", s=_(record.stage)), "success")
        return redirect_after_post(url_for("sales.opportunity", opportunity_id=record.id))
    flash(_("请选择阶段"), "error")
    return redirect_after_post(url_for("sales.opportunity", opportunity_id=record.id))


@bp.route("/opportunities/<int:opportunity_id>/win", methods=["GET", "POST"])
def opportunity_win(opportunity_id: int):
    """赢单 → 订单 in one step (lines from the latest valid quote, else the expected amount)."""
    record = load_opportunity(opportunity_id)
    require(can_work_opportunity(current_user, record))
    form = forms.WinForm()
    if form.validate_on_submit():
        try:
            order = services.win_opportunity(record, current_user, form.signed_on.data)
        except services.Refused as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已赢单，订单 %(n)s 已生成", n=order.number), "success")
            return redirect_after_post(url_for("sales.order", order_id=order.id))
    return render_page_or_fragment("sales/win.html", "sales/_win_form.html", status_of(form), form=form,
                                   opportunity=record, pending=[q for q in queries.opportunity_quotes(record)
                                                                if q.status == "待审批"])


@bp.route("/opportunities/<int:opportunity_id>/lose", methods=["GET", "POST"])
def opportunity_lose(opportunity_id: int):
    """输单: a reason (价格/功能/竞品/关系/时机/其他) and, if known, the competitor that won."""
    record = load_opportunity(opportunity_id)
    require(can_work_opportunity(current_user, record))
    form = forms.LoseForm()
    if form.validate_on_submit():
        services.lose_opportunity(record, form.loss_reason.data, form.lost_to.data or "", current_user)
        db.session.commit()
        flash(_("已记录输单"), "success")
        return redirect_after_post(url_for("sales.opportunity", opportunity_id=record.id))
    from portal.marketing.queries import competitor_names

    return render_page_or_fragment("sales/lose.html", "sales/_lose_form.html", status_of(form), form=form,
                                   opportunity=record, competitor_names=competitor_names())


# --- 报价 -------------------------------------------------------------------------------------------

@bp.route("/opportunities/<int:opportunity_id>/quotes/new", methods=["GET", "POST"])
def quote_create(opportunity_id: int):
    """新建报价 for an opportunity; a quote moves an early opportunity to 方案报价."""
    record = load_opportunity(opportunity_id)
    require(can_work_opportunity(current_user, record))
    return quote_form_page(record.customer, record, url_for("sales.quote_create", opportunity_id=record.id))


@bp.route("/customers/<int:customer_id>/quotes/new", methods=["GET", "POST"])
def customer_quote_create(customer_id: int):
    """新建报价 straight from a customer (a price asked for before any opportunity is opened)."""
    customer = get_visible_or_404(visible_customers(current_user), customer_id, Customer)
    require(can_sell_to(current_user, customer))
    return quote_form_page(customer, None, url_for("sales.customer_quote_create", customer_id=customer.id))


def quote_form_page(customer: Customer, opportunity: Opportunity | None, action: str):
    """The quote form and its saving, from the price list; a line below floor waits for a supervisor."""
    form = forms.QuoteForm(products=queries.active_products())
    if form.validate_on_submit():
        lines = [services.LineInput(form.products[line.product_id.data], str(form.products[line.product_id.data]),
                                    line.quantity.data, line.unit_price.data, line.discount.data or 0)
                 for line in (entry.form for entry in form.lines) if not line.is_blank()]
        quote = services.create_quote(customer, opportunity, current_user, lines, (form.note.data or "").strip())
        if opportunity is not None and opportunity.stage in ("初步接洽", "需求确认"):
            services.move_opportunity(opportunity, "方案报价", current_user)
        db.session.commit()
        flash(_("报价已提交主管审批（含低于底价的行）") if quote.status == "待审批" else _("报价已生成"), "success")
        return redirect_after_post(url_for("sales.quote", quote_id=quote.id))
    return render_page_or_fragment("sales/quote_form.html", "sales/_quote_form.html", status_of(form), form=form,
                                   customer=customer, opportunity=opportunity, action=action)


@bp.get("/quotes/<int:quote_id>")
def quote(quote_id: int):
    """A quote, for everyone who may see its customer."""
    record = get_visible_or_404(access.visible_quotes(current_user), quote_id, Quote)
    return render_page_or_fragment("sales/quote.html", "sales/_quote.html", quote=record,
                                   decision_form=forms.DecisionForm(), can_decide=can_approve_quote(current_user, record))


@bp.route("/quotes/<int:quote_id>/decide", methods=["GET", "POST"])
def quote_decide(quote_id: int):
    """审批: a supervisor approves or rejects a quote below floor price."""
    record = get_visible_or_404(access.approvable_quotes(current_user), quote_id, Quote)
    require(can_approve_quote(current_user, record))
    form = forms.DecisionForm()
    if form.validate_on_submit():
        services.decide_quote(record, form.decision.data == "approve", current_user, form.note.data or "")
        db.session.commit()
        flash(_("已审批：%(s)s", s=_(record.status)), "success")
        return redirect_after_post(url_for("sales.quote", quote_id=record.id))
    return render_page_or_fragment("sales/quote.html", "sales/_quote.html", status_of(form), quote=record,
                                   decision_form=form, can_decide=True)


# --- 产品与价格表 ------------------------------------------------------------------------------------

@bp.get("/products/")
def products():
    """价格表: products with versions, standard and floor prices, unit cost (supervisors, admins)."""
    from sqlalchemy import select

    query = select(Product).where(Product.archived_at.is_(None)).order_by(Product.status, Product.name, Product.id)
    return render_page_or_fragment("sales/products.html", "sales/_product_table.html", page=paginate(query))


@bp.route("/products/new", methods=["GET", "POST"])
def product_create():
    """新增产品."""
    require(can_manage_products(current_user))
    form = forms.ProductForm()
    if form.validate_on_submit():
        services.save_product(None, form.product_data())
        db.session.commit()
        flash(_("产品已保存"), "success")
        return redirect_after_post(url_for("sales.products"))
    return render_page_or_fragment("sales/product_form.html", "sales/_product_form.html", status_of(form), form=form,
                                   product=None)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
def product_edit(product_id: int):
    """Edit a product's prices, cost, status or materials (version-checked)."""
    require(can_manage_products(current_user))
    product = db.session.get(Product, product_id) or abort(404)
    form = forms.ProductForm(obj=product)
    if form.validate_on_submit():
        if str(product.version) != form.version.data:
            form.form_errors.append(_("该产品已被其他人修改，请刷新后重试"))
            return render_page_or_fragment("sales/product_form.html", "sales/_product_form.html", 409, form=form,
                                           product=product)
        services.save_product(product, form.product_data())
        db.session.commit()
        flash(_("产品已保存"), "success")
        return redirect_after_post(url_for("sales.products"))
    return render_page_or_fragment("sales/product_form.html", "sales/_product_form.html", status_of(form), form=form,
                                   product=product)


# --- 订单 -------------------------------------------------------------------------------------------

@bp.get("/orders/")
def orders():
    """订单: the user's scope with filters and totals (amounts masked where the role may not see them)."""
    form = forms.OrderFilterForm(request.args)
    form.owner_id.choices = queries.seller_choices(current_user)
    form.validate()
    query = queries.filtered_orders(current_user, form)
    show = can_see_order_amounts(current_user)
    # Totals of a filtered list only: unfiltered, they are the whole scope's (销售统计 has those), and
    # summing 60,000 orders on every first page would cost more than the page itself.
    filtered = any(getattr(form, name).data for name in ("q", "status", "owner_id", "signed_from", "signed_to", "receivable"))
    return render_page_or_fragment("sales/orders.html", "sales/_order_table.html", form=form, page=paginate(query),
                                   totals=queries.order_totals(queries.filtered_orders(current_user, form, for_totals=True))
                                   if show and filtered else None, show_amounts=show,
                                   sort=form.sort.data or "-signed")


@bp.get("/orders/<int:order_id>")
def order(order_id: int):
    """An order: lines, totals, gross profit, status, payment plan, payments with the running receivable, invoices."""
    record = load_order(order_id)
    from sqlalchemy import select

    invoices = list(db.session.scalars(select(Invoice).where(Invoice.order_id == record.id)
                                       .order_by(Invoice.issued_on, Invoice.id)))
    return render_page_or_fragment(
        "sales/order.html", "sales/_order.html", order=record, payments=queries.order_payments(record),
        invoices=invoices, show_amounts=can_see_order_amounts(current_user), today=clock.today(),
        can_manage=can_manage_order(current_user, record), can_cancel=can_cancel_order(current_user, record))


@bp.route("/orders/<int:order_id>/edit", methods=["GET", "POST"])
def order_edit(order_id: int):
    """修改订单明细: refused with a clear message if the total would fall below received or invoiced."""
    from sqlalchemy.orm.exc import StaleDataError

    record = load_order(order_id)
    require(can_manage_order(current_user, record))
    form = forms.OrderEditForm()
    if request.method == "GET":
        form = forms.OrderEditForm(data={"version": str(record.version), "note": record.note, "lines": [
            {"product_name": line.product_name, "quantity": line.quantity, "unit_price": line.unit_price,
             "discount": line.discount} for line in record.lines] + [{}]})
    elif form.validate_on_submit():
        lines = [services.LineInput(None, line.product_name.data.strip(), line.quantity.data, line.unit_price.data,
                                    line.discount.data or 0) for line in form.filled_lines()]
        try:
            if str(record.version) != form.version.data:
                raise services.Outdated(_("订单已被其他人修改（例如刚登记了回款），请刷新后重试"))
            services.edit_order_lines(record, lines, (form.note.data or "").strip())
            db.session.commit()
        except (services.Refused, StaleDataError) as error:
            db.session.rollback()
            message = str(error) if isinstance(error, services.Refused) else _("订单已被其他人修改，请刷新后重试")
            form.form_errors.append(message)
            return render_page_or_fragment("sales/order_form.html", "sales/_order_form.html", 409 if
                                           isinstance(error, (StaleDataError, services.Outdated)) else 422,
                                           form=form, order=record)
        flash(_("订单已修改"), "success")
        return redirect_after_post(url_for("sales.order", order_id=record.id))
    return render_page_or_fragment("sales/order_form.html", "sales/_order_form.html", status_of(form), form=form,
                                   order=record)


@bp.route("/orders/<int:order_id>/plan", methods=["GET", "POST"])
def order_plan(order_id: int):
    """回款计划: instalments with due dates adding up to the order total."""
    record = load_order(order_id)
    require(can_manage_order(current_user, record))
    form = forms.PlanForm()
    if request.method == "GET":
        for entry, instalment in zip(form.instalments, record.instalments):
            entry.form.due_on.data, entry.form.amount.data = instalment.due_on, instalment.amount
            entry.form.note.data = instalment.note
        form.version.data = str(record.version)
    if form.validate_on_submit():
        try:
            if str(record.version) != form.version.data:
                raise services.Outdated(_("订单已被其他人修改，请刷新后重试"))
            services.set_payment_plan(record, form.plan_rows())
        except services.Refused as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("回款计划已保存"), "success")
            return redirect_after_post(url_for("sales.order", order_id=record.id))
    return render_page_or_fragment("sales/plan_form.html", "sales/_plan_form.html", status_of(form), form=form,
                                   order=record)


def money_form_page(record: Order, form, kind: str):
    return render_page_or_fragment("sales/money_form.html", "sales/_money_form.html", status_of(form), form=form,
                                   order=record, kind=kind)


@bp.route("/orders/<int:order_id>/payments/new", methods=["GET", "POST"])
def payment_create(order_id: int):
    """登记回款: never more than the receivable; a double submit (same token) records one payment."""
    record = load_order(order_id)
    require(can_manage_order(current_user, record))
    form = forms.PaymentForm()
    if form.validate_on_submit():
        try:
            payment = services.record_payment(record, form.amount.data, form.paid_on.data, form.method.data,
                                              (form.note.data or "").strip(), form.token.data, current_user)
        except services.Refused as error:
            db.session.rollback()
            form.amount.errors = [*form.amount.errors, str(error)]
        else:
            db.session.commit()
            flash(_("回款已登记") if payment else _("该回款已登记过，重复提交未重复记录"), "success")
            return redirect_after_post(url_for("sales.order", order_id=record.id))
    return money_form_page(record, form, "payment")


@bp.route("/orders/<int:order_id>/refunds/new", methods=["GET", "POST"])
def refund_create(order_id: int):
    """登记退款 (at most what was received); needed before cancelling an order with payments."""
    record = load_order(order_id)
    require(can_manage_order(current_user, record))
    form = forms.RefundForm()
    if form.validate_on_submit():
        try:
            refund = services.record_payment(record, form.amount.data, form.paid_on.data, form.method.data,
                                             form.note.data.strip(), form.token.data, current_user, kind="退款")
        except services.Refused as error:
            db.session.rollback()
            form.amount.errors = [*form.amount.errors, str(error)]
        else:
            db.session.commit()
            flash(_("退款已登记") if refund else _("该退款已登记过，重复提交未重复记录"), "success")
            return redirect_after_post(url_for("sales.order", order_id=record.id))
    return money_form_page(record, form, "refund")


@bp.route("/orders/<int:order_id>/invoices/new", methods=["GET", "POST"])
def invoice_create(order_id: int):
    """开票: invoiced never exceeds the order total; a double submit records one invoice."""
    record = load_order(order_id)
    require(can_manage_order(current_user, record))
    form = forms.InvoiceForm()
    if form.validate_on_submit():
        try:
            invoice = services.issue_invoice(record, form.number.data.strip(), form.kind.data, form.amount.data,
                                             form.issued_on.data, form.token.data)
        except services.Refused as error:
            db.session.rollback()
            form.amount.errors = [*form.amount.errors, str(error)]
        else:
            db.session.commit()
            flash(_("发票已登记") if invoice else _("该发票已登记过，重复提交未重复记录"), "success")
            return redirect_after_post(url_for("sales.order", order_id=record.id))
    return money_form_page(record, form, "invoice")


@bp.post("/invoices/<int:invoice_id>/void")
def invoice_void(invoice_id: int):
    """作废发票 (kept on file; its amount leaves the invoiced figure)."""
    invoice = get_visible_or_404(access.visible_invoices(current_user), invoice_id, Invoice)
    require(can_manage_order(current_user, invoice.order))
    try:
        services.void_invoice(invoice)
    except IllegalTransition as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("发票已作废"), "success")
    return redirect_after_post(url_for("sales.order", order_id=invoice.order_id))


@bp.post("/orders/<int:order_id>/cancel")
def order_cancel(order_id: int):
    """取消订单: only with nothing received (record a refund first)."""
    record = load_order(order_id)
    require(can_cancel_order(current_user, record))
    try:
        services.cancel_order(record)
    except IllegalTransition as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("订单已取消"), "success")
    return redirect_after_post(url_for("sales.order", order_id=order_id))


@bp.post("/orders/<int:order_id>/complete")
def order_complete(order_id: int):
    """完成订单."""
    record = load_order(order_id)
    require(can_cancel_order(current_user, record))
    services.complete_order(record)
    db.session.commit()
    flash(_("订单已完成"), "success")
    return redirect_after_post(url_for("sales.order", order_id=order_id))


# --- 应收账款 ----------------------------------------------------------------------------------------

@bp.get("/receivables")
def receivables():
    """应收账款: ageing per rep and per customer (未到期/1–30/31–60/61–90/90+ days overdue)."""
    today = clock.today()
    return render_page_or_fragment(
        "sales/receivables.html", "sales/_receivables.html", today=today,
        by_rep=queries.ageing_by_rep(current_user, today),
        by_customer=queries.ageing_by_customer(current_user, today), customer_rows=queries.CUSTOMER_AGEING_ROWS,
        buckets=queries.ageing.BUCKETS)


# The after-sales handover, 销售统计, the product sheet and targets live in statement_routes (same blueprint).
from portal.sales import statement_routes  # noqa: E402,F401
