"""The library half of the knowledge blueprint: documents with versions, product defects, announcements."""
from flask import abort, flash, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.access import get_visible_or_404
from portal.access.customers import visible_customers
from portal.access.knowledge import visible_announcements, visible_defects, visible_documents
from portal.audit import record_sensitive_read
from portal.auth import permissions
from portal.database import write_during_page_view
from portal.extensions import db
from portal.knowledge import files, queries, services
from portal.knowledge.forms import AnnouncementForm, DefectForm, DefectMoveForm, DocumentForm, FileForm
from portal.knowledge.routes import bp, posted_id
from portal.models.auth import Department, User
from portal.models.customers import Customer
from portal.models.knowledge import (
    CONFIDENTIAL,
    INTERNAL,
    PUBLIC,
    Announcement,
    Defect,
    Document,
    DocumentVersion,
    KnowledgeRefused,
)
from portal.web import paginate, redirect_after_post, render_page_or_fragment


# --- documents 资料库 ---------------------------------------------------------------------------------
def load_document(document_id: int) -> Document:
    return get_visible_or_404(visible_documents(current_user), document_id, Document)


@bp.get("/documents/")
def documents():
    """资料库: the documents within the user's level, newest first."""
    query = visible_documents(current_user).order_by(Document.id.desc())
    category = request.args.get("category", "")
    if category:
        query = query.where(Document.category == category)
    return render_page_or_fragment("knowledge/documents.html", "knowledge/_documents.html",
                                   page=paginate(query), category=category)


def reader_choices() -> list[tuple[str, str]]:
    users = db.session.scalars(select(User).where(User.is_active_user.is_(True)).order_by(User.display_name))
    return [(str(user.id), user.display_name) for user in users]


@bp.route("/documents/new", methods=["GET", "POST"])
def document_create():
    """Upload a document with its level (内部: the uploader's department; 机密: the named readers)."""
    form = DocumentForm()
    form.readers.choices = reader_choices()
    if request.method == "GET":
        form.customer_id.data = request.args.get("customer_id", "")
    if form.validate_on_submit():
        customer = None
        if posted_id(form.customer_id.data):
            customer = get_visible_or_404(visible_customers(current_user), posted_id(form.customer_id.data), Customer)
        if form.level.data == INTERNAL and current_user.department_id is None:
            form.level.errors.append(_("您不属于任何部门，不能上传内部资料"))
        else:
            try:
                stored = files.save_upload(form.file.data)
            except files.UploadRefused as refused:
                form.file.errors.append(str(refused))
            else:
                readers = [db.session.get(User, posted_id(value)) for value in form.readers.data if posted_id(value)]
                document = Document(title=form.title.data, category=form.category.data, level=form.level.data,
                                    department_id=current_user.department_id if form.level.data == INTERNAL else None,
                                    owner=current_user, customer=customer,
                                    readers=[r for r in readers if r] if form.level.data == CONFIDENTIAL else [])
                db.session.add(document)
                document.add_version(current_user, **stored)
                services.index_document(document)
                db.session.commit()
                flash(_("资料已上传"), "success")
                return redirect_after_post(url_for("knowledge.document_detail", document_id=document.id))
    return render_page_or_fragment("knowledge/document_form.html", "knowledge/_document_form.html",
                                   status=422 if form.is_submitted() else 200, form=form)


@bp.get("/documents/<int:document_id>")
def document_detail(document_id: int):
    """A document: facts, every version, download and preview."""
    document = load_document(document_id)
    return render_template("knowledge/document.html", document=document, file_form=FileForm(),
                           previewable=files.PREVIEW_TYPES)


@bp.post("/documents/<int:document_id>/versions")
def document_upload(document_id: int):
    """A new version of a document (the uploader, or anyone in its level for 公开/内部)."""
    document = load_document(document_id)
    if document.level == CONFIDENTIAL and document.owner_id != current_user.id:
        abort(403)
    form = FileForm()
    try:
        if not form.validate_on_submit():
            raise files.UploadRefused(_("请选择要上传的文件"))
        stored = files.save_upload(form.file.data)
    except files.UploadRefused as refused:
        form.file.errors = [str(refused)]
        return render_template("knowledge/document.html", document=document, file_form=form,
                               previewable=files.PREVIEW_TYPES), 422
    document.add_version(current_user, **stored)
    services.index_document(document)
    db.session.commit()
    flash(_("已上传第 %(number)s 版", number=document.current_number), "success")
    return redirect_after_post(url_for("knowledge.document_detail", document_id=document.id))


def load_version(document_id: int, version_id: int) -> tuple[Document, DocumentVersion]:
    document = load_document(document_id)
    version = db.session.get(DocumentVersion, version_id)
    if version is None or version.document_id != document.id:
        abort(404)
    return document, version


