"""Supervisors' spot-checks 抽查 of revisit records: draw a reproducible sample, check, record findings."""
from datetime import date

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal import clock
from portal.access import get_visible_or_404
from portal.access.revisits import visible_spot_checks
from portal.audit import record_sensitive_read
from portal.auth.permissions import can_spot_check, guard_area
from portal.extensions import db
from portal.models.revisits import SPOT_CHECK_PENDING, IllegalTransition, RevisitRecord, SpotCheck
from portal.revisits import services
from portal.revisits.forms import DrawForm, FindingForm, SpotCheckFilterForm
from portal.rules.sampling import new_seed
from portal.web import paginate, redirect_after_post, render_page_or_fragment

bp = Blueprint("spot_checks", __name__, url_prefix="/spot-checks")
guard_area(bp, "spot_checks")


def filtered_checks(form: SpotCheckFilterForm):
    query = visible_spot_checks(current_user).options(
        selectinload(SpotCheck.record).selectinload(RevisitRecord.customer), selectinload(SpotCheck.staff))
    if form.state.data == "pending":
        query = query.where(SpotCheck.result == SPOT_CHECK_PENDING)
    elif form.state.data == "checked":
        query = query.where(SpotCheck.result != SPOT_CHECK_PENDING)
    elif form.state.data == "unacknowledged":
        query = query.where(SpotCheck.result != SPOT_CHECK_PENDING, SpotCheck.acknowledged_at.is_(None))
    if form.seed.data is not None and not form.seed.errors:
        query = query.where(SpotCheck.sample_seed == form.seed.data)
    return query.order_by(SpotCheck.period_end.desc(), SpotCheck.staff_id, SpotCheck.id)


@bp.get("/")
def index():
    """Drawn spot-checks of the supervisor's department: pending first, filter by state and seed."""
    form = SpotCheckFilterForm(request.args)
    form.validate()
    page = paginate(filtered_checks(form))
    return render_page_or_fragment("spot_checks/index.html", "spot_checks/_table.html", form=form, page=page)


def last_month(today: date) -> tuple[date, date]:
    first_this = today.replace(day=1)
    end = first_this.fromordinal(first_this.toordinal() - 1)
    return end.replace(day=1), end


@bp.route("/draw", methods=["GET", "POST"])
def draw():
    """Draw a sample per staff member (percent or count) for a period, reproducible from the shown seed:
    the sample is shown first and stored only on 确认保存; a period already drawn shows that sample."""
    if not can_spot_check(current_user):
        abort(403)
    form = DrawForm()
    if request.method == "GET":
        form.period_start.data, form.period_end.data = last_month(clock.today())
        form.seed.data = new_seed()
    if form.validate_on_submit():
        start, end, seed = form.period_start.data, form.period_end.data, form.seed.data
        existing = services.existing_sample_seed(current_user, start, end)
        if existing is not None:
            flash(_("该期间已抽样（随机种子 %(seed)s），以下为已有样本，未重复抽取", seed=existing), "warning")
            return redirect_after_post(url_for("spot_checks.index", seed=existing))
        sample = services.preview_sample(current_user, start, end, seed, **form.sample_size())
        fingerprint = services.sample_fingerprint(sample)
        if request.form.get("action") == "save" and request.form.get("previewed") == fingerprint:
            checks = services.store_sample(current_user, start, end, seed, sample)
            db.session.commit()
            flash(_("已抽取 %(n)s 条回访记录（随机种子 %(seed)s）", n=len(checks), seed=seed), "success")
            return redirect_after_post(url_for("spot_checks.index", seed=seed))
        if request.form.get("action") == "save":
            form.form_errors.append(_("回访记录已变化，样本与预览不同，请核对下面的新样本后再保存"))
        return render_template("spot_checks/draw.html", form=form, preview=services.sample_records(sample),
                               fingerprint=fingerprint)
    return render_template("spot_checks/draw.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/<int:spot_check_id>", methods=["GET", "POST"])
def detail(spot_check_id: int):
    """See the drawn record and its answers (an audited read); mark 合格 or a problem, comment, corrective action."""
    check = get_visible_or_404(visible_spot_checks(current_user), spot_check_id, SpotCheck)
    if not can_spot_check(current_user, check.record):
        abort(403)
    form = FindingForm(obj=check if request.method == "GET" and check.is_checked else None)
    if form.validate_on_submit():
        if form.version.data != str(check.version):
            form.form_errors.append(_("该抽查已被其他人更新，请刷新后重试"))
            return render_template("spot_checks/detail.html", check=check, form=form), 409
        try:
            check.mark(form.result.data, form.comment.data or "", form.corrective_action.data or "", clock.now())
        except IllegalTransition:
            abort(409)
        db.session.commit()
        flash(_("抽查结论已保存，等待员工确认"), "success")
        return redirect_after_post(url_for("spot_checks.index", seed=check.sample_seed))
    if request.method == "GET":
        form.version.data = str(check.version)
        record_sensitive_read("RevisitRecord", check.record_id, f"抽查#{check.id} 查看回访记录")
    return render_template("spot_checks/detail.html", check=check, form=form), 422 if form.is_submitted() else 200
