"""Routes of the reports area: the review on the web, its drill-downs, PDF, Excel export and issuing."""
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal import pdf
from portal.access import get_visible_or_404
from portal.access.reports import visible_issued_reviews
from portal.audit import record_sensitive_read
from portal.auth.permissions import can_issue_review, can_record_review_outcome, guard_area
from portal.extensions import db
from portal.i18n import SIMPLIFIED
from portal.models.reports import IssuedReview
from portal.reports import charts, exports, services, snapshots
from portal.reports.forms import ReviewFilterForm
from portal.reports.kpis import KEY_FIELD_LABELS, KPIS
from portal.settings_store import get_setting
from portal.spreadsheets import xlsx_response
from portal.web import Page, page_args, paginate, redirect_after_post, render_page_or_fragment

bp = Blueprint("reports", __name__, url_prefix="/reports")
guard_area(bp, "reports")
FILTER_FIELDS = ("kind", "year", "number", "date_from", "date_to", "scope")


@bp.record_once
def check_pdf_environment(_state) -> None:
    pdf.log_environment_problems()


@bp.context_processor
def review_helpers() -> dict:
    return {"kpis": KPIS, "key_field_labels": [_(label) for label in KEY_FIELD_LABELS], "num": number_text,
            "request_args": parse_qsl, "with_scope": with_scope, "can_issue_review": can_issue_review}


def number_text(value) -> str:
    """Counts without decimals, sums (satisfaction points, weights) with at most two."""
    value = Decimal(str(value))
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def with_scope(query: str, scope_value: str) -> str:
    """The same period with another scope (a department's or employee's row links to its own records)."""
    args = dict(parse_qsl(query))
    args["scope"] = scope_value
    return urlencode(args)


def audit_labels(period, scope=None) -> str:
    """Period (and scope) for an audit note: in 简体 whatever the reader's language (one log for everyone)."""
    with force_locale(SIMPLIFIED):
        label = period.label
    if scope is None:
        return label
    return f"{label} {'全公司' if scope.kind == 'company' else scope.label}"


def filter_form(formdata=None) -> ReviewFilterForm:
    form = ReviewFilterForm(formdata if formdata is not None else request.args, services.scope_choices(current_user))
    scope_value = form.scope.data
    if scope_value and scope_value not in dict(form.scope.choices):
        abort(404)  # a department or employee outside the viewer's scope is not there for them
    form.validate()
    return form


def chosen_period_and_scope(form: ReviewFilterForm):
    """The form's period and scope for the endpoints that act on them; an invalid period is a 422."""
    if form.errors:
        abort(422)
    return form.period(), services.resolve_scope(current_user, form.scope.data)


def filter_args(form: ReviewFilterForm, **extra) -> str:
    """The query string that reproduces this form's period and scope (for links and POSTs)."""
    values = {name: form[name].data for name in FILTER_FIELDS if form[name].data not in (None, "")}
    values.update(extra)
    return urlencode({k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()})


def review_context(form: ReviewFilterForm) -> dict:
    context = {"form": form, "query": filter_args(form), "pdf_problems": pdf.pdf_environment_problems(),
               "weights": get_setting("kpi_weights"), "snapshot_minutes": get_setting("review_snapshot_minutes"),
               "review": None, "charts": {}, "issued": []}
    if form.errors:
        return context  # the form is shown again with its errors; no figures for a period that isn't one
    period = form.period()
    scope = services.resolve_scope(current_user, form.scope.data)
    review = services.review_for(current_user, period, scope, from_snapshot=True)
    context["issued"] = db.session.scalars(
        services.issued_for(current_user, period, scope).options(*services.ISSUED_LIST_OPTIONS)
        .order_by(IssuedReview.issued_at.desc()).limit(5)
    ).all()
    employees = employee_page(review)
    context.update(review=review, employees=employees, charts=charts.review_charts(review, employees.items))
    if context["issued"]:  # the page already has today's figures: say how many moved since the last issue
        changes = services.compare_figures(context["issued"][0].figures, review.as_json())
        context["drifted"] = sum(change["drifted"] for change in changes)
    return context


def employee_page(review) -> Page:
    """One page of the ranked employee table (and its score chart). A company review lists ≈200
    people × 16 KPIs: ≈500 kB of HTML, and rendering them all was ≈2/3 of the page's time. Ranks
    are still counted over everyone; the PDF and the Excel export list everyone."""
    number, per_page = page_args()
    ranked = review.ranked_employees
    start = (number - 1) * per_page
    items = ranked[start:start + per_page]
    return Page(items=items, total=len(ranked), page=number, per_page=per_page,
                has_next=start + per_page < len(ranked), past_end=number > 1 and not items)


@bp.get("/")
def index():
    """The review for a period and scope with previous period, change, score and rank (supervisors, admins)."""
    form = filter_form()
    status = 422 if form.errors else 200
    return render_page_or_fragment("reports/index.html", "reports/_review.html", status=status,
                                   **review_context(form))


@bp.post("/recount")
def recount():
    """重新统计: drop this period's snapshots so the page counts afresh."""
    form = filter_form(request.form)
    period, scope = chosen_period_and_scope(form)
    snapshots.forget(period, scope)
    db.session.commit()
    return redirect_after_post(f"{url_for('reports.index')}?{filter_args(form)}")


