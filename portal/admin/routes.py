"""Admin pages: users, departments, tunable settings."""
from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.admin import services
from portal.admin.forms import (
    KPI_WEIGHT_FIELDS,
    SETTING_FIELDS,
    DepartmentForm,
    NewUserForm,
    ResetPasswordForm,
    SettingsForm,
    UserForm,
)
from portal.auth import throttle
from portal.auth.passwords import hash_password
from portal.auth.permissions import guard_area
from portal.extensions import db
from portal.models.auth import Department, User
from portal.web import paginate, redirect_after_post

bp = Blueprint("admin", __name__, url_prefix="/admin")
guard_area(bp, "admin")


def get_or_404(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


@bp.get("/users/")
def users():
    """All user accounts with role, department, state and lock status; admin only."""
    query = select(User).order_by(User.is_active_user.desc(), User.role, User.username)
    page = paginate(query)
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    return render_template(
        "admin/users.html", page=page, departments=departments, locked=throttle.locked_usernames()
    )


@bp.route("/users/new", methods=["GET", "POST"])
def user_create():
    """Create an account with an initial password; admin only."""
    form = NewUserForm()
    if form.validate_on_submit():
        user = User(password_hash=hash_password(form.password.data), role=form.role.data)
        services.apply_user_form(user, form)
        db.session.add(user)
        db.session.commit()
        flash(_("已创建用户 %(display_name)s", display_name=user.display_name), "success")
        return redirect_after_post(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 422 if form.is_submitted() else 200


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Edit name, role and department; a role change takes effect on the user's next request."""
    user = get_or_404(User, user_id)
    form = UserForm(obj=user, editing=user)
    if request.method == "GET":
        form.department_id.data = str(user.department_id or "")
        form.language.data = user.language or ""
    if form.validate_on_submit():
        if str(user.version) != form.version.data:
            form.form_errors.append(_("该用户已被其他人修改，请刷新后重试"))
            return render_template("admin/user_form.html", form=form, user=user), 409
        services.apply_user_form(user, form)
        db.session.commit()
        flash(_("用户信息已保存"), "success")
        return redirect_after_post(url_for("admin.users"))
    reset_form = ResetPasswordForm(prefix="reset")
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=user, reset_form=reset_form), status


@bp.post("/users/<int:user_id>/password")
def user_reset_password(user_id: int):
    """Set a new password for a user; their sessions end."""
    user = get_or_404(User, user_id)
    reset_form = ResetPasswordForm(prefix="reset")
    if not reset_form.validate_on_submit():
        form = UserForm(obj=user, editing=user)
        form.department_id.data = str(user.department_id or "")
        form.language.data = user.language or ""
        return render_template("admin/user_form.html", form=form, user=user, reset_form=reset_form), 422
    services.reset_password(user, reset_form.password.data)
    db.session.commit()
    flash(_("已重置 %(display_name)s 的密码", display_name=user.display_name), "success")
    return redirect_after_post(url_for("admin.users"))


@bp.post("/users/<int:user_id>/deactivate")
def user_deactivate(user_id: int):
    """Deactivate (never delete) an account; it loses access on its next request."""
    user = get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("不能停用自己的账号"), "error")
    else:
        services.set_active(user, False)
        db.session.commit()
        flash(_("已停用 %(display_name)s", display_name=user.display_name), "success")
    return redirect_after_post(url_for("admin.users"))


@bp.post("/users/<int:user_id>/activate")
def user_activate(user_id: int):
    """Re-enable a deactivated account."""
    user = get_or_404(User, user_id)
    services.set_active(user, True)
    db.session.commit()
    flash(_("已启用 %(display_name)s", display_name=user.display_name), "success")
    return redirect_after_post(url_for("admin.users"))


@bp.post("/users/<int:user_id>/unlock")
def user_unlock(user_id: int):
    """Clear the login throttle for an account."""
    user = get_or_404(User, user_id)
    throttle.clear_failures(user.username)
    db.session.commit()
    flash(_("已解锁 %(display_name)s", display_name=user.display_name), "success")
    return redirect_after_post(url_for("admin.users"))


@bp.get("/departments/")
def departments():
    """Departments and their heads."""
    rows = db.session.scalars(select(Department).order_by(Department.id)).all()
    return render_template("admin/departments.html", departments=rows)


@bp.route("/departments/new", methods=["GET", "POST"], defaults={"department_id": None})
@bp.route("/departments/<int:department_id>/edit", methods=["GET", "POST"])
def department_form(department_id: int | None):
    """Create or rename a department and choose its head."""
    department = get_or_404(Department, department_id) if department_id else None
    form = DepartmentForm(obj=department, editing=department)
    if request.method == "GET" and department:
        form.head_id.data = str(department.head_id or "")
    if form.validate_on_submit():
        if department is None:
            department = Department(name="")
            db.session.add(department)
        department.name = form.name.data.strip()
        department.head_id = int(form.head_id.data) if form.head_id.data else None
        db.session.commit()
        flash(_("部门已保存"), "success")
        return redirect_after_post(url_for("admin.departments"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/department_form.html", form=form, department=department), status


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """The tunable rules of DESIGN.md: cadences, pool, SLAs, revisit windows, KPI weights, sessions."""
    form = SettingsForm(data=services.settings_form_data() if request.method == "GET" else None)
    if form.validate_on_submit():
        services.save_settings_form(form)
        db.session.commit()
        flash(_("设置已保存"), "success")
        return redirect_after_post(url_for("admin.settings"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "admin/settings.html", form=form, setting_fields=SETTING_FIELDS, weight_fields=KPI_WEIGHT_FIELDS
    ), status
