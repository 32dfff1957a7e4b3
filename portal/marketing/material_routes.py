"""Materials 宣传资料 of an activity: upload (type checked by content), new versions, archive/publish,
download as an attachment with nosniff."""
from flask import abort, flash, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.auth.permissions import can_manage_activities
from portal.extensions import db
from portal.marketing import files, services
from portal.marketing.forms import MaterialForm, MaterialVersionForm
from portal.marketing.routes import bp, load_activity, render_detail, require
from portal.models.marketing import MATERIAL_ARCHIVED, ActivityMaterial, MaterialVersion, TransitionRefused
from portal.web import redirect_after_post


def load_material(activity_id: int, material_id: int) -> ActivityMaterial:
    """A material of an activity the user may see; archived ones only for those who manage activities."""
    activity = load_activity(activity_id)
    material = db.session.scalar(select(ActivityMaterial).where(ActivityMaterial.id == material_id,
                                                                ActivityMaterial.activity_id == activity.id))
    if material is None or (material.status == MATERIAL_ARCHIVED and not can_manage_activities(current_user)):
        abort(404)
    return material


@bp.post("/<int:activity_id>/materials")
def material_add(activity_id: int):
    """A new material with its first version."""
    activity = load_activity(activity_id)
    require(can_manage_activities(current_user))
    form = MaterialForm()
    if not form.validate():
        return render_detail(activity, status=422, material_form=form)
    try:
        stored = files.save_material(form.file.data)
    except files.MaterialRefused as refused:
        form.file.errors = [str(refused)]
        return render_detail(activity, status=422, material_form=form)
    services.add_material(activity, form.title.data, stored, current_user)
    db.session.commit()
    flash(_("资料已上传"), "success")
    return redirect_after_post(url_for("marketing.detail", activity_id=activity.id) + "#materials")


@bp.post("/<int:activity_id>/materials/<int:material_id>/versions")
def material_version_add(activity_id: int, material_id: int):
    """A new version of a material; earlier versions stay as they were."""
    material = load_material(activity_id, material_id)
    require(can_manage_activities(current_user))
    form = MaterialVersionForm()
    try:
        stored = files.save_material(form.file.data)
    except files.MaterialRefused as refused:
        flash(str(refused), "error")
        return render_detail(load_activity(activity_id), status=422)
    version = services.add_version(material, stored, current_user)
    db.session.commit()
    flash(_("已上传第 %(number)s 版", number=version.number), "success")
    return redirect_after_post(url_for("marketing.detail", activity_id=activity_id) + "#materials")


@bp.post("/<int:activity_id>/materials/<int:material_id>/<any(archive, publish):action>")
def material_status(activity_id: int, material_id: int, action: str):
    """归档 / 重新发布 a material."""
    material = load_material(activity_id, material_id)
    require(can_manage_activities(current_user))
    try:
        material.archive() if action == "archive" else material.publish()
    except TransitionRefused as refused:
        flash(str(refused), "error")
        return render_detail(load_activity(activity_id), status=409)
    db.session.commit()
    flash(_("资料状态已更新"), "success")
    return redirect_after_post(url_for("marketing.detail", activity_id=activity_id) + "#materials")


@bp.get("/<int:activity_id>/materials/<int:material_id>/versions/<int:version_id>")
def material_download(activity_id: int, material_id: int, version_id: int):
    """Download one version, always as an attachment under its sanitized name (nosniff is app-wide)."""
    material = load_material(activity_id, material_id)
    version = db.session.scalar(select(MaterialVersion).where(MaterialVersion.id == version_id,
                                                              MaterialVersion.material_id == material.id))
    if version is None:
        abort(404)
    try:
        path = files.stored_path(version.stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=version.content_type, as_attachment=True, download_name=version.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
