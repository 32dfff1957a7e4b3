"""Session lifecycle: deny by default, token-checked user loading, idle timeout and absolute lifetime.

SECURITY.md #4–#8: every endpoint but the allow-list needs a live session; the user and role are read
from the database on every request; a rotated token or deactivation refuses old cookies.
"""
from datetime import datetime, timedelta

from flask import Flask, redirect, request, session, url_for
from flask_login import current_user, logout_user

from portal import clock
from portal.extensions import db, htmx, login_manager
from portal.models.auth import User
from portal.settings_store import get_setting
from portal.web import htmx_login_redirect

PUBLIC_ENDPOINTS = frozenset({"auth.login", "static", "health.healthz"})
LOGIN_AT = "login_at"
SEEN_AT = "seen_at"


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


def start_session() -> None:
    now = clock.now().isoformat()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def session_expired() -> bool:
    """Idle longer than the idle timeout, or older than the absolute lifetime."""
    try:
        login_at = datetime.fromisoformat(session[LOGIN_AT])
        seen_at = datetime.fromisoformat(session[SEEN_AT])
    except (KeyError, ValueError):
        return True
    now = clock.now()
    idle = timedelta(minutes=get_setting("session_idle_minutes"))
    lifetime = timedelta(hours=get_setting("session_lifetime_hours"))
    return now - seen_at > idle or now - login_at > lifetime


def end_session() -> None:
    logout_user()
    session.clear()


def login_redirect():
    """To the login page, keeping where the user was going; htmx gets HX-Redirect, not a swapped form."""
    if htmx:
        return htmx_login_redirect()
    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=next_path))


def install_session_checks(app: Flask) -> None:
    login_manager.unauthorized_handler(login_redirect)

    @app.before_request
    def require_live_session():
        if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if current_user.is_authenticated and not session_expired():
            session[SEEN_AT] = clock.now().isoformat()
            return None
        if current_user.is_authenticated:
            end_session()
        return login_redirect()
