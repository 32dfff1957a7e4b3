"""Routes of the customers area: list and search, the file form, detail, pool, archive, merge,
handover, Excel import/export and the print view."""
from flask import Blueprint, abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal import clock
from portal.access import get_visible_or_404
from portal.access.customers import visible_customers
from portal.audit import record_sensitive_read
from portal.auth.permissions import (
    can_archive_customer,
    can_assign_owner,
    can_claim_customer,
    can_claim_customers,
    can_create_customer,
    can_deactivate_users,
    can_edit_customer,
    can_export_customers,
    can_hand_over,
    can_import_customers,
    can_merge_customers,
    can_release_customer,
    can_see_contact_details,
    guard_area,
    is_manager,
)
from portal.customers import excel, queries, services
from portal.customers.forms import (
    ArchiveForm,
    ContactForm,
    CustomerFilterForm,
    CustomerForm,
    HandoverForm,
    ImportConfirmForm,
    ImportForm,
    MergeForm,
    ReleaseForm,
    customer_field_labels,
)
from portal.extensions import db
from portal.models.auth import User
from portal.models.customers import SYSTEM_REASONS, Customer
from portal.spreadsheets import xlsx_response
from portal.timeline import customer_timeline
from portal.web import paginate, redirect_after_post, render_page_or_fragment

bp = Blueprint("customers", __name__, url_prefix="/customers")
guard_area(bp, "customers")


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def load_customer(customer_id: int) -> Customer:
    return get_visible_or_404(visible_customers(current_user), customer_id, Customer)


@bp.app_context_processor
def customer_template_helpers():
    return {"can_see_contact_details": can_see_contact_details, "can_edit_customer": can_edit_customer,
            "can_claim_customer": can_claim_customer, "can_release_customer": can_release_customer,
            "can_archive_customer": can_archive_customer, "can_merge_customers": can_merge_customers,
            "can_create_customer": can_create_customer, "can_export_customers": can_export_customers,
            "can_import_customers": can_import_customers, "can_hand_over": can_hand_over,
            "customer_due": customer_due}


def customer_due(customer: Customer) -> dict:
    """What the 待办 panel shows (also re-rendered out of band after a follow-up is saved)."""
    return {"due": queries.due_next(customer), "pool_return_on": queries.pool_warning_on(customer)}


# --- list -------------------------------------------------------------------------------------------

def filter_form() -> CustomerFilterForm:
    form = CustomerFilterForm(request.args, owners=queries.owner_choices(current_user),
                              industries=queries.industry_choices(current_user))
    form.validate()
    return form


def list_context() -> dict:
    form = filter_form()
    filters = form.values()
    page = paginate(queries.filtered_customers(current_user, filters))
    return {"form": form, "filters": filters, "page": page, "today": clock.today(),
            "show_archived_filter": is_manager(current_user)}


@bp.get("/")
def index():
    """客户档案 list: scoped, searchable as you type, filtered, sorted and paged; the URL holds the filters."""
    return render_page_or_fragment("customers/index.html", "customers/_table.html", **list_context())


@bp.get("/export")
def export():
    """The current filtered list as .xlsx: exactly the rows the user may see (masked where required)."""
    require(can_export_customers(current_user))
    filters = filter_form().values()
    customers = list(db.session.scalars(queries.filtered_customers(current_user, filters)
                                        .limit(excel.EXPORT_LIMIT)).unique())
    record_sensitive_read("Customer", "list", f"导出客户列表 {len(customers)} 条")
    return xlsx_response(excel.export_workbook(customers, current_user),
                         _("客户档案_%(date)s.xlsx", date=clock.today().strftime("%Y%m%d")))


# --- the file form ------------------------------------------------------------------------------------

def customer_form(**kwargs) -> CustomerForm:
    owners = queries.owner_choices(current_user) if can_assign_owner(current_user) else None
    return CustomerForm(owner_choices=owners, **kwargs)


def form_duplicates(form: CustomerForm, exclude_id: int | None) -> list:
    rows = [entry.form for entry in form.contacts if not entry.form.remove.data]
    return queries.find_duplicates(
        name=form.name.data or "", credit_code=form.credit_code.data or "",
        phones=[row.phone.data for row in rows], emails=[row.email.data for row in rows], exclude_id=exclude_id,
    )


def duplicate_context(duplicates: list) -> dict:
    """What the 查重 panel shows (inline while typing and after 保存 alike): the rows, in-scope files in
    full and the rest masked, and the other rep who owns a duplicate when it is 撞单 for this user."""
    clash = queries.clashing_owner(current_user, duplicates) if current_user.role == "sales" else None
    visible = queries.visible_ids(current_user, [d.customer.id for d in duplicates])
    return {"duplicates": queries.duplicate_rows(duplicates, visible), "clash": clash}


