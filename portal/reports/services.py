"""Gathering a review for a viewer: scope choices and resolution through the scoped queries."""
from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload, selectinload

from portal import clock
from portal.access.reports import reports_company_wide, visible_report_departments, visible_report_users
from portal.extensions import db
from portal.models.auth import User
from portal.models.reports import IssuedReview
from portal.reports import snapshots
from portal.reports.kpis import Review, Scope, build_review, count_kpis
from portal.reports.periods import Period
from portal.settings_store import get_setting

# The PDF lists at most this many breached tickets / findings (the web drill-down has them all).
LIST_LIMIT = 200
# Lists of issued reviews: the signer in the same query, the frozen HTML and PDF left in the database.
ISSUED_LIST_OPTIONS = (joinedload(IssuedReview.issued_by), defer(IssuedReview.html), defer(IssuedReview.pdf))
# Admin accounts administer the portal; they are not assessed.
ASSESSED_ROLES = ("sales", "service", "tech", "marketing", "supervisor")


def scope_choices(viewer: User) -> list[tuple[str, str]]:
    """Scopes the viewer may choose: 全公司 (company-wide reviewers only), departments, staff."""
    choices = [("company", _("全公司"))] if reports_company_wide(viewer) else []
    departments = db.session.scalars(visible_report_departments(viewer))
    choices += [(f"d{d.id}", _("部门：%(name)s", name=d.name)) for d in departments]
    staff = db.session.scalars(visible_report_users(viewer).where(User.role.in_(ASSESSED_ROLES)))
    choices += [(f"u{u.id}", _("员工：%(name)s", name=u.display_name)) for u in staff]
    return choices


def resolve_scope(viewer: User, value: str) -> Scope:
    """The Scope a choice value names, through the scoped queries; out of the viewer's scope → 404."""
    from portal.models.auth import Department

    if value == "company" and reports_company_wide(viewer):
        return Scope("company", _("全公司"))
    kind, raw_id = value[:1], value[1:]
    if not raw_id.isdigit():
        abort(404)
    if kind == "d":
        department = db.session.scalar(visible_report_departments(viewer).where(Department.id == int(raw_id)))
        if department is None:
            abort(404)
        return Scope("department", department.name, department=department)
    if kind == "u":
        user = db.session.scalar(
            visible_report_users(viewer).where(User.id == int(raw_id), User.role.in_(ASSESSED_ROLES))
        )
        if user is None:
            abort(404)
        return Scope("employee", user.display_name, department=user.department, user=user)
    abort(404)


def review_staff(viewer: User, scope: Scope) -> list[User]:
    """The employees listed in a review of this scope (departments loaded in the same round trip)."""
    query = visible_report_users(viewer).where(User.role.in_(ASSESSED_ROLES)).options(selectinload(User.department))
    if scope.kind == "department":
        query = query.where(User.department_id == scope.department.id)
    elif scope.kind == "employee":
        query = query.where(User.id == scope.user.id)
    return list(db.session.scalars(query))


def review_for(viewer: User, period: Period, scope: Scope, from_snapshot: bool = False) -> Review:
    """The review of `scope` over `period` as the viewer may see it, weighted by the admin's weights;
    counted live, or (the web page) from snapshots up to `review_snapshot_minutes` old."""
    departments = list(db.session.scalars(visible_report_departments(viewer))) if scope.kind == "company" else []
    count = snapshots.SnapshotCounter(snapshots.configured_max_age()) if from_snapshot else count_kpis
    review = build_review(period, scope, review_staff(viewer, scope), departments, get_setting("kpi_weights"), count)
    review.as_of = count.as_of if from_snapshot else None
    review.data_until = period.data_until(clock.today())
    return review


def issued_for(viewer: User, period: Period, scope: Scope):
    """Issued reviews of exactly this period and scope that the viewer may open."""
    from portal.access.reports import visible_issued_reviews
    from portal.models.reports import IssuedReview

    return visible_issued_reviews(viewer).where(
        IssuedReview.period_start == period.start, IssuedReview.period_end == period.end,
        IssuedReview.scope_kind == scope.kind, IssuedReview.scope_id == scope_id(scope),
    )


def scope_id(scope: Scope) -> int | None:
    return {"company": None, "department": scope.department.id if scope.department else None,
            "employee": scope.user.id if scope.user else None}[scope.kind]


# --- drill-down ------------------------------------------------------------------------------------

def drill_record(code: str, part: str) -> str:
    from portal.reports.kpis import drill_record as record_kind

    return record_kind(code, part)


