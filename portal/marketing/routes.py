"""Routes of the marketing area: the activity list and export, the activity form and page, status
actions, expenses, the effect comparison and the activity report PDF. Participants and materials live
in participant_routes.py and material_routes.py on the same blueprint."""
from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from portal import clock, pdf
from portal.access import get_visible_or_404
from portal.access.marketing import visible_activities
from portal.audit import audit_note, record_sensitive_read
from portal.auth.permissions import can_manage_activities, guard_area
from portal.extensions import db
from portal.i18n import N_
from portal.marketing import charts, queries, services
from portal.marketing.forms import (
    ActivityFilterForm,
    ActivityForm,
    EffectFilterForm,
    ExpenseForm,
    MaterialForm,
    ParticipantActionForm,
    TransitionForm,
)
from portal.models.marketing import (
    ACTIVITY_ACTION_LABELS,
    ATTENDED,
    PARTICIPANT_STATUSES,
    Activity,
    ActivityExpense,
    ActivityMaterial,
    TransitionRefused,
)
from portal.reports.services import pdf_response
from portal.rules.attribution import staff_reviews
from portal.spreadsheets import safe_cell, xlsx_response
from portal.web import paginate, redirect_after_post, render_page_or_fragment

bp = Blueprint("marketing", __name__, url_prefix="/marketing")
guard_area(bp, "marketing")
EXPORT_LIMIT = 5000
ACTION_CONFIRMATIONS = {
    "start": N_("确认开始此活动？"), "finish": N_("确认结束此活动？结束后到场客户将自动生成活动回访任务。"),
    "cancel": N_("确认取消此活动？取消后不能恢复。"),
}


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def load_activity(activity_id: int) -> Activity:
    return get_visible_or_404(visible_activities(current_user), activity_id, Activity)


@bp.app_context_processor
def marketing_template_helpers():
    return {"can_manage_activities": can_manage_activities, "customer_marketing": queries.customer_marketing}


# --- list and export ------------------------------------------------------------------------------

def filter_form() -> ActivityFilterForm:
    form = ActivityFilterForm(request.args, owners=queries.owner_choices())
    form.validate()
    return form


@bp.get("/")
def index():
    """市场活动 list: filtered by type, status, region, owner and dates; sorted and paged; budget vs cost."""
    form = filter_form()
    page = paginate(queries.filtered_activities(current_user, form.values()))
    ids = [activity.id for activity in page.items]
    return render_page_or_fragment("marketing/index.html", "marketing/_table.html", form=form, page=page,
                                   costs=queries.actual_costs(ids), counts=queries.participant_counts(ids))


@bp.get("/export")
def export():
    """The filtered activity list as .xlsx (formula-safe cells)."""
    activities = list(db.session.scalars(queries.filtered_activities(current_user, filter_form().values())
                                         .limit(EXPORT_LIMIT)).unique())
    ids = [activity.id for activity in activities]
    costs, counts = queries.actual_costs(ids), queries.participant_counts(ids)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("市场活动")
    sheet.append([_("活动主题"), _("类型"), _("开始日期"), _("结束日期"), _("区域"), _("负责人"), _("状态"), _("预算（元）"),
                  _("实际费用（元）"), _("邀请人数"), _("报名人数"), _("到场人数")])
    for activity in activities:
        count = counts.get(activity.id, {})
        sheet.append([safe_cell(value) for value in (
            activity.theme, _(activity.kind), activity.starts_on, activity.ends_on, activity.region,
            activity.owner.display_name if activity.owner else "", _(activity.status), activity.budget,
            costs.get(activity.id, 0), sum(count.values()), count.get("已报名", 0) + count.get("已到场", 0),
            count.get("已到场", 0))])
    record_sensitive_read("Activity", "list", f"导出市场活动 {len(activities)} 条")
    return xlsx_response(workbook, _("市场活动_%(date)s.xlsx", date=clock.today().strftime("%Y%m%d")))


# --- the activity form --------------------------------------------------------------------------------

def render_form(form: ActivityForm, activity: Activity | None = None, status: int = 200):
    return render_page_or_fragment("marketing/form.html", "marketing/_form.html", status=status, form=form,
                                   activity=activity)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Plan a new activity (计划中)."""
    require(can_manage_activities(current_user))
    form = ActivityForm(owners=queries.owner_choices())
    if request.method == "GET":
        form.owner_id.data = str(current_user.id)
        return render_form(form)
    if not form.validate():
        return render_form(form, status=422)
    activity = services.create_activity(form.activity_values(), current_user)
    db.session.commit()
    flash(_("活动已创建"), "success")
    return redirect_after_post(url_for("marketing.detail", activity_id=activity.id))


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
def edit(activity_id: int):
    """Edit the activity's facts; a stale version is refused (409), never silently overwritten."""
    activity = load_activity(activity_id)
    require(can_manage_activities(current_user))
    form = ActivityForm(obj=activity if request.method == "GET" else None, owners=queries.owner_choices())
    if request.method == "GET":
        form.owner_id.data = str(activity.owner_id or "")
        return render_form(form, activity)
    if not form.validate():
        return render_form(form, activity, status=422)
    if form.version.data != str(activity.version):
        form.form_errors.append(_("活动已被他人修改，请刷新后重新编辑"))
        return render_form(form, activity, status=409)
    try:
        services.update_activity(activity, form.activity_values())
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        abort(409)
    flash(_("活动已保存"), "success")
    return redirect_after_post(url_for("marketing.detail", activity_id=activity.id))


# --- the activity page ------------------------------------------------------------------------------------

