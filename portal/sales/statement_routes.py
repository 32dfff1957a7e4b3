"""More routes of the sales blueprint: the after-sales handover 成交客户跟踪, 销售统计, the monthly
product sheet (web/.xlsx/PDF) and monthly targets. Kept apart so routes.py stays readable."""
from datetime import date

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.auth.permissions import can_name_after_sales_owner, can_set_targets
from portal.extensions import db
from portal.models.auth import User
from portal.models.sales import AfterSalesHandover
from portal.sales import forms, queries, services
from portal.sales import statements as sales_statements
from portal.sales import targets as targets_service
from portal.sales.routes import bp, require, status_of
from portal.web import redirect_after_post, render_page_or_fragment


def customer_page(customer_id: int) -> str:
    return url_for("customers.detail", customer_id=customer_id)


# --- 成交客户跟踪 ------------------------------------------------------------------------------------

@bp.route("/customers/<int:customer_id>/after-sales", methods=["GET", "POST"])
def after_sales_owner(customer_id: int):
    """指定售后跟踪责任人 from 客服部 after the first order; the after-sales revisits follow them."""
    require(can_name_after_sales_owner(current_user))
    # The service supervisor's scope here is every customer handed over to 客服 (its department owns none).
    handover = db.session.get(AfterSalesHandover, customer_id) or abort(404)
    customer = handover.customer
    form = forms.AfterSalesOwnerForm(owner_id=str(handover.owner_id or ""))
    form.owner_id.choices = [("", _("请选择"))] + queries.service_staff_choices()
    if form.validate_on_submit():
        owner = db.session.get(User, int(form.owner_id.data)) if form.owner_id.data.isdigit() else None
        try:
            if owner is None:
                raise services.Refused(_("请选择售后跟踪责任人"))
            services.name_after_sales_owner(handover, owner, current_user)
        except services.Refused as error:
            db.session.rollback()
            form.owner_id.errors = [*form.owner_id.errors, str(error)]
        else:
            db.session.commit()
            flash(_("已指定售后跟踪责任人：%(n)s", n=owner.display_name), "success")
            return redirect_after_post(customer_page(customer.id))
    return render_page_or_fragment("sales/after_sales_form.html", "sales/_after_sales_form.html", status_of(form),
                                   form=form, customer=customer, handover=handover)


# --- 销售统计, the monthly product sheet and targets ---------------------------------------------------

def month_bounds(today: date) -> tuple[date, date]:
    start = today.replace(day=1)
    return start, (start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1))


@bp.get("/statements")
def statements():
    """销售统计: 销售金额, 回款额, 应收款, 发票金额, 费用, 毛利 per rep or customer for a period (marketing: totals)."""
    from datetime import timedelta

    form = forms.StatementForm(request.args)
    form.validate()
    default_start, default_end = month_bounds(clock.today())
    start = form.start.data or default_start
    end = (form.end.data + timedelta(days=1)) if form.end.data else default_end
    result = sales_statements.statement(current_user, start, max(end, start), form.group.data or "rep")
    return render_page_or_fragment("sales/statements.html", "sales/_statement.html", form=form, result=result,
                                   start=start, end=end - timedelta(days=1), labels=sales_statements.MEASURE_LABELS,
                                   measures=sales_statements.MEASURES)


def sheet_args() -> tuple[int, int]:
    today = clock.today()
    year = min(max(request.args.get("year", today.year, type=int), 2000), 2100)
    half = request.args.get("half", 1 if today.month <= 6 else 2, type=int)
    return year, 1 if half != 2 else 2


@bp.get("/product-sheet")
def product_sheet():
    """产品销售月报: 产品名称 · 数量 · 金额 · 利润 per month of a half-year, with 合计."""
    sheet = sales_statements.product_sheet(current_user, *sheet_args())
    return render_page_or_fragment("sales/product_sheet.html", "sales/_product_sheet.html", sheet=sheet)


@bp.get("/product-sheet.xlsx")
def product_sheet_xlsx():
    """The same sheet as .xlsx (same query, same figures)."""
    from portal.audit import record_sensitive_read
    from portal.sales.exports import product_sheet_workbook
    from portal.spreadsheets import xlsx_response

    sheet = sales_statements.product_sheet(current_user, *sheet_args())
    record_sensitive_read("ProductSheet", f"{sheet.year}H{sheet.half}", f"导出{sheet.log_title}")
    return xlsx_response(product_sheet_workbook(sheet), f"product-sheet-{sheet.year}-H{sheet.half}.xlsx")


@bp.get("/product-sheet.pdf")
def product_sheet_pdf():
    """The same sheet as PDF (A4 landscape, the web fragment's table)."""
    from portal import pdf
    from portal.audit import record_sensitive_read
    from portal.reports.services import pdf_response

    sheet = sales_statements.product_sheet(current_user, *sheet_args())
    record_sensitive_read("ProductSheet", f"{sheet.year}H{sheet.half}", f"打印{sheet.log_title}")
    document = pdf.render_pdf("pdf/product_sheet.html", sheet=sheet, generated_at=clock.now(), printed_by=current_user)
    return pdf_response(document, f"{sheet.title}.pdf")


def month_arg() -> date:
    """The month asked for (YYYY-MM, in the query or the form), else this month."""
    text = request.values.get("month", "")
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return clock.today().replace(day=1)


@bp.route("/targets", methods=["GET", "POST"])
def targets():
    """销售目标: monthly target per rep (set by the supervisor) with the month's actual and 目标完成率."""
    first = month_arg()
    if request.method == "POST":
        require(can_set_targets(current_user))
        try:
            saved = targets_service.save_targets(current_user, first, request.form)
        except services.Refused as error:
            db.session.rollback()
            flash(str(error), "error")
            return render_page_or_fragment("sales/targets.html", "sales/_targets.html", 422, month=first,
                                           rows=targets_service.target_rows(current_user, first), can_edit=True)
        db.session.commit()
        flash(_("已保存 %(n)s 位业务员的目标", n=saved), "success")
        return redirect_after_post(url_for("sales.targets", month=first.strftime("%Y-%m")))
    return render_page_or_fragment("sales/targets.html", "sales/_targets.html", month=first,
                                   rows=targets_service.target_rows(current_user, first),
                                   can_edit=can_set_targets(current_user))