def drill_query(code: str, part: str, period: Period, scope: Scope):
    """(record, counted value) rows of one KPI part, related records loaded in the same query."""
    from sqlalchemy.orm import joinedload

    from portal.models.customer_health import ChurnWarning
    from portal.models.customers import Customer
    from portal.models.followups import FollowUp
    from portal.models.sales import Order, PaymentInstalment, SalesTarget
    from portal.models.revisits import RevisitRecord, RevisitTask, SpotCheck
    from portal.models.tickets import Ticket
    from portal.reports.kpis import part_query

    rows = part_query(code, part, period, scope).subquery()
    model, options, order = {
        "customer": (Customer, [joinedload(Customer.owner)], Customer.code),
        "order": (Order, [joinedload(Order.customer), joinedload(Order.owner)], Order.signed_on),
        "instalment": (PaymentInstalment, [joinedload(PaymentInstalment.order).joinedload(Order.customer)],
                       PaymentInstalment.due_on),
        "target": (SalesTarget, [joinedload(SalesTarget.user)], SalesTarget.month),
        "followup": (FollowUp, [joinedload(FollowUp.customer), joinedload(FollowUp.author)], FollowUp.next_action_on),
        "ticket": (Ticket, [joinedload(Ticket.customer), joinedload(Ticket.assignee)], Ticket.received_at),
        "revisit_task": (RevisitTask, [joinedload(RevisitTask.customer), joinedload(RevisitTask.assignee)],
                         RevisitTask.due_on),
        "revisit_record": (RevisitRecord, [joinedload(RevisitRecord.customer), joinedload(RevisitRecord.staff)],
                           RevisitRecord.revisited_at),
        "spot_check": (SpotCheck, [joinedload(SpotCheck.staff), joinedload(SpotCheck.record).joinedload(
            RevisitRecord.customer)], SpotCheck.checked_at),
        "churn_warning": (ChurnWarning, [joinedload(ChurnWarning.customer), joinedload(ChurnWarning.owner)],
                          ChurnWarning.raised_at),
    }[drill_record(code, part)]
    return (select(model, rows.c.value).join(rows, rows.c.record_id == model.id)
            .options(*options).order_by(order, model.id))


# --- PDFs ------------------------------------------------------------------------------------------

def generated_at():
    return clock.now()


def review_html(review: Review, viewer: User) -> str:
    """The print HTML of a review (cover, summary, charts, departments, employees, lists, appendix)."""
    from flask import render_template

    from portal.reports import charts

    return render_template("pdf/review.html", review=review, charts=charts.review_charts(review, for_pdf=True),
                           lists=review_lists(review), generated_at=generated_at(), printed_by=viewer)


def review_lists(review: Review) -> dict:
    """Breached tickets and spot-check findings of the scope and period, for the PDF's lists."""
    from sqlalchemy import or_
    from sqlalchemy.orm import joinedload

    from portal.models.revisits import SPOT_CHECK_PASS, SPOT_CHECK_PENDING, RevisitRecord, SpotCheck
    from portal.models.tickets import Ticket

    period, scope = review.period, review.scope
    breached = db.session.scalars(
        select(Ticket).options(joinedload(Ticket.customer), joinedload(Ticket.assignee))
        .where(scope.owner_condition(Ticket.assignee_id), Ticket.received_at >= period.start_at,
               Ticket.received_at < period.end_at,
               or_(Ticket.response_breached_at.is_not(None), Ticket.resolve_breached_at.is_not(None)))
        .order_by(Ticket.received_at).limit(LIST_LIMIT)
    ).all()
    findings = db.session.scalars(
        select(SpotCheck).options(joinedload(SpotCheck.staff), joinedload(SpotCheck.record).joinedload(
            RevisitRecord.customer))
        .join(RevisitRecord, RevisitRecord.id == SpotCheck.record_id)
        .where(scope.owner_condition(SpotCheck.staff_id), RevisitRecord.revisited_at >= period.start_at,
               RevisitRecord.revisited_at < period.end_at, SpotCheck.result.notin_((SPOT_CHECK_PASS, SPOT_CHECK_PENDING)))
        .order_by(SpotCheck.checked_at).limit(LIST_LIMIT)
    ).all()
    return {"breached": breached, "findings": findings, "limit": LIST_LIMIT}


def pdf_response(document: bytes, filename: str):
    """A PDF download with a sanitized filename; headers (no-store, CSP) come from the app."""
    from flask import make_response
    from werkzeug.http import dump_options_header

    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    safe = "".join(ch for ch in filename if ch.isalnum() or ch in "._-年月季度上下半第至 ").strip() or "report.pdf"
    response.headers["Content-Disposition"] = dump_options_header("attachment", {"filename*": f"UTF-8''{quote(safe)}",
                                                                                 "filename": "report.pdf"})
    return response


def quote(text: str) -> str:
    from urllib.parse import quote as url_quote

    return url_quote(text, safe="")


# --- issuing ---------------------------------------------------------------------------------------

