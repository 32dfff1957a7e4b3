"""Session lifecycle: deny by default, token-checked user loading, idle timeout and absolute lifetime.

SECURITY.md #4–#8: every endpoint but the allow-list needs a live session; the user and role are read
from the database on every request; a rotated token or deactivation refuses old cookies.

在此电脑上保持登录 (remember me): a separate signed, timestamped cookie holding the same "id:token"
as the session. When the browser comes back without a live session (restarted, or idle past the
timeout), a valid remember cookie starts a fresh session. It is bounded server-side by the setting
remember_days, and refused after logout, password change, admin reset or deactivation, because each
of those rotates the per-user session token it carries.
"""
from datetime import datetime, timedelta

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal import clock
from portal.extensions import db, htmx, login_manager
from portal.models.auth import User
from portal.settings_store import get_setting
from portal.web import htmx_login_redirect

PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.set_language", "static", "health.healthz"})
LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
REMEMBERED = "remembered"  # when the remember cookie of this session was issued (ISO time), if any
REMEMBER_COOKIE = "portal_remember"
_REMEMBER_SALT = "portal.remember-me"
_KEEP, _DROP = "keep", "drop"


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    """The signed-in user, or None when the cookie's token was rotated or the user deactivated."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active_user or user.session_token != token:
        return None
    return user


def start_session(remember: bool | None = None) -> None:
    """A new session clock; `remember` sets (True) or drops (False) the remember cookie, None keeps it."""
    now = clock.now().isoformat()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    if remember is not None:
        session[REMEMBERED] = now if remember else None
        g.remember_cookie = _KEEP if remember else _DROP


def remember_days() -> int:
    """How long 保持登录 lasts (settings "remember_days"); 0 turns the option off."""
    return int(get_setting("remember_days") or 0)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_REMEMBER_SALT)


def remembered_user() -> tuple[User | None, datetime | None]:
    """The user of a valid, unexpired remember cookie whose token is still current, and when the
    cookie was issued; (None, None) otherwise."""
    raw = request.cookies.get(REMEMBER_COOKIE)
    days = remember_days()
    if not raw or days <= 0:
        return None, None
    try:
        cookie_id, issued = _serializer().loads(raw, max_age=days * 86400, return_timestamp=True)
    except BadSignature:
        return None, None
    user = load_user(cookie_id) if isinstance(cookie_id, str) else None
    return user, issued.astimezone(clock.LOCAL_TZ).replace(tzinfo=None)


def restore_remembered_session(user: User, issued: datetime) -> None:
    """A fresh session from the remember cookie; it lasts as long as the cookie, never longer."""
    session.clear()
    login_user(user)
    start_session()
    session[REMEMBERED] = issued.isoformat()


def write_remember_cookie(response):
    """After the request: issue (with the current token) or delete the remember cookie as decided."""
    decision = g.pop("remember_cookie", None)
    if decision == _KEEP and current_user.is_authenticated and remember_days() > 0:
        response.set_cookie(
            REMEMBER_COOKIE, _serializer().dumps(current_user.get_id()), max_age=remember_days() * 86400,
            httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    elif decision is not None and REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(REMEMBER_COOKIE, httponly=True, samesite="Lax")
    return response


def session_expired() -> bool:
    """Idle longer than the idle timeout, or older than the absolute lifetime."""
    try:
        login_at = datetime.fromisoformat(session[LOGIN_AT])
        seen_at = datetime.fromisoformat(session[SEEN_AT])
    except (KeyError, ValueError):
        return True
    now = clock.now()
    if session.get(REMEMBERED):
        remembered_since = datetime.fromisoformat(session[REMEMBERED])
        return now - remembered_since > timedelta(days=remember_days())
    idle = timedelta(minutes=get_setting("session_idle_minutes"))
    lifetime = timedelta(hours=get_setting("session_lifetime_hours"))
    return now - seen_at > idle or now - login_at > lifetime


def end_session(forget: bool = False) -> None:
    """Sign out of this session; `forget` also deletes the remember cookie (logout)."""
    logout_user()
    session.clear()
    if forget:
        g.remember_cookie = _DROP


def login_redirect():
    """To the login page, keeping where the user was going; htmx gets HX-Redirect, not a swapped form."""
    if htmx:
        return htmx_login_redirect()
    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=next_path))


def install_session_checks(app: Flask) -> None:
    login_manager.unauthorized_handler(login_redirect)

    app.after_request(write_remember_cookie)

    @app.before_request
    def require_live_session():
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if current_user.is_authenticated and not session_expired():
            session[SEEN_AT] = clock.now().isoformat()
            return None
        if current_user.is_authenticated:
            end_session()
        if REMEMBER_COOKIE in request.cookies:
            user, issued = remembered_user()
            if user is not None:
                restore_remembered_session(user, issued)
                return None
            g.remember_cookie = _DROP  # expired, forged or revoked: the browser forgets it
        return login_redirect()
