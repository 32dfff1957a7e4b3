"""Participants of an activity: invitation by the customer list's own filters, 已报名/已到场 one by one
or in bulk, and walk-in leads 现场登记 (查重 and 撞单 from the customers area)."""
from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import get_visible_or_404
from portal.access.customers import visible_customers
from portal.auth.permissions import can_manage_activities, is_manager
from portal.customers import queries as customer_queries
from portal.customers.forms import CustomerFilterForm
from portal.extensions import db
from portal.marketing import queries, services
from portal.marketing.forms import ParticipantActionForm, WalkInForm
from portal.marketing.routes import bp, load_activity, render_detail, require
from portal.models.customers import Customer
from portal.models.marketing import TransitionRefused
from portal.web import paginate, redirect_after_post, render_page_or_fragment


def customer_filters() -> tuple[CustomerFilterForm, dict]:
    """The customer list's own filter form and values, bound to the query string; archived files never
    invited."""
    form = CustomerFilterForm(request.args, owners=customer_queries.owner_choices(current_user),
                              industries=customer_queries.industry_choices(current_user))
    form.validate()
    filters = form.values()
    filters["archived"] = "without"
    return form, filters


def filtered_customers(filters: dict):
    return customer_queries.filtered_customers(current_user, filters).where(Customer.merged_into_id.is_(None))


@bp.route("/<int:activity_id>/invite", methods=["GET", "POST"])
def invite(activity_id: int):
    """Choose invitees with the customer list's filters and search (preview), then invite the whole
    filtered set, within the user's customer scope, in one step; repeating it adds nobody twice."""
    activity = load_activity(activity_id)
    require(can_manage_activities(current_user))
    form, filters = customer_filters()
    if request.method == "POST":
        try:
            invited = services.invite_customers(activity, filtered_customers(filters), current_user)
        except TransitionRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return redirect_after_post(url_for("marketing.detail", activity_id=activity.id))
        db.session.commit()
        flash(_("已邀请 %(count)s 位客户（已在名单中的客户不重复邀请）", count=invited), "success")
        return redirect_after_post(url_for("marketing.detail", activity_id=activity.id))
    page = paginate(filtered_customers(filters))
    return render_page_or_fragment("marketing/invite.html", "marketing/_invite_table.html", activity=activity,
                                   form=form, filters=filters, page=page, show_archived_filter=False,
                                   manager=is_manager(current_user))


@bp.post("/<int:activity_id>/participants")
def participants_mark(activity_id: int):
    """已报名 / 已到场 for the ticked rows (or one row); posted ids are re-filtered through the scoped query."""
    activity = load_activity(activity_id)
    require(can_manage_activities(current_user))
    form = ParticipantActionForm()
    if not form.validate():
        return render_detail(activity, status=422, participant_form=form)
    only = request.args.get("only", type=int)
    action = request.args.get("act") if only else form.action.data
    if action not in ("register", "attend"):
        return render_detail(activity, status=422, participant_form=form)
    ids = [only] if only else [int(value) for value in request.form.getlist("participant_id") if value.isdigit()]
    rows = queries.participants_by_ids(current_user, activity.id, ids)
    if not rows:
        flash(_("请先勾选参与客户"), "error")
        return render_detail(activity, status=422, participant_form=form)
    try:
        changed, refused = services.mark_participants(activity, rows, action)
    except TransitionRefused as refusal:
        db.session.rollback()
        flash(str(refusal), "error")
        return render_detail(load_activity(activity_id), status=409)
    db.session.commit()
    if refused:
        message = _("已更新 %(count)s 位客户的参与状态；%(refused)s 位状态不允许此操作，未改变", count=changed,
                    refused=refused)
    else:
        message = _("已更新 %(count)s 位客户的参与状态", count=changed)
    flash(message, "success")
    return redirect_after_post(url_for("marketing.detail", activity_id=activity.id,
                                       status=request.args.get("status", "")) + "#participants")


def render_walk_in(activity, form, status=200, duplicates=None, clash=None):
    return render_page_or_fragment("marketing/walk_in.html", "marketing/_walk_in_form.html", status=status,
                                   activity=activity, form=form, duplicates=duplicates or [], clash=clash)


@bp.route("/<int:activity_id>/walk-in", methods=["GET", "POST"])
def walk_in(activity_id: int):
    """现场登记: a lead met at the activity becomes a customer file (source 展会登记, in the pool) marked
    已到场; a likely duplicate must be confirmed, 撞单 (a duplicate someone owns) refuses a new file —
    the existing file can be marked 已到场 instead."""
    activity = load_activity(activity_id)
    require(can_manage_activities(current_user))
    form = WalkInForm()
    if request.method == "GET":
        return render_walk_in(activity, form)
    if not form.validate():
        return render_walk_in(activity, form, status=422)
    try:
        if (form.existing_id.data or "").isdigit():
            in_scope = visible_customers(current_user).where(Customer.archived_at.is_(None))
            customer = get_visible_or_404(in_scope, int(form.existing_id.data), Customer)
            services.attend_existing(activity, customer, current_user)
            message = _("已将现有客户 %(name)s 记为到场", name=customer.name)
        else:
            duplicates = services.walk_in_duplicates(form.name.data, form.phone.data or "", form.email.data or "")
            clash = services.walk_in_clash(current_user, duplicates)
            if clash is not None:
                form.name.errors = list(form.name.errors) + [
                    _("撞单：疑似重复的客户已由%(owner)s负责，不能重复建档；可将现有客户记为到场", owner=clash.display_name)]
                return render_walk_in(activity, form, 422, duplicates, clash)
            if duplicates and not form.confirm_duplicates.data:
                form.confirm_duplicates.errors = list(form.confirm_duplicates.errors) + [
                    _("存在疑似重复客户，请核对：可将现有客户记为到场，或勾选确认后新建档案")]
                return render_walk_in(activity, form, 422, duplicates)
            customer = services.add_walk_in(activity, form.data, current_user)
            message = _("已为 %(name)s 建立客户档案 %(code)s，并记为到场", name=customer.name, code=customer.code)
    except TransitionRefused as refused:
        db.session.rollback()
        form.form_errors.append(str(refused))
        return render_walk_in(activity, form, 409)
    db.session.commit()
    flash(message, "success")
    return redirect_after_post(url_for("marketing.detail", activity_id=activity.id) + "#participants")