def duplicate_problem(form: CustomerForm, context: dict) -> bool:
    """撞单 refuses a sales save outright (the red panel says so; no override is offered); other
    duplicates need an explicit confirmation."""
    if context["clash"] is not None:
        return True
    if context["duplicates"] and not form.confirm_duplicates.data:
        form.confirm_duplicates.errors = list(form.confirm_duplicates.errors) + [_("存在疑似重复客户，请核对后勾选确认再保存")]
        return True
    return False


def render_form(form, customer=None, status=200, duplicates=(), clash=None, conflict=None):
    """The file form; `duplicates` and `clash` come from duplicate_context()."""
    return render_page_or_fragment(
        "customers/form.html", "customers/_form.html", status=status, form=form, customer=customer,
        duplicates=duplicates, clash=clash, conflict=conflict,
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    """New customer file with contacts; duplicate check and 撞单 refusal before anything is saved."""
    require(can_create_customer(current_user))
    form = customer_form()
    if not form.validate_on_submit():
        if not form.is_submitted():
            return render_form(form)
        return render_form(form, status=422, **duplicate_context(form_duplicates(form, None)))
    duplicates = duplicate_context(form_duplicates(form, None))
    if duplicate_problem(form, duplicates):
        return render_form(form, status=422, **duplicates)
    customer = services.create_customer(form.customer_values(), form.contact_rows(), current_user)
    if form.collaborators():
        services.set_collaborators(customer, form.collaborators())
    db.session.commit()
    flash(_("客户档案 %(code)s 已创建", code=customer.code), "success")
    return redirect_after_post(url_for("customers.detail", customer_id=customer.id))


@bp.route("/<int:customer_id>/edit", methods=["GET", "POST"])
def edit(customer_id: int):
    """Edit the file; a stale version is refused with what changed (409), never silently overwritten."""
    customer = load_customer(customer_id)
    require(can_edit_customer(current_user, customer))
    form = customer_form(obj=customer if request.method == "GET" else None)
    if request.method == "GET":
        if form.can_choose_owner:
            form.owner_id.data = str(customer.owner_id or "")
            form.collaborator_ids.data = [str(user.id) for user in customer.collaborators]
        return render_form(form, customer)
    if not form.validate():
        return render_form(form, customer, status=422, **duplicate_context(form_duplicates(form, customer.id)))
    if form.version.data != str(customer.version):
        return conflict_response(form, customer)
    duplicates = duplicate_context(form_duplicates(form, customer.id))
    if duplicate_problem(form, duplicates):
        return render_form(form, customer, status=422, **duplicates)
    try:
        services.update_customer(customer, form.customer_values(), form.contact_rows(), current_user,
                                 stage_reason=form.stage_reason.data or "编辑客户档案")
        if form.collaborators() is not None:
            services.set_collaborators(customer, form.collaborators())
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return conflict_response(form, load_customer(customer_id))
    flash(_("客户档案已保存"), "success")
    return redirect_after_post(url_for("customers.detail", customer_id=customer.id))


def conflict_response(form: CustomerForm, customer: Customer):
    """409: show who changed the file and which saved values differ from what this user typed."""
    submitted = form.customer_values()
    differences = [
        (getattr(form, name).label.text, getattr(customer, name), value)
        for name, value in submitted.items()
        if name in form._fields and getattr(customer, name) != value
    ]
    conflict = {"differences": differences, "history": queries.customer_audit_history(customer, limit=5),
                "labels": customer_field_labels()}
    form.version.data = str(customer.version)
    return render_form(form, customer, status=409, conflict=conflict)


@bp.post("/duplicates")
def duplicates_check():
    """Inline 查重 while typing: likely duplicates and their owners; files out of scope only masked."""
    require(can_create_customer(current_user))
    form = customer_form(meta={"csrf": False})
    exclude = request.args.get("exclude", type=int)
    context = duplicate_context(form_duplicates(form, exclude))
    return render_page_or_fragment("customers/duplicates.html", "customers/_duplicates.html", confirm_form=form,
                                   **context)


@bp.get("/contact-row")
def contact_row():
    """One blank contact row for the form (htmx appends it in place)."""
    require(can_create_customer(current_user))
    index = min(max(request.args.get("index", 1, type=int) or 1, 1), 49)
    row = ContactForm(prefix=f"contacts-{index}")
    return render_page_or_fragment("customers/contact_row.html", "customers/_contact_row.html",
                                   row=row, index=index, next_index=index + 1, oob=True)


# --- detail -----------------------------------------------------------------------------------------------

def detail_context(customer: Customer) -> dict:
    percent, missing = queries.completeness_of(customer)
    history = queries.customer_audit_history(customer)
    return {
        "customer": customer, "completeness": percent, "missing": missing, "due": queries.due_next(customer),
        "timeline": customer_timeline(customer, limit=100), "history": history,
        "user_names": queries.user_names_in(history),
        "pool_return_on": queries.pool_warning_on(customer), "release_form": ReleaseForm(),
        "archive_form": ArchiveForm(), "show_contacts": can_see_contact_details(current_user, customer),
        "merged_into": db.session.get(Customer, customer.merged_into_id) if customer.merged_into_id else None,
        "field_labels": customer_field_labels(),
        # Audited columns whose values are the portal's own words (shown translated in the history).
        "enum_fields": ("tier", "stage", "source_channel", "preferred_channel"),
        "system_reasons": SYSTEM_REASONS,
    }


@bp.get("/<int:customer_id>")
def detail(customer_id: int):
    """The file at a glance: facts, completeness, contacts, what is due, other areas' sections, timeline, audit."""
    customer = queries.load_for_detail(current_user, customer_id)
    if customer is None:
        abort(404)
    return render_template("customers/detail.html", **detail_context(customer))


@bp.get("/<int:customer_id>/print")
def print_view(customer_id: int):
    """A4 print view of the file (the browser prints it with print.css)."""
    customer = queries.load_for_detail(current_user, customer_id)
    if customer is None:
        abort(404)
    record_sensitive_read("Customer", customer.id, "打印客户档案")
    return render_template("customers/print.html", printed_at=clock.now(), **detail_context(customer))


# --- pool, archive, merge --------------------------------------------------------------------------------

@bp.post("/<int:customer_id>/claim")
def claim(customer_id: int):
    """Claim a pool customer: one conditional UPDATE, so only one of two simultaneous claims wins."""
    customer = load_customer(customer_id)
    require(can_claim_customers(current_user))
    won = services.claim_from_pool(customer.id, current_user)
    db.session.commit()
    flash(_("已领取该客户") if won else _("该客户已被他人领取"), "success" if won else "warning")
    if not won and request.headers.get("HX-Request"):
        response = make_response(render_template("_flashes.html"), 409)
        return response
    return redirect_after_post(url_for("customers.detail", customer_id=customer.id) if won else url_for("customers.index", owner="pool"))


@bp.post("/<int:customer_id>/release")
def release(customer_id: int):
    """Give the customer back to the public pool with a reason."""
    customer = load_customer(customer_id)
    require(can_release_customer(current_user, customer))
    form = ReleaseForm()
    if not form.validate():
        return render_template("customers/release.html", customer=customer, form=form), 422
    services.release_to_pool(customer, form.reason.data, current_user)
    db.session.commit()
    flash(_("已释放到公海"), "success")
    return redirect_after_post(url_for("customers.index"))


@bp.post("/<int:customer_id>/archive")
def archive(customer_id: int):
    """Archive the file (managers); it leaves the lists but stays searchable for managers."""
    customer = load_customer(customer_id)
    require(can_archive_customer(current_user, customer))
    form = ArchiveForm()
    if not form.validate():
        abort(400)
    if customer.archived_at is not None:
        return redirect_after_post(url_for("customers.detail", customer_id=customer.id))
    services.archive_customer(customer, form.reason.data or "")
    db.session.commit()
    flash(_("客户档案已归档"), "success")
    return redirect_after_post(url_for("customers.detail", customer_id=customer.id))


@bp.post("/<int:customer_id>/restore")
def restore(customer_id: int):
    """Restore an archived file (managers)."""
    customer = load_customer(customer_id)
    require(can_archive_customer(current_user, customer))
    if customer.archived_at is None:
        return redirect_after_post(url_for("customers.detail", customer_id=customer.id))
    services.restore_customer(customer)
    db.session.commit()
    flash(_("客户档案已恢复"), "success")
    return redirect_after_post(url_for("customers.detail", customer_id=customer.id))


@bp.route("/<int:customer_id>/merge", methods=["GET", "POST"])
def merge(customer_id: int):
    """Merge another file into this one (managers): preview, then confirm; the other is archived with a pointer."""
    require(can_merge_customers(current_user))
    kept = load_customer(customer_id)
    form = MergeForm()
    other = None
    if form.validate_on_submit():
        code = form.other_code.data.strip().upper()
        other = db.session.scalar(visible_customers(current_user).where(Customer.code == code))
        if other is None or other.id == kept.id or other.merged_into_id is not None:
            form.other_code.errors.append(_("找不到可合并的客户编号（须为其他未合并的客户）"))
            other = None
        elif form.confirm.data:
            counts = services.merge_customers(kept, other, current_user)
            db.session.commit()
            flash(_("已合并：%(counts)s", counts=count_list(counts)), "success")
            return redirect_after_post(url_for("customers.detail", customer_id=kept.id))
    status = 422 if form.is_submitted() and other is None else 200
    return render_page_or_fragment("customers/merge.html", "customers/_merge.html", status=status,
                                   form=form, kept=kept, other=other)


# --- handover ---------------------------------------------------------------------------------------------

def count_list(counts: dict[str, int]) -> str:
    """"客户 3，跟进记录 4": each area's label (an N_-marked msgid) in the user's language with its number."""
    return _("，").join(_("%(label)s %(n)s", label=_(label), n=number) for label, number in counts.items())


def handover_staff() -> list[User]:
    query = select(User).where(User.role.in_(("sales", "service", "tech", "marketing", "supervisor")))
    if current_user.role == "supervisor" and current_user.department_id is not None:
        query = query.where(User.department_id == current_user.department_id)
    return list(db.session.scalars(query.order_by(User.display_name)))


@bp.route("/handover", methods=["GET", "POST"])
def handover():
    """交接: pick the departing employee and receivers, preview what moves, confirm; one transaction."""
    require(can_hand_over(current_user))
    staff = handover_staff()
    form = HandoverForm(staff=staff)
    if not form.validate_on_submit():
        return render_page_or_fragment("customers/handover.html", "customers/_handover.html",
                                       status=422 if form.is_submitted() else 200, form=form, preview=None)
    from_user = next(user for user in staff if str(user.id) == form.from_user_id.data)
    receivers = form.receivers()
    if form.confirm.data != "1":
        preview = services.handover(from_user, receivers, current_user, dry_run=True)
        db.session.rollback()
        form.confirm.data = "1"
        names = {user.id: user.display_name for user in staff}
        split = [(names[receiver_id], customers) for receiver_id, customers in services.handover_split(from_user, receivers)]
        return render_page_or_fragment("customers/handover.html", "customers/_handover.html", form=form,
                                       preview=preview, from_user=from_user, split=split,
                                       receiver_names=[names[i] for i in receivers])
    counts = services.handover(from_user, receivers, current_user, dry_run=False)
    db.session.commit()
    flash(_("%(name)s 的交接已完成：%(counts)s", name=from_user.display_name, counts=count_list(counts)), "success")
    # The flow ends with its next step: deactivating the leaver's account, which only admins do.
    if can_deactivate_users(current_user):
        flash(_("下一步：在下方用户列表中停用 %(name)s 的账号", name=from_user.display_name), "warning")
        return redirect_after_post(url_for("admin.users"))
    flash(_("下一步：请管理员停用 %(name)s 的账号（账号停用仅限管理员）", name=from_user.display_name), "warning")
    return redirect_after_post(url_for("customers.index"))


# --- Excel import -----------------------------------------------------------------------------------------

@bp.get("/import/template")
def import_template():
    """The import template with Chinese headers and one example row."""
    require(can_import_customers(current_user))
    return xlsx_response(excel.template_workbook(), _("客户导入模板.xlsx"))


@bp.route("/import", methods=["GET", "POST"])
def import_upload():
    """Upload an .xlsx and see the dry run: per-row errors and duplicates, nothing written yet."""
    require(can_import_customers(current_user))
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("customers/import.html", form=form, preview=None), 422 if form.is_submitted() else 200
    token = excel.store_upload(form.file.data)
    preview = excel.preview_import(token, form.on_match.data, current_user)
    if preview.unreadable:
        form.file.errors.append(preview.unreadable)
        return render_template("customers/import.html", form=form, preview=None), 422
    confirm = ImportConfirmForm(token=token, on_match=form.on_match.data)
    return render_template("customers/import.html", form=form, preview=preview, confirm=confirm)


@bp.post("/import/confirm")
def import_confirm():
    """Write the previewed rows, all or nothing (Core bulk inserts), then report what happened."""
    require(can_import_customers(current_user))
    form = ImportConfirmForm()
    if not form.validate() or not excel.upload_exists(form.token.data):
        abort(400)
    result = excel.run_import(form.token.data, form.on_match.data or "skip", current_user)
    db.session.commit()
    if result.rejected:
        message = _("导入完成：新建 %(created)s 条，更新 %(updated)s 条，跳过 %(skipped)s 条，%(rejected)s 行因错误未导入",
                    created=result.created, updated=result.updated, skipped=result.skipped,
                    rejected=len(result.rejected))
    else:
        message = _("导入完成：新建 %(created)s 条，更新 %(updated)s 条，跳过 %(skipped)s 条",
                    created=result.created, updated=result.updated, skipped=result.skipped)
    flash(message, "success")
    return redirect_after_post(url_for("customers.index"))


@bp.get("/import/<token>/rejected.xlsx")
def import_rejected(token: str):
    """The rejected rows of a previewed upload, each with its reason, as .xlsx."""
    require(can_import_customers(current_user))
    if not excel.upload_exists(token):
        abort(404)
    preview = excel.preview_import(token, request.args.get("on_match", "skip"), current_user)
    return xlsx_response(excel.rejected_workbook(preview), _("导入被拒绝的行.xlsx"))