@bp.get("/kpis/<code>/<part>")
def drill_down(code: str, part: str):
    """The records one KPI figure counts (numerator or denominator), for checking any number."""
    if code not in KPIS or not KPIS[code].available or part not in ("numerator", "denominator"):
        abort(404)
    form = filter_form()
    period, scope = chosen_period_and_scope(form)
    page = paginate(services.drill_query(code, part, period, scope), scalars=False)
    return render_page_or_fragment(
        "reports/drill.html", "reports/_drill_table.html", form=form, spec=KPIS[code], part=part, page=page,
        period=period, scope=scope, record=services.drill_record(code, part), query=filter_args(form),
    )


@bp.get("/export.xlsx")
def export():
    """The review's KPI tables as an Excel workbook (same figures as the page)."""
    form = filter_form()
    period, scope = chosen_period_and_scope(form)
    review = services.review_for(current_user, period, scope)
    record_sensitive_read("Review", scope.key, f"导出考核Excel {audit_labels(period, scope)}")
    filename = _("考核_%(period)s_%(scope)s.xlsx", period=period.label, scope=scope.label)
    return xlsx_response(exports.review_workbook(review), filename)


@bp.post("/pdf")
def review_pdf():
    """Queue the review PDF (rendered outside the request) and send the user to its progress page."""
    form = filter_form(request.form)
    period, scope = chosen_period_and_scope(form)
    review = services.review_for(current_user, period, scope)
    html = services.review_html(review, current_user)
    filename = _("考核报告_%(period)s_%(scope)s.pdf", period=period.label, scope=scope.label)
    job_id = pdf.start_pdf_job(html, current_user.id, filename)
    record_sensitive_read("Review", scope.key, f"生成考核PDF {audit_labels(period, scope)}")
    return redirect_after_post(url_for("reports.pdf_job", job_id=job_id))


@bp.get("/jobs/<job_id>")
def pdf_job(job_id: str):
    """Progress of a queued PDF; the fragment polls itself until the file is ready."""
    job = pdf.pdf_job_state(job_id, current_user.id) or abort(404)
    return render_page_or_fragment("reports/job.html", "reports/_job_status.html", job=job, job_id=job_id)


@bp.get("/jobs/<job_id>/file")
def pdf_job_file(job_id: str):
    """Download a finished PDF job (only by the user who asked for it)."""
    job = pdf.pdf_job_state(job_id, current_user.id)
    if job is None or job["state"] != "done":
        abort(404)
    return send_file(job["path"], mimetype="application/pdf", as_attachment=True, download_name=job["filename"])


@bp.get("/employees/<int:user_id>/sheet.pdf")
def assessment_sheet(user_id: int):
    """One employee's one-page assessment sheet 考核表 for the chosen period, rendered in the request."""
    form = filter_form()
    period, _scope = chosen_period_and_scope(form)
    employee = services.resolve_scope(current_user, f"u{user_id}")
    # Ranked among the department's staff, so the sheet's 排名 means something.
    scope = services.resolve_scope(current_user, f"d{employee.department.id}") if employee.department else employee
    review = services.review_for(current_user, period, scope)
    row = next(r for r in review.employees if r.key == f"u{user_id}")
    ranked = sum(1 for employee in review.employees if employee.rank is not None)
    outcomes = services.employee_outcomes(current_user, period, user_id)
    document = pdf.render_pdf("pdf/assessment_sheet.html", review=review, row=row, ranked=ranked, outcomes=outcomes,
                              generated_at=services.generated_at(), printed_by=current_user)
    record_sensitive_read("User", user_id, f"打印考核表 {audit_labels(period)}")
    return services.pdf_response(document, _("考核表_%(name)s_%(period)s.pdf", name=employee.label, period=period.label))


@bp.post("/issue")
def issue():
    """签发: freeze this review's figures and printed document (supervisors of the scope, admins)."""
    form = filter_form(request.form)
    period, scope = chosen_period_and_scope(form)
    if not can_issue_review(current_user, scope):
        abort(403)
    review = services.review_for(current_user, period, scope)
    if not review.has_ended:
        abort(409)  # a period that has not ended cannot be issued (DESIGN.md 考核); the page has no button
    issued = services.issue_review(review, current_user)
    db.session.commit()
    services.render_issued_pdf_later(issued)
    return redirect_after_post(url_for("reports.issued_detail", review_id=issued.id))


@bp.get("/issued/")
def issued_index():
    """Issued reviews the user may open, newest first."""
    query = visible_issued_reviews(current_user).options(*services.ISSUED_LIST_OPTIONS)
    page = paginate(query.order_by(IssuedReview.issued_at.desc(), IssuedReview.id.desc()))
    return render_page_or_fragment("reports/issued_index.html", "reports/_issued_table.html", page=page)


@bp.get("/issued/<int:review_id>")
def issued_detail(review_id: int):
    """An issued review: its frozen figures beside today's, drifted ones marked."""
    issued = get_visible_or_404(visible_issued_reviews(current_user), review_id, IssuedReview)
    drift = services.drift(issued, current_user)
    return render_template("reports/issued_detail.html", issued=issued, drift=drift,
                           outcome_rows=services.outcome_rows(issued),
                           can_record_outcome=can_record_review_outcome(current_user, issued))


@bp.get("/issued/<int:review_id>.pdf")
def issued_pdf(review_id: int):
    """The issued document, byte for byte as it was signed (rendered once from the frozen HTML)."""
    issued = get_visible_or_404(visible_issued_reviews(current_user), review_id, IssuedReview)
    document = services.issued_document(issued)
    record_sensitive_read("IssuedReview", issued.id, "打印已签发考核报告")
    return services.pdf_response(document, _("考核报告_%(scope)s_%(id)s.pdf", scope=issued.scope_text, id=issued.id))


from portal.reports import outcome_routes  # noqa: E402,F401  (奖惩 routes on this blueprint)
