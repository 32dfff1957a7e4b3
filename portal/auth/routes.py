"""Login, logout and changing one's own password."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select

from portal import clock
from portal.audit import record_login
from portal.auth import throttle
from portal.auth.forms import ChangePasswordForm, LoginForm
from portal.auth.passwords import hash_password, verify_password
from portal.auth.sessions import REMEMBERED, end_session, remember_days, start_session
from portal.extensions import db
from portal.i18n import LANGUAGE_COOKIE, LANGUAGES
from portal.models.auth import User
from portal.web import redirect_after_post

bp = Blueprint("auth", __name__)
LANGUAGE_COOKIE_DAYS = 365
bp.add_app_template_global(remember_days, "remember_days")


def safe_next(target: str | None) -> str:
    """Only local paths are followed after login (SECURITY.md #7)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            if "\\" not in target:
                return target
    return url_for("workbench.index")


def throttled_response(form: LoginForm, retry_after: int):
    minutes = max(1, -(-retry_after // 60))
    form.form_errors.append(_("登录失败次数过多，请%(minutes)s分钟后再试，或联系管理员解锁", minutes=minutes))
    response = make_response(render_template("auth/login.html", form=form), 429)
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign-in page for everyone; throttled per username and per address before any hashing."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200
    username, address = form.username.data.strip(), request.remote_addr or ""
    retry_after = throttle.retry_after_seconds(username, address)
    if retry_after:
        return throttled_response(form, retry_after)
    user = db.session.scalar(select(User).where(User.username == username))
    if not verify_password(user.password_hash if user else None, form.password.data) or not user.is_active_user:
        throttle.record_failure(username, address)
        db.session.commit()
        form.form_errors.append(_("用户名或密码不正确"))
        return render_template("auth/login.html", form=form), 422
    throttle.clear_failures(username)
    user.last_login_at = clock.now()
    record_login(user)
    db.session.commit()
    end_session()  # a fresh session at login (no fixation)
    login_user(user)
    start_session(remember=bool(form.remember.data) and remember_days() > 0)
    return redirect(safe_next(request.args.get("next")), code=303)


@bp.post("/logout")
def logout():
    """End the session for real: the rotated token refuses any copy of the old cookie."""
    current_user.rotate_session_token()
    db.session.commit()
    end_session(forget=True)
    flash(_("您已安全退出"), "success")
    return redirect_after_post(url_for("auth.login"))


@bp.post("/language")
def set_language():
    """Choose the interface language: remembered on the account when signed in, and in this browser
    (the login page has no account yet)."""
    language = request.form.get("language")
    if language not in LANGUAGES:
        abort(400)
    if current_user.is_authenticated and current_user.language != language:
        current_user.language = language
        db.session.commit()
    response = redirect(safe_next(request.form.get("next")), code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=LANGUAGE_COOKIE_DAYS * 86400, samesite="Lax",
                        httponly=True, secure=request.is_secure)
    return response


@bp.get("/account")
def profile():
    """One's own account: name, role, department and the interface language."""
    return render_template("auth/profile.html")


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    """Change one's own password; needs the current one; other sessions are signed out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("当前密码不正确"))
        else:
            user = current_user._get_current_object()
            user.password_hash = hash_password(form.new_password.data)
            user.password_changed_at = clock.now()
            user.rotate_session_token()
            remembered = bool(session.get(REMEMBERED))
            db.session.commit()
            login_user(user)
            start_session(remember=remembered)  # this browser's remember cookie gets the new token
            flash(_("密码已修改"), "success")
            return redirect_after_post(url_for("workbench.index"))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/password.html", form=form), status
