"""Routes of the followups area: the follow-up list and export, inline recording on the customer
page and edits within the window (deals became orders: portal.sales)."""

from flask import Blueprint, abort, current_app, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook

from portal import clock
from portal.access import get_visible_or_404
from portal.access.customers import visible_customers
from portal.access.followups import visible_followups
from portal.audit import record_sensitive_read
from portal.auth.permissions import can_edit_followup, can_record_followup, guard_area
from portal.extensions import db, htmx
from portal.followups import queries, services, timeline  # noqa: F401  (timeline registers its source)
from portal.i18n import N_
from portal.followups.forms import EditFollowUpForm, FollowUpFilterForm, FollowUpForm
from portal.models.customers import Customer
from portal.models.followups import FollowUp
from portal.spreadsheets import safe_cell, xlsx_response
from portal.timeline import customer_timeline
from portal.web import paginate, redirect_after_post, render_page_or_fragment
from portal.workbench import rows

bp = Blueprint("followups", __name__, url_prefix="/followups")
guard_area(bp, "followups")

EXPORT_COLUMNS = (N_("联系时间"), N_("记录时间"), N_("及时性"), N_("客户编号"), N_("客户名称"), N_("跟进人"), N_("方式"),
                  N_("参与人员"), N_("沟通内容"), N_("跟进结果"), N_("下一步行动"), N_("下一步日期"))


def customer_url(customer: Customer) -> str:
    """The customer's page (the customers area), or this area's section page until it exists."""
    if "customers.detail" in current_app.view_functions:
        return url_for("customers.detail", customer_id=customer.id)
    return url_for("followups.customer_section", customer_id=customer.id)


def section_context(customer: Customer) -> dict:
    """What templates/followups/_customer_section.html needs about one customer (two queries)."""
    return {
        "followups": queries.customer_followups(current_user, customer),
        "can_record": can_record_followup(current_user, customer),
        "today": clock.today(),
    }


@bp.app_context_processor
def followup_template_helpers():
    return {
        "followup_section": section_context,
        "customer_url": customer_url,
        "can_edit_followup": can_edit_followup,
        "can_record_followup": can_record_followup,
    }


def load_customer(customer_id: int) -> Customer:
    return get_visible_or_404(visible_customers(current_user), customer_id, Customer)


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def list_context() -> dict:
    form = FollowUpFilterForm(request.args, authors=queries.author_choices(current_user))
    filters = queries.filter_values(form)
    return {"form": form, "filters": filters, "page": paginate(queries.filtered_followups(current_user, filters))}


@bp.get("/")
def index():
    """跟进记录: follow-ups in the user's scope, filterable by person, method, dates, customer, timeliness."""
    return render_page_or_fragment("followups/index.html", "followups/_table.html", **list_context())


@bp.get("/export.xlsx")
def export():
    """The filtered follow-up list as .xlsx (scoped like the list; logged as a sensitive read)."""
    form = FollowUpFilterForm(request.args, authors=queries.author_choices(current_user))
    filters = queries.filter_values(form)
    rows = db.session.scalars(queries.filtered_followups(current_user, filters).limit(queries.EXPORT_LIMIT)).all()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("跟进记录"))
    sheet.append([_(header) for header in EXPORT_COLUMNS])
    for f in rows:
        sheet.append([safe_cell(v) for v in (
            f.contacted_at.strftime("%Y-%m-%d %H:%M"), f.recorded_at.strftime("%Y-%m-%d %H:%M"), _(f.timeliness_word),
            f.customer.code, f.customer.name, f.author.display_name if f.author else "", _(f.method), f.participants,
            f.content, f.result, f.next_action, f.next_action_on.isoformat() if f.next_action_on else "",
        )])
    record_sensitive_read("FollowUp", "export", f"导出跟进记录 {len(rows)} 条，筛选：{filters}")
    return xlsx_response(workbook, f"followups-{clock.today().isoformat()}.xlsx")