def send_version(document: Document, version: DocumentVersion, inline: bool):
    try:
        path = files.stored_path(version.stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    if document.level != PUBLIC:
        record_sensitive_read("Document", document.id,
                              f"{'预览' if inline else '下载'}{document.level}资料 第{version.number}版：{version.filename}")
    response = send_file(path, mimetype=version.content_type, as_attachment=not inline,
                         download_name=version.filename)
    if inline:
        response.headers["Content-Security-Policy"] = files.PREVIEW_CSP
    return response


@bp.get("/documents/<int:document_id>/versions/<int:version_id>/download")
def document_download(document_id: int, version_id: int):
    """Download a version (always an attachment; 内部/机密 audited)."""
    document, version = load_version(document_id, version_id)
    return send_version(document, version, inline=False)


@bp.get("/documents/<int:document_id>/versions/<int:version_id>/preview")
def document_preview(document_id: int, version_id: int):
    """Show a PDF or image in the browser under a no-script policy; other types are 404 here."""
    document, version = load_version(document_id, version_id)
    if version.content_type not in files.PREVIEW_TYPES:
        abort(404)
    return send_version(document, version, inline=True)


# --- defects 产品缺陷库 ---------------------------------------------------------------------------------
def load_defect(defect_id: int) -> Defect:
    return get_visible_or_404(visible_defects(current_user), defect_id, Defect)


@bp.get("/defects/")
def defects():
    """产品缺陷库, ranked by the number of linked tickets."""
    page = paginate(queries.ranked_defects(), scalars=False)
    return render_page_or_fragment("knowledge/defects.html", "knowledge/_defects.html", page=page)


@bp.route("/defects/new", methods=["GET", "POST"])
def defect_create():
    """Record a product defect."""
    if not permissions.can_manage_defects(current_user):
        abort(403)
    form = DefectForm()
    if form.validate_on_submit():
        defect = Defect(product=form.product.data, product_version=form.product_version.data or "",
                        symptom=form.symptom.data, created_by=current_user)
        db.session.add(defect)
        db.session.commit()
        return redirect_after_post(url_for("knowledge.defect_detail", defect_id=defect.id))
    return render_page_or_fragment("knowledge/defect_form.html", "knowledge/_defect_form.html",
                                   status=422 if form.is_submitted() else 200, form=form)


@bp.get("/defects/<int:defect_id>")
def defect_detail(defect_id: int):
    """A defect with its tickets and their customers (those the user may see)."""
    defect = load_defect(defect_id)
    return render_template("knowledge/defect.html", defect=defect, tickets=queries.defect_tickets(current_user, defect),
                           move_form=DefectMoveForm())


@bp.post("/defects/<int:defect_id>/<action>")
def defect_move(defect_id: int, action: str):
    """确认 / 开始修复 / 已修复."""
    defect = load_defect(defect_id)
    if not permissions.can_manage_defects(current_user):
        abort(403)
    form = DefectMoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        defect.move(action, form.fixed_in_version.data or "")
    except KnowledgeRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("缺陷状态已更新"), "success")
    return redirect_after_post(url_for("knowledge.defect_detail", defect_id=defect.id))


# --- announcements 企业公告 -----------------------------------------------------------------------------
@bp.get("/announcements/")
def announcements():
    """Announcements addressed to the user; the poster sees read counts."""
    page = paginate(visible_announcements(current_user).order_by(Announcement.posted_at.desc()))
    counts = queries.read_counts([a.id for a in page.items])
    return render_page_or_fragment("knowledge/announcements.html", "knowledge/_announcements.html",
                                   page=page, counts=counts)


@bp.route("/announcements/new", methods=["GET", "POST"])
def announcement_create():
    """Post an announcement to everyone or one department (supervisors and admins)."""
    if not permissions.can_post_announcement(current_user):
        abort(403)
    form = AnnouncementForm()
    form.department_id.choices = [("", _("全体员工"))] + [
        (str(d.id), d.name) for d in db.session.scalars(select(Department).order_by(Department.name))]
    if form.validate_on_submit():
        department_id = posted_id(form.department_id.data)
        department = db.session.get(Department, department_id) if department_id else None
        announcement = Announcement(title=form.title.data, body=form.body.data, department=department,
                                    posted_by=current_user)
        db.session.add(announcement)
        db.session.commit()
        flash(_("公告已发布"), "success")
        return redirect_after_post(url_for("knowledge.announcement_detail", announcement_id=announcement.id))
    return render_page_or_fragment("knowledge/announcement_form.html", "knowledge/_announcement_form.html",
                                   status=422 if form.is_submitted() else 200, form=form)


@bp.get("/announcements/<int:announcement_id>")
def announcement_detail(announcement_id: int):
    """Read an announcement; opening it records the read receipt."""
    announcement = get_visible_or_404(visible_announcements(current_user), announcement_id, Announcement)
    if announcement.posted_by_id != current_user.id:  # the poster's own view is no read receipt
        with write_during_page_view():  # a short write in a page view
            services.mark_read(announcement, current_user)
    return render_template("knowledge/announcement.html", announcement=announcement,
                           read_count=queries.read_counts([announcement.id]).get(announcement.id, 0))
