"""Routes of the tickets area: ledger, intake, ticket page and its transitions, attachments, analysis."""
from flask import Blueprint, abort, current_app, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.access import get_visible_or_404
from portal.access.tickets import visible_tickets
from portal.audit import record_sensitive_read
from portal.auth import permissions
from portal.auth.permissions import can_export_tickets, can_file_ticket, guard_area
from portal.extensions import db, htmx
from portal.models.auth import Department, User
from portal.models.customers import Customer
from portal.models.tickets import Ticket, TicketAttachment, TransitionRefused
from portal.spreadsheets import xlsx_response
from portal.tickets import exports, files, queries, sections, services  # noqa: F401  (sections registers itself)
from portal.tickets.forms import (
    AnalysisFilterForm, AttachmentForm, CloseForm, CommentForm, DispatchForm, NoteForm, ReopenForm, ResolveForm,
    TicketFilterForm, TicketForm,
)
from portal.web import paginate, redirect_after_post, render_page_or_fragment
from portal.workbench import rows

bp = Blueprint("tickets", __name__, url_prefix="/tickets")
guard_area(bp, "tickets")

SIMPLE_ACTIONS = ("confirm", "start", "pause", "resume")
PRINT_LIMIT = 500


@bp.app_context_processor
def ticket_helpers():
    """Predicates and helpers for ticket templates (the customer page includes our section too)."""
    return {
        "ticket_sla_badge": queries.sla_badge,
        "ticket_contact": lambda ticket: permissions.shown_contact(current_user, ticket.customer, "ticket_contact",
                                                                   ticket.contact),
        "ticket_status_tone": lambda status: queries.STATUS_TONES.get(status, "grey"),
        "recent_customer_tickets": lambda customer: queries.recent_customer_tickets(current_user, customer),
        "can_ticket": lambda action, ticket: permissions.can_transition_ticket(current_user, ticket, action),
        "can_file_ticket": can_file_ticket,
        "can_export_tickets": can_export_tickets,
        "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
    }


def load_ticket(ticket_id: int) -> Ticket:
    return get_visible_or_404(visible_tickets(current_user), ticket_id, Ticket)


def filter_form() -> TicketFilterForm:
    form = TicketFilterForm(request.args)
    form.validate()
    return form


@bp.get("/")
def index():
    """问题跟踪台账: the tickets in the user's scope, filtered, breached first."""
    form = filter_form()
    page = paginate(queries.ledger_query(current_user, form))
    return render_page_or_fragment("tickets/index.html", "tickets/_table.html", form=form, page=page, now=clock.now())


@bp.get("/export.xlsx")
def export():
    """The filtered ledger as .xlsx (service, supervisors, admins); logged as a sensitive read."""
    if not can_export_tickets(current_user):
        abort(403)
    form = filter_form()
    tickets = list(db.session.scalars(queries.ledger_query(current_user, form).limit(exports.EXPORT_LIMIT)))
    record_sensitive_read("Ticket", "export", f"导出问题跟踪台账 {len(tickets)} 条：{request.query_string.decode()[:180]}")
    return xlsx_response(exports.ledger_workbook(tickets), f"{_(exports.SHEET_NAME)}-{clock.today():%Y%m%d}.xlsx")


@bp.get("/print")
def print_view():
    """Printable ledger (A4 landscape), same filters and scope as the list."""
    form = filter_form()
    tickets = list(db.session.scalars(queries.ledger_query(current_user, form).limit(PRINT_LIMIT)))
    record_sensitive_read("Ticket", "print", f"打印问题跟踪台账 {len(tickets)} 条：{request.query_string.decode()[:180]}")
    return render_template("tickets/print.html", tickets=tickets, form=form, now=clock.now(), limit=PRINT_LIMIT)


@bp.get("/analysis")
def analysis():
    """投诉分析: by category and root cause, repeat complaints, response/resolution times per department."""
    if not can_export_tickets(current_user):
        abort(403)
    form = AnalysisFilterForm(request.args)
    form.validate()
    period = (form.date_from.data, form.date_to.data)
    return render_template(
        "tickets/analysis.html", form=form,
        by_category=queries.counts_by(current_user, "category", *period),
        by_root_cause=queries.counts_by(current_user, "root_cause_type", *period),
        by_kind=queries.counts_by(current_user, "kind", *period),
        repeats=queries.repeat_complaints(current_user, *period),
        department_times=queries.department_times(current_user, *period),
    )


def intake_form() -> TicketForm:
    keyword = request.values.get("customer_query", "")
    options = queries.customer_options(current_user, keyword)
    preset = request.values.get("customer_id", type=int)
    if preset and all(c.id != preset for c in options):
        chosen = db.session.scalar(visible_customers_query().where(Customer.id == preset))
        options = ([chosen] if chosen else []) + options
    form = TicketForm(customer_options=options)
    if request.method == "GET":
        form.received_at.data = clock.now()
        form.customer_id.data = str(preset or "")
    return form


