"""奖惩 after an issued review: the supervisor records each employee's outcome with a reason, then
confirms them, which freezes them with the review (DESIGN.md 考核)."""
from flask import abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import clock
from portal.access import get_visible_or_404
from portal.access.reports import visible_issued_reviews, visible_report_users
from portal.auth.permissions import can_record_review_outcome
from portal.extensions import db
from portal.models.auth import User
from portal.models.reports import IssuedReview, ReviewOutcome
from portal.models.revisits import IllegalTransition
from portal.reports.forms import OutcomeForm
from portal.reports.routes import bp
from portal.web import redirect_after_post


def assessed_employee_or_404(issued: IssuedReview, user_id: int) -> User:
    """An employee the issued review assessed and the viewer may review; anyone else is not there."""
    if user_id not in issued.employee_ids:
        abort(404)
    return get_visible_or_404(visible_report_users(current_user), user_id, User)


@bp.route("/issued/<int:review_id>/outcomes/<int:user_id>", methods=["GET", "POST"])
def outcome_edit(review_id: int, user_id: int):
    """Record or correct one employee's 奖惩 and its reason (until the outcomes are confirmed)."""
    issued = get_visible_or_404(visible_issued_reviews(current_user), review_id, IssuedReview)
    employee = assessed_employee_or_404(issued, user_id)
    if not can_record_review_outcome(current_user, issued):
        abort(409 if issued.outcomes_frozen else 403)
    outcome = db.session.scalar(select(ReviewOutcome).where(ReviewOutcome.issued_review_id == issued.id,
                                                            ReviewOutcome.employee_id == employee.id))
    form = OutcomeForm(obj=outcome if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = str(outcome.version) if outcome else ""
    if form.validate_on_submit():
        if outcome is not None and form.version.data != str(outcome.version):
            form.form_errors.append(_("该奖惩结果已被其他人修改，请刷新后重试"))
            return render_template("reports/outcome_form.html", issued=issued, employee=employee, form=form), 409
        if outcome is None:
            outcome = ReviewOutcome(issued_review=issued, employee_id=employee.id, recorded_by_id=current_user.id)
            db.session.add(outcome)
        try:
            outcome.change(form.measure.data, form.reason.data.strip(), current_user)
        except IllegalTransition:
            abort(409)
        db.session.commit()
        flash(_("已记录%(name)s的奖惩结果：%(measure)s", name=employee.display_name, measure=_(form.measure.data)),
              "success")
        return redirect_after_post(url_for("reports.issued_detail", review_id=issued.id))
    status = 422 if form.is_submitted() else 200
    return render_template("reports/outcome_form.html", issued=issued, employee=employee, form=form), status


@bp.post("/issued/<int:review_id>/outcomes/confirm")
def outcomes_confirm(review_id: int):
    """确认奖惩: freeze the review's outcomes; nothing can be changed afterwards."""
    issued = get_visible_or_404(visible_issued_reviews(current_user), review_id, IssuedReview)
    if not can_record_review_outcome(current_user, issued):
        abort(409 if issued.outcomes_frozen else 403)
    try:
        issued.confirm_outcomes(current_user, clock.now())
    except IllegalTransition:
        abort(409)
    db.session.commit()
    flash(_("奖惩结果已确认定稿，不能再修改"), "success")
    return redirect_after_post(url_for("reports.issued_detail", review_id=issued.id))