def detail_context(activity: Activity, **forms) -> dict:
    """Everything the activity page shows, from one builder (page, fragments and the PDF agree)."""
    status = request.args.get("status", "")
    status = status if status in PARTICIPANT_STATUSES else ""
    participants = paginate(queries.participants_of(current_user, activity.id, status))
    materials = list(db.session.scalars(
        select(ActivityMaterial).where(ActivityMaterial.activity_id == activity.id)
        .options(selectinload(ActivityMaterial.versions)).order_by(ActivityMaterial.id)))
    expenses = list(db.session.scalars(
        select(ActivityExpense).where(ActivityExpense.activity_id == activity.id)
        .options(selectinload(ActivityExpense.recorded_by)).order_by(ActivityExpense.spent_on, ActivityExpense.id)))
    counts = queries.participant_counts([activity.id])[activity.id]
    effect = queries.activity_effects([activity], attendees={activity.id: counts.get(ATTENDED, 0)})[activity.id]
    context = {
        "activity": activity, "participants": participants, "participant_status": status,
        "counts": counts, "materials": materials,
        "expenses": expenses, "cost": effect.cost, "effect": effect,
        "leads": queries.lead_customers(effect.lead_customer_ids, current_user),
        "window_days": queries.attribution_window(),
        "action_labels": ACTIVITY_ACTION_LABELS, "action_confirmations": ACTION_CONFIRMATIONS,
        "transition_form": TransitionForm(), "participant_form": ParticipantActionForm(),
        "expense_form": ExpenseForm(), "material_form": MaterialForm(),
    }
    context.update(forms)
    return context


def render_detail(activity: Activity, status: int = 200, **forms):
    return render_page_or_fragment("marketing/detail.html", "marketing/_participants.html", status=status,
                                   **detail_context(activity, **forms))


@bp.get("/<int:activity_id>")
def detail(activity_id: int):
    """The activity page: facts, budget vs actual cost, status actions, materials, participants (in the
    reader's customer scope), leads, expenses and effect."""
    return render_detail(load_activity(activity_id))


@bp.post("/<int:activity_id>/<any(start, finish, cancel):action>")
def transition(activity_id: int, action: str):
    """开始 / 结束 / 取消 (with a reason); finishing schedules the attendees' event revisits."""
    activity = load_activity(activity_id)
    require(can_manage_activities(current_user))
    form = TransitionForm()
    if not form.validate():
        return render_detail(activity, status=422, transition_form=form)
    try:
        audit_note(ACTIVITY_ACTION_LABELS[action])
        created = services.apply_transition(activity, action, form.reason.data or "")
    except TransitionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return render_detail(load_activity(activity_id), status=409)
    db.session.commit()
    if created:
        message = _("活动状态已更新为「%(status)s」，已为 %(count)s 位到场客户生成活动回访任务",
                    status=_(activity.status), count=created)
    else:
        message = _("活动状态已更新为「%(status)s」", status=_(activity.status))
    flash(message, "success")
    return redirect_after_post(url_for("marketing.detail", activity_id=activity.id))


@bp.post("/<int:activity_id>/expenses")
def expense_add(activity_id: int):
    """Record an expense line (差旅/住宿/场地/租用/公关/宣传/其他)."""
    activity = load_activity(activity_id)
    require(can_manage_activities(current_user))
    form = ExpenseForm()
    if not form.validate():
        return render_detail(activity, status=422, expense_form=form)
    try:
        services.add_expense(activity, form.category.data, form.amount.data, form.spent_on.data, form.note.data,
                             current_user)
    except TransitionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return render_detail(load_activity(activity_id), status=409)
    db.session.commit()
    flash(_("费用已登记"), "success")
    return redirect_after_post(url_for("marketing.detail", activity_id=activity.id) + "#expenses")


# --- effect ------------------------------------------------------------------------------------------------

def effect_context() -> dict:
    form = EffectFilterForm(request.args)
    form.validate()
    today = clock.today()
    date_from = form.date_from.data if not form.date_from.errors and form.date_from.data else today.replace(month=1, day=1)
    date_to = form.date_to.data if not form.date_to.errors and form.date_to.data else today
    activities = queries.compared_activities(current_user, date_from, date_to, form.kind.data or "")
    effects = queries.activity_effects(activities, lead_ids=False)
    rows = [(activity, effects[activity.id]) for activity in activities]
    owners = {activity.owner_id: activity.owner.display_name if activity.owner else "—" for activity in activities}
    reviews = staff_reviews([(activity.owner_id, activity.status == "已结束", effect) for activity, effect in rows])
    return {"form": form, "rows": rows, "date_from": date_from, "date_to": date_to, "reviews": reviews, "owners": owners,
            "window_days": queries.attribution_window(),
            "chart": charts.effect_chart(rows), "chart_activities": charts.CHART_ACTIVITIES}


@bp.get("/effect")
def effect():
    """活动效果对比: attendees, leads, cost, cost per lead and (when orders are connected) revenue and ROI."""
    return render_page_or_fragment("marketing/effect.html", "marketing/_effect_table.html", **effect_context())


@bp.get("/<int:activity_id>/report.pdf")
def report_pdf(activity_id: int):
    """The activity report as PDF: facts, cost, participants summary, effect and chart (same scope as the page)."""
    activity = load_activity(activity_id)
    context = detail_context(activity)
    rows = [(activity, context["effect"])]
    document = pdf.render_pdf("pdf/activity.html", chart=charts.effect_chart(rows), generated_at=clock.now(),
                              printed_by=current_user, **context)
    record_sensitive_read("Activity", activity.id, "打印活动报告PDF")
    return pdf_response(document, _("活动报告_%(id)s.pdf", id=activity.id))


from portal.marketing import attribution, material_routes, participant_routes, sections  # noqa: E402,F401  (routes, hooks)