def issue_review(review: Review, viewer: User):
    """Freeze a review: figures as JSON and the print HTML; the PDF is rendered from that HTML once."""
    from portal.models.reports import IssuedReview

    scope = review.scope
    issued = IssuedReview(
        period_kind=review.period.kind, period_start=review.period.start, period_end=review.period.end,
        # Stored as data: 全公司 in 简体 whoever issues it (IssuedReview.scope_text shows it translated).
        scope_kind=scope.kind, scope_id=scope_id(scope), scope_label="全公司" if scope.kind == "company" else scope.label,
        department_id=scope.department.id if scope.department else None, figures=review.as_json(),
        html=review_html(review, viewer), issued_by_id=viewer.id, issued_at=generated_at(),
    )
    db.session.add(issued)
    snapshots.forget(review.period, scope)  # the page recounts, so it shows what was just signed
    return issued


def render_issued_pdf_later(issued) -> None:
    """Render the issued PDF in the background and store it with the review."""
    from flask import current_app

    app, review_id = current_app._get_current_object(), issued.id

    def store(document: bytes) -> None:
        with app.app_context():
            store_issued_pdf(review_id, document)

    pdf_module().start_pdf_job(issued.html, issued.issued_by_id, f"issued-{issued.id}.pdf", on_done=store)


def pdf_module():
    from portal import pdf

    return pdf


def store_issued_pdf(review_id: int, document: bytes) -> bytes:
    """Keep the first rendering of an issued review for good; later calls return that one."""
    from portal.database import mark_write_intent
    from portal.models.reports import IssuedReview

    mark_write_intent()
    issued = db.session.get(IssuedReview, review_id)
    if issued.pdf is None:
        issued.pdf = document
        db.session.commit()
    return issued.pdf


def issued_document(issued) -> bytes:
    """The issued PDF; rendered from the frozen HTML now if the background render has not stored it."""
    if issued.pdf is not None:
        return issued.pdf
    document = pdf_module().html_to_pdf(issued.html, pdf_module().app_fetcher())
    return store_issued_pdf(issued.id, document)


def drift(issued, viewer: User) -> list[dict]:
    """Each frozen figure beside today's computation of the same period and scope; changed ones flagged."""
    period = Period(issued.period_kind, issued.period_start, issued.period_end)
    value = {"company": "company", "department": f"d{issued.scope_id}", "employee": f"u{issued.scope_id}"}
    scope = resolve_scope(viewer, value[issued.scope_kind])
    return compare_figures(issued.figures, review_for(viewer, period, scope).as_json())


def compare_figures(frozen_figures: dict, now: dict) -> list[dict]:
    """Frozen (issued) figure texts against current ones, drifted first."""
    from portal.reports.kpis import KPIS

    rows = []
    # The total row is the scope: named as today (全公司 in the reader's language), not as when issued.
    total = dict(frozen_figures.get("total", {}), label=now["total"]["label"])
    sections = [("total", total, now["total"])]
    for group in ("departments", "employees"):
        sections += [(key, row, now[group].get(key)) for key, row in frozen_figures.get(group, {}).items()]
    for _key, frozen, current in sections:
        for code, figure in frozen.get("figures", {}).items():
            today = current["figures"][code]["text"] if current and code in current["figures"] else "—"
            rows.append({"label": frozen.get("label", ""), "kpi": KPIS[code].name if code in KPIS else code,
                         "code": code, "frozen": figure["text"], "now": today, "drifted": today != figure["text"]})
    rows.sort(key=lambda row: not row["drifted"])  # drifted figures first; the sort is stable
    return rows


# --- 奖惩 outcomes ------------------------------------------------------------------------------------

def outcome_rows(issued) -> list[dict]:
    """Each assessed employee of an issued review with their outcome (None until recorded), in one query."""
    from portal.models.reports import ReviewOutcome

    outcomes = {o.employee_id: o for o in db.session.scalars(
        select(ReviewOutcome).where(ReviewOutcome.issued_review_id == issued.id)
        .options(joinedload(ReviewOutcome.recorded_by)))}
    employees = issued.figures.get("employees", {})
    return [{"employee_id": int(key[1:]), "label": row.get("label", ""), "department": row.get("department", ""),
             "score": row.get("score", "—"), "outcome": outcomes.get(int(key[1:]))}
            for key, row in employees.items() if key[1:].isdigit()]


def employee_outcomes(viewer: User, period: Period, user_id: int) -> list:
    """The employee's outcomes in issued reviews of exactly this period that the viewer may open."""
    from portal.access.reports import visible_issued_reviews
    from portal.models.reports import IssuedReview, ReviewOutcome

    reviews = visible_issued_reviews(viewer).with_only_columns(IssuedReview.id).where(
        IssuedReview.period_start == period.start, IssuedReview.period_end == period.end)
    return list(db.session.scalars(
        select(ReviewOutcome).where(ReviewOutcome.employee_id == user_id, ReviewOutcome.issued_review_id.in_(reviews))
        .options(joinedload(ReviewOutcome.issued_review).defer(IssuedReview.html).defer(IssuedReview.pdf),
                 joinedload(ReviewOutcome.recorded_by))
        .order_by(ReviewOutcome.id)))