def visible_customers_query():
    from portal.access.customers import visible_customers

    return visible_customers(current_user)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """受理工单: intake for a customer in the user's scope, with an optional attachment."""
    if not can_file_ticket(current_user):
        abort(403)
    form = intake_form()
    if form.validate_on_submit():
        customer = db.session.scalar(visible_customers_query().where(Customer.id == int(form.customer_id.data)))
        if customer is None:
            form.customer_id.errors.append(_("请选择客户"))
        else:
            try:
                upload = files.save_upload(form.attachment.data) if form.attachment.data else None
            except files.AttachmentRefused as refused:
                form.attachment.errors.append(str(refused))
            else:
                ticket = services.create_ticket(
                    customer=customer, kind=form.kind.data, category=form.category.data, severity=form.severity.data,
                    description=form.description.data, by=current_user, received_at=form.received_at.data,
                    channel=form.channel.data, complainant=form.complainant.data, contact=form.contact.data,
                )
                if upload:
                    services.attach(ticket, upload, current_user)
                db.session.commit()
                flash(_("已受理工单 %(number)s", number=ticket.number), "success")
                return redirect_after_post(url_for("tickets.detail", ticket_id=ticket.id))
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("tickets/form.html", "tickets/_form.html", status=status, form=form)


@bp.get("/customer-search")
def customer_search():
    """Search-as-you-type: the customer select of the intake form, narrowed to the typed keyword."""
    form = intake_form()
    return render_template("tickets/_customer_select.html", form=form)


def detail_context(ticket: Ticket, **forms) -> dict:
    version = {"version": ticket.version}
    context = {
        "ticket": ticket,
        "dispatch_form": DispatchForm(data={**version, "department_id": str(ticket.department_id or ""),
                                             "assignee_id": str(ticket.assignee_id or "")}),
        "resolve_form": ResolveForm(data={**version, "solution": ticket.solution, "root_cause": ticket.root_cause}),
        "close_form": CloseForm(data=version),
        "reopen_form": ReopenForm(data=version),
        "comment_form": CommentForm(),
        "attachment_form": AttachmentForm(),
        "note_form": NoteForm(),
        "now": clock.now(),
    }
    context.update(forms)
    return context


def render_detail(ticket: Ticket, status: int = 200, **forms):
    return render_page_or_fragment("tickets/detail.html", "tickets/_detail.html", status=status,
                                   **detail_context(ticket, **forms))


@bp.get("/<int:ticket_id>")
def detail(ticket_id: int):
    """The ticket page: facts, SLA, actions the user may take, timeline and attachments."""
    return render_detail(load_ticket(ticket_id))


def stale(ticket: Ticket, form) -> bool:
    return form.version.data != str(ticket.version)


def refused(ticket: Ticket, message: str, **forms):
    db.session.rollback()
    flash(message, "error")
    return render_detail(db.session.get(Ticket, ticket.id), status=409, **forms)


def require(action: str, ticket: Ticket) -> None:
    if not permissions.can_transition_ticket(current_user, ticket, action):
        abort(403)


