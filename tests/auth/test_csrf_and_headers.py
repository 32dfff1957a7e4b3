"""CSRF on every state change, GET never writes, security headers everywhere (SECURITY.md #13, #17–#19)."""
import re

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.config import ProductionConfig
from portal.extensions import db
from portal.models.auth import Department
from tests.conftest import HX, PASSWORD


def csrf_token(client, path="/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|"X-CSRFToken": "([^"]+)"', page).group(0).split('"')[-2]


def login_with_csrf(app, user):
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    return client


def test_login_without_token_is_rejected(csrf_app, make_user):
    user = make_user("sales")
    response = csrf_app.test_client().post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400


@pytest.mark.parametrize("token", [None, "", "garbage", "other-session"])
def test_state_change_rejects_bad_tokens_plain_and_htmx(csrf_app, make_user, token):
    admin = make_user("admin")
    client = login_with_csrf(csrf_app, admin)
    if token == "other-session":
        token = csrf_token(login_with_csrf(csrf_app, make_user("admin")), "/")
    data = {"name": "伪造部门"} | ({"csrf_token": token} if token is not None else {})
    assert client.post("/admin/departments/new", data=data).status_code == 400
    headers = HX | ({"X-CSRFToken": token} if token is not None else {})
    assert client.post("/admin/departments/new", data={"name": "伪造部门"}, headers=headers).status_code == 400
    assert client.post("/logout", headers=HX).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Department).where(Department.name == "伪造部门")) == 0


def test_valid_token_in_htmx_header_is_accepted(csrf_app, make_user):
    client = login_with_csrf(csrf_app, make_user("admin"))
    token = csrf_token(client, "/")
    response = client.post("/admin/departments/new", data={"name": "新部门"}, headers=HX | {"X-CSRFToken": token})
    assert response.status_code == 200 and response.headers["HX-Location"] == "/admin/departments/"
    assert db.session.scalar(select(Department).where(Department.name == "新部门")) is not None


def test_body_carries_the_token_for_htmx(csrf_app, make_user):
    page = login_with_csrf(csrf_app, make_user("sales")).get("/").get_data(as_text=True)
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"[^\"]+\"\}'", page)


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/no-such-page", "/static/css/app.css", "/admin/users/"])
def test_security_headers_on_every_response(app, make_user, login_as, path):
    client = login_as(make_user("sales"))
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "default-src 'self'" in csp and "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    for directive in ("object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers.get_all("Vary") or "HX-Request" in response.headers["Vary"]
    if not path.startswith("/static"):
        assert response.headers["Cache-Control"] == "no-store"


def test_htmx_config_is_locked_down_and_no_inline_script(app, make_user, login_as):
    page = login_as(make_user("sales")).get("/").get_data(as_text=True)
    for setting in ('"allowEval":false', '"allowScriptTags":false', '"includeIndicatorStyles":false',
                    '"historyCacheSize":0', '"selfRequestsOnly":true'):
        assert setting in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "cdn" not in page.lower() and "http://" not in page and "https://" not in page


def test_server_error_shows_reference_not_traceback(app, make_user, login_as, monkeypatch):
    client = login_as(make_user("admin"))

    def explode(*_args, **_kwargs):
        raise RuntimeError("SELECT secret FROM /srv/portal/internal.py")

    monkeypatch.setattr("portal.admin.routes.paginate", explode)
    response = client.get("/admin/users/")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "错误编号" in body
    assert "Traceback" not in body and "SELECT" not in body and "/srv/portal" not in body


@pytest.mark.parametrize("key", ["", "dev", "short-key"])
def test_production_refuses_weak_secret_key(monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()


def test_production_starts_with_strong_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    app = create_app({"PORTAL_ENV": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_max_content_length_is_set(app):
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 32 * 1024 * 1024


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "db": "ok"}


def test_healthz_reports_database_down(client, monkeypatch):
    monkeypatch.setattr("portal.database_answers", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.get_json()["db"] == "down"