@bp.get("/<int:followup_id>")
def detail(followup_id: int):
    """One follow-up record, for anyone who may see its customer."""
    followup = get_visible_or_404(visible_followups(current_user), followup_id, FollowUp)
    return render_page_or_fragment("followups/detail.html", "followups/_detail.html", followup=followup)


@bp.get("/customers/<int:customer_id>/section")
def customer_section(customer_id: int):
    """The follow-ups section of a customer's page (also a full page on its own)."""
    customer = load_customer(customer_id)
    return render_page_or_fragment("followups/customer.html", "followups/_customer_section.html", customer=customer)


def section_response(customer: Customer, event: str, message: str = ""):
    """After an inline save: the refreshed section replaces the old one (scrolled into view, the new
    record first), every other panel of the customer page that shows what is due or the stage is
    swapped out of band with the timeline, `message` is announced, and the page hears `event`."""
    html = render_template("followups/_customer_section.html", customer=customer, saved_message=message) + render_template(
        "followups/_timeline_oob.html", timeline=customer_timeline(customer, limit=100), customer=customer,
        customer_page="customers.detail" in current_app.view_functions, message=message)
    response = make_response(html)
    response.headers["HX-Retarget"] = "#followup-section"
    response.headers["HX-Reswap"] = "outerHTML show:#followup-section:top"
    response.headers["HX-Trigger"] = f'{{"{event}": {{"customer_id": {customer.id}}}, "timeline-changed": {{}}}}'
    return response


@bp.route("/customers/<int:customer_id>/new", methods=["GET", "POST"])
def create(customer_id: int):
    """记录跟进: the inline form on the customer page; the author is the signed-in user."""
    customer = load_customer(customer_id)
    require(can_record_followup(current_user, customer))
    form = FollowUpForm()
    if form.validate_on_submit():
        services.record_followup(customer, current_user, form.followup_data(), form.stage_to.data or None,
                                 (form.stage_reason.data or "").strip())
        db.session.commit()
        if rows.from_worklist():
            return worklist_saved(customer)
        if htmx:
            return section_response(customer, "followup-recorded", _("跟进记录已保存"))
        flash(_("跟进记录已保存"), "success")
        return redirect_after_post(customer_url(customer))
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("followups/form.html", "followups/_form.html", status, form=form, customer=customer,
                                   worklist=rows.from_worklist())


def worklist_saved(customer: Customer):
    """A follow-up written on a 我的工作台 row: the row leaves, the counts follow."""
    if htmx:
        next_due = customer.next_due_on.isoformat() if customer.next_due_on else _("未安排")
        return rows.row_done(_("已保存 %(name)s 的跟进记录（下次跟进：%(date)s）", name=customer.name, date=next_due),
                             customer_url(customer), _("打开客户"))
    return rows.redirect_to_worklist(_("已保存 %(name)s 的跟进记录", name=customer.name))


@bp.route("/<int:followup_id>/edit", methods=["GET", "POST"])
def edit(followup_id: int):
    """Edit a follow-up: the author within the edit window, supervisors and admins afterwards."""
    followup = get_visible_or_404(visible_followups(current_user), followup_id, FollowUp)
    require(can_edit_followup(current_user, followup))
    form = EditFollowUpForm(obj=followup)
    if form.validate_on_submit():
        if str(followup.version) != form.version.data:
            form.form_errors.append(_("该跟进记录已被其他人修改，请刷新后重试"))
            return render_page_or_fragment("followups/edit.html", "followups/_edit_form.html", 409,
                                           form=form, followup=followup)
        services.update_followup(followup, form.followup_data())
        db.session.commit()
        flash(_("跟进记录已更新"), "success")
        return redirect_after_post(url_for("followups.detail", followup_id=followup.id))
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("followups/edit.html", "followups/_edit_form.html", status,
                                   form=form, followup=followup)
