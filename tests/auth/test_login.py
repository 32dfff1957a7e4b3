"""Sign-in, throttling, logout and sessions (SECURITY.md #1–#7)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.auth import throttle
from portal.extensions import db
from portal.models.auth import LoginFailure
from tests.conftest import HX, PASSWORD, log_in


def post_login(client, username, password, **kwargs):
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def test_login_page_is_chinese(client):
    page = client.get("/login").get_data(as_text=True)
    assert "用户名" in page and "密码" in page and 'lang="zh-CN"' in page


def test_login_success_lands_on_workbench(app, make_user):
    user = make_user("sales")
    client = app.test_client()
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_and_unknown_user_look_the_same(app, make_user):
    user = make_user("sales")
    client = app.test_client()
    wrong = post_login(client, user.username, "not-the-password")
    unknown = post_login(client, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 422
    assert "用户名或密码不正确" in wrong.get_data(as_text=True)
    strip = lambda r: r.get_data(as_text=True).replace(user.username, "").replace("nobody-here", "")  # noqa: E731
    assert strip(wrong) == strip(unknown)


def test_deactivated_user_cannot_log_in(app, make_user):
    user = make_user("sales")
    user.is_active_user = False
    db.session.commit()
    response = post_login(app.test_client(), user.username, PASSWORD)
    assert response.status_code == 422


def test_username_throttled_after_five_failures_with_retry_after(app, make_user, frozen_now):
    user = make_user("sales")
    client = app.test_client()
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME):
        assert post_login(client, user.username, "wrong-password").status_code == 422
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "登录失败次数过多" in response.get_data(as_text=True)
    frozen_now.shift(timedelta(minutes=16))
    assert post_login(client, user.username, PASSWORD).status_code == 303


def test_throttle_counts_only_failures_and_success_resets(app, make_user):
    user = make_user("sales")
    client = app.test_client()
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME - 1):
        post_login(client, user.username, "wrong-password")
    assert post_login(client, user.username, PASSWORD).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_address_throttled_across_usernames(app):
    client = app.test_client()
    for number in range(throttle.MAX_FAILURES_PER_ADDRESS):
        post_login(client, f"guess{number}", "wrong-password")
    assert post_login(client, "another-guess", "wrong-password").status_code == 429


def test_throttled_login_does_not_hash(app, make_user, monkeypatch):
    """Rate limiting happens before the expensive hash."""
    user = make_user("sales")
    client = app.test_client()
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME):
        post_login(client, user.username, "wrong-password")
    calls = []
    monkeypatch.setattr("portal.auth.routes.verify_password", lambda *a: calls.append(a) or True)
    assert post_login(client, user.username, PASSWORD).status_code == 429
    assert calls == []


def test_admin_unlocks_throttled_user(app, make_user, login_as):
    user = make_user("sales")
    client = app.test_client()
    for _ in range(throttle.MAX_FAILURES_PER_USERNAME):
        post_login(client, user.username, "wrong-password")
    admin = login_as(make_user("admin"))
    assert "已锁定" in admin.get("/admin/users/").get_data(as_text=True)
    assert admin.post(f"/admin/users/{user.id}/unlock").status_code == 303
    assert post_login(client, user.username, PASSWORD).status_code == 303


def test_logout_refuses_replayed_cookie(app, make_user):
    user = make_user("sales")
    client = log_in(app.test_client(), user)
    captured = client.get_cookie("session").value
    assert client.post("/logout").status_code == 303
    replay = app.test_client()
    replay.set_cookie("session", captured)
    response = replay.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logout_is_post_only(app, make_user):
    client = log_in(app.test_client(), make_user("sales"))
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("change", ["deactivate", "reset"])
def test_admin_changes_end_existing_sessions(app, make_user, login_as, change):
    user = make_user("sales")
    victim = log_in(app.test_client(), user)
    admin = login_as(make_user("admin"))
    if change == "deactivate":
        admin.post(f"/admin/users/{user.id}/deactivate")
    else:
        admin.post(f"/admin/users/{user.id}/password", data={"reset-password": "a brand new passphrase"})
    assert victim.get("/").status_code == 302


def test_role_change_takes_effect_on_next_request(app, make_user, login_as):
    user = make_user("admin")
    client = log_in(app.test_client(), user)
    assert client.get("/admin/users/").status_code == 200
    user.role = "sales"
    db.session.commit()
    assert client.get("/admin/users/").status_code == 403


def test_idle_timeout_and_absolute_lifetime(app, make_user, frozen_now):
    client = log_in(app.test_client(), make_user("sales"))
    frozen_now.shift(timedelta(minutes=29))
    assert client.get("/").status_code == 200
    frozen_now.shift(timedelta(minutes=31))
    assert client.get("/").status_code == 302
    client = log_in(app.test_client(), make_user("sales"))
    for _ in range(12 * 3 + 1):  # active every 20 minutes, still cut off past 12 hours
        frozen_now.shift(timedelta(minutes=20))
        status = client.get("/").status_code
    assert status == 302


def test_expired_session_on_htmx_gets_hx_redirect(app, make_user, frozen_now):
    client = log_in(app.test_client(), make_user("admin"))
    frozen_now.shift(timedelta(hours=1))
    response = client.get("/audit/", headers=HX)
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")


def test_session_cookie_flags_and_remember_me_off(app, make_user):
    user = make_user("sales")
    client = app.test_client()
    response = post_login(client, user.username, PASSWORD)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert not any(c.startswith(("remember_token=", "portal_remember=")) for c in cookies)  # off unless ticked


def remembered_client(app, user):
    client = app.test_client()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 303
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("portal_remember="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=1209600" in cookie  # 14 days
    return client, client.get_cookie("portal_remember").value


def restarted_browser(app, remember_value):
    """A browser after a restart: the session cookie is gone, the persistent remember cookie stays."""
    client = app.test_client()
    client.set_cookie("portal_remember", remember_value)
    return client


def test_remember_me_survives_a_browser_restart_and_idle_time(app, make_user, frozen_now):
    user = make_user("sales")
    _client, remember = remembered_client(app, user)
    frozen_now.shift(timedelta(days=3))
    browser = restarted_browser(app, remember)
    assert browser.get("/").status_code == 200
    frozen_now.shift(timedelta(hours=2))  # past the 30-minute idle timeout: still signed in
    assert browser.get("/").status_code == 200
    frozen_now.shift(timedelta(days=10))  # day 13: restored again, but only until the cookie's 14 days end
    browser = restarted_browser(app, remember)
    assert browser.get("/").status_code == 200
    assert "portal_remember" not in "".join(browser.get("/").headers.getlist("Set-Cookie"))  # never extended
    frozen_now.shift(timedelta(days=1, hours=1))
    assert browser.get("/").status_code == 302
    frozen_now.shift(timedelta(days=1))  # past 14 days the cookie is refused and forgotten
    late = restarted_browser(app, remember)
    response = late.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert any(c.startswith("portal_remember=;") for c in response.headers.getlist("Set-Cookie"))


def test_replayed_remember_cookie_after_logout_is_refused(app, make_user):
    user = make_user("sales")
    client, remember = remembered_client(app, user)
    response = client.post("/logout")
    assert any(c.startswith("portal_remember=;") for c in response.headers.getlist("Set-Cookie"))
    replay = restarted_browser(app, remember).get("/")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


@pytest.mark.parametrize("change", ["deactivate", "reset", "own_password"])
def test_remember_cookie_revoked_by_password_change_reset_and_deactivation(app, make_user, login_as, change):
    user = make_user("sales")
    client, remember = remembered_client(app, user)
    if change == "own_password":
        response = client.post("/account/password", data={"current_password": PASSWORD,
                                                          "new_password": "another long passphrase 2026",
                                                          "confirm_password": "another long passphrase 2026"})
        assert response.status_code == 303
        renewed = client.get_cookie("portal_remember").value
        assert renewed != remember and restarted_browser(app, renewed).get("/").status_code == 200
    else:
        admin = login_as(make_user("admin"))
        if change == "deactivate":
            admin.post(f"/admin/users/{user.id}/deactivate")
        else:
            admin.post(f"/admin/users/{user.id}/password", data={"reset-password": "a brand new passphrase"})
    assert restarted_browser(app, remember).get("/").status_code == 302


def test_forged_remember_cookie_and_the_setting_that_turns_it_off(app, make_user):
    from portal.settings_store import save_setting

    user = make_user("sales")
    assert restarted_browser(app, f"{user.id}:{user.session_token}").get("/").status_code == 302  # unsigned
    _client, remember = remembered_client(app, user)
    assert "在此电脑上保持登录" in app.test_client().get("/login").get_data(as_text=True)
    save_setting("remember_days", 0)
    db.session.commit()
    assert restarted_browser(app, remember).get("/").status_code == 302
    assert "在此电脑上保持登录" not in app.test_client().get("/login").get_data(as_text=True)


def test_session_is_renewed_at_login(app, make_user):
    user = make_user("sales")
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
    post_login(client, user.username, PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session


@pytest.mark.parametrize(
    "target, expected",
    [("/audit/", "/audit/"), ("https://evil.example/", "/"), ("//evil.example/x", "/"), ("/\\evil.example", "/")],
)
def test_next_only_follows_local_paths(app, make_user, target, expected):
    user = make_user("admin")
    response = app.test_client().post(f"/login?next={target}", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == expected


def test_change_password_needs_current_and_refuses_common(app, make_user):
    user = make_user("sales")
    client = log_in(app.test_client(), user)
    other_session = log_in(app.test_client(), user)
    wrong = client.post("/account/password", data={"current_password": "nope", "new_password": "a long new passphrase", "confirm_password": "a long new passphrase"})
    assert wrong.status_code == 422 and "当前密码不正确" in wrong.get_data(as_text=True)
    common = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "password123", "confirm_password": "password123"})
    assert common.status_code == 422 and "太常见" in common.get_data(as_text=True)
    short = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"})
    assert "至少需要8个字符" in short.get_data(as_text=True)
    ok = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "我的新密码是一句很长的话", "confirm_password": "我的新密码是一句很长的话"})
    assert ok.status_code == 303
    assert client.get("/").status_code == 200  # this session continues
    assert other_session.get("/").status_code == 302  # others are signed out
    assert log_in(app.test_client(), user, "我的新密码是一句很长的话")


def test_passwords_are_scrypt_hashed(app, make_user):
    assert make_user("sales").password_hash.startswith("scrypt:")


@pytest.mark.parametrize("hops, expected", [(0, "127.0.0.1"), (1, "10.1.2.3")])
def test_client_address_behind_a_proxy(database_template, tmp_path, hops, expected):
    """X-Forwarded-For is trusted only when PORTAL_PROXY_HOPS says a proxy is in front."""
    from tests.conftest import app_for_test

    with app_for_test(database_template, tmp_path, PROXY_HOPS=hops) as proxied:
        for _ in range(2):
            proxied.test_client().post("/login", data={"username": "nobody", "password": "wrong-password"},
                                       headers={"X-Forwarded-For": "10.1.2.3"})
        assert {f.address for f in db.session.scalars(select(LoginFailure))} == {expected}