def done(ticket: Ticket, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect_after_post(url_for("tickets.detail", ticket_id=ticket.id))


@bp.post("/<int:ticket_id>/dispatch")
def dispatch(ticket_id: int):
    """派工/改派 to a department and optionally a person; the SLA clock keeps running."""
    ticket = load_ticket(ticket_id)
    require("dispatch", ticket)
    form = DispatchForm()
    if not form.validate_on_submit():
        return render_detail(ticket, status=422, dispatch_form=form)
    if stale(ticket, form):
        return refused(ticket, _("工单已被其他人修改，请刷新后重试"))
    department = db.session.get(Department, int(form.department_id.data))
    assignee = db.session.get(User, int(form.assignee_id.data)) if form.assignee_id.data else None
    try:
        ticket.dispatch(department, assignee, current_user, form.note.data or "")
    except TransitionRefused as error:
        return refused(ticket, str(error))
    return done(ticket, _("已派工"))


@bp.post("/<int:ticket_id>/state/<action>")
def transition(ticket_id: int, action: str):
    """确认派工 / 开始处理 / 待客户反馈 / 恢复处理 by the handler."""
    if action not in SIMPLE_ACTIONS:
        abort(404)
    ticket = load_ticket(ticket_id)
    require(action, ticket)
    form = NoteForm()
    if not form.validate_on_submit():
        return render_detail(ticket, status=422, note_form=form)
    note = form.note.data or ""
    try:
        if action == "confirm":
            ticket.confirm(current_user)
        elif action == "start":
            ticket.start(current_user)
        elif action == "pause":
            ticket.pause(current_user, note)
        else:
            services.resume_ticket(ticket, current_user, note)
    except TransitionRefused as error:
        return refused(ticket, str(error))
    if action == "confirm" and rows.from_worklist():
        db.session.commit()
        message = _("已确认派工：%(number)s %(name)s", number=ticket.number, name=ticket.customer.name)
        if htmx:
            return rows.row_done(message, url_for("tickets.detail", ticket_id=ticket.id), _("打开工单"))
        return rows.redirect_to_worklist(message)
    return done(ticket, {"confirm": _("已确认派工"), "start": _("已开始处理"), "pause": _("已暂停计时，等待客户反馈"),
                         "resume": _("已恢复处理")}[action])


@bp.post("/<int:ticket_id>/resolve")
def resolve(ticket_id: int):
    """已解决: the handler records the solution and the root cause."""
    ticket = load_ticket(ticket_id)
    require("resolve", ticket)
    form = ResolveForm()
    if not form.validate_on_submit():
        return render_detail(ticket, status=422, resolve_form=form)
    if stale(ticket, form):
        return refused(ticket, _("工单已被其他人修改，请刷新后重试"), resolve_form=form)
    try:
        ticket.resolve(current_user, form.solution.data, form.root_cause_type.data, form.root_cause.data,
                       form.compensation.data or "")
    except TransitionRefused as error:
        return refused(ticket, str(error), resolve_form=form)
    return done(ticket, _("工单已解决，等待回访关闭"))


@bp.post("/<int:ticket_id>/close")
def close(ticket_id: int):
    """回访关闭: the customer's satisfaction and comment, by someone other than the resolver."""
    ticket = load_ticket(ticket_id)
    require("close", ticket)
    form = CloseForm()
    if not form.validate_on_submit():
        return render_detail(ticket, status=422, close_form=form)
    if stale(ticket, form):
        return refused(ticket, _("工单已被其他人修改，请刷新后重试"), close_form=form)
    try:
        closed = services.record_closing_revisit(ticket, current_user, int(form.satisfaction.data),
                                                 form.comment.data, escalate=form.escalate.data)
    except TransitionRefused as error:
        return refused(ticket, str(error), close_form=form)
    if closed:
        return done(ticket, _("已记录回访，工单已关闭"))
    return done(ticket, _("客户不满意：工单已升级主管") if ticket.status != "重新打开" else _("客户不满意：工单已重新打开"))


@bp.post("/<int:ticket_id>/reopen")
def reopen(ticket_id: int):
    """重新打开 a resolved or closed ticket, with a reason."""
    ticket = load_ticket(ticket_id)
    require("reopen", ticket)
    form = ReopenForm()
    if not form.validate_on_submit():
        return render_detail(ticket, status=422, reopen_form=form)
    if stale(ticket, form):
        return refused(ticket, _("工单已被其他人修改，请刷新后重试"), reopen_form=form)
    try:
        services.reopen_ticket(ticket, current_user, form.reason.data)
    except TransitionRefused as error:
        return refused(ticket, str(error), reopen_form=form)
    return done(ticket, _("工单已重新打开"))


@bp.post("/<int:ticket_id>/comments")
def comment(ticket_id: int):
    """评论 or 内部备注 on the ticket's timeline."""
    ticket = load_ticket(ticket_id)
    if not permissions.can_comment_ticket(current_user, ticket):
        abort(403)
    form = CommentForm()
    if not form.validate_on_submit():
        return render_detail(ticket, status=422, comment_form=form)
    ticket.log("内部备注" if form.internal.data else "评论", current_user, form.body.data, internal=form.internal.data)
    return done(ticket, _("已添加"))


@bp.post("/<int:ticket_id>/attachments")
def attachment_upload(ticket_id: int):
    """Attach an image, PDF or Office file (type checked by content, size-limited)."""
    ticket = load_ticket(ticket_id)
    if not permissions.can_attach_to_ticket(current_user, ticket):
        abort(403)
    form = AttachmentForm()
    if not form.validate_on_submit() or not form.file.data:
        form.file.errors = list(form.file.errors) + [_("请选择要上传的文件")]
        return render_detail(ticket, status=422, attachment_form=form)
    try:
        upload = files.save_upload(form.file.data)
    except files.AttachmentRefused as error:
        form.file.errors = [str(error)]
        return render_detail(ticket, status=422, attachment_form=form)
    services.attach(ticket, upload, current_user)
    return done(ticket, _("附件已上传"))


@bp.get("/<int:ticket_id>/attachments/<int:attachment_id>")
def attachment(ticket_id: int, attachment_id: int):
    """Download an attachment of a ticket in scope (always as a download, sanitized name)."""
    ticket = load_ticket(ticket_id)
    item = db.session.get(TicketAttachment, attachment_id)
    if item is None or item.ticket_id != ticket.id:
        abort(404)
    try:
        path = files.stored_path(item.stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype=item.content_type if item.content_type.startswith(("image/", "application/"))
                     else "application/octet-stream", as_attachment=True, download_name=item.filename)
