"""The interface language (issue 17): chosen per user and remembered on the account; before login the
browser's own choice, else its Accept-Language, decides. Stored data is never translated."""
import pytest

from portal.extensions import db
from tests.conftest import log_in


def page(client, path="/login", **headers) -> str:
    return client.get(path, headers=headers).get_data(as_text=True)


@pytest.mark.parametrize("accept, lang, word", [
    ("zh-TW,zh;q=0.9", 'lang="zh-TW"', "登入"),
    ("zh-HK", 'lang="zh-TW"', "登入"),
    ("en-US,en;q=0.8", 'lang="en"', "Sign in"),
    ("zh-CN,en;q=0.5", 'lang="zh-CN"', "登录"),
    ("fr-FR", 'lang="zh-CN"', "登录"),
])
def test_before_login_accept_language_decides(client, accept, lang, word):
    html = page(client, **{"Accept-Language": accept})
    assert lang in html and word in html


def test_choice_on_the_login_page_outranks_accept_language(client):
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    html = page(client, **{"Accept-Language": "zh-CN"})
    assert 'lang="en"' in html and "Sign in" in html


def test_choice_is_remembered_on_the_account_across_login(app, make_user):
    user = make_user("sales", username="lang_user", display_name="王芳")
    browser = log_in(app.test_client(), user)
    assert "我的工作台" in page(browser, "/")
    browser.post("/language", data={"language": "en", "next": "/"})
    assert "My work list" in page(browser, "/")
    browser.post("/logout")
    db.session.refresh(user)
    assert user.language == "en"

    other_browser = log_in(app.test_client(), user)  # another PC: no cookie, Chinese Accept-Language
    html = page(other_browser, "/", **{"Accept-Language": "zh-CN"})
    assert 'lang="en"' in html and "My work list" in html
    assert ">Opportunities</a>" in html and ">Orders</a>" in html  # the menu's own wording ("menu" context)
    assert "王芳" in html  # names stay as typed


def test_traditional_interface(app, make_user):
    user = make_user("sales", username="hant_user")
    user.language = "zh_Hant_TW"
    db.session.commit()
    html = page(log_in(app.test_client(), user), "/")
    assert 'lang="zh-TW"' in html and "客戶" in html and "客户" not in html


def test_unknown_language_is_refused(app, make_user):
    user = make_user("sales", username="lang_bad")
    browser = log_in(app.test_client(), user)
    assert browser.post("/language", data={"language": "fr", "next": "/"}).status_code == 400
    db.session.refresh(user)
    assert user.language is None


def test_next_is_only_a_local_path(client):
    response = client.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_profile_page_offers_the_choice(app, make_user):
    user = make_user("service", username="lang_profile")
    browser = log_in(app.test_client(), user)
    html = page(browser, "/account")
    assert '<option value="zh_Hant_TW">繁體中文</option>' in html
    assert '<option value="zh_Hans_CN" selected>简体中文</option>' in html
    browser.post("/language", data={"language": "zh_Hant_TW", "next": "/account"})
    assert '<option value="zh_Hant_TW" selected>繁體中文</option>' in page(browser, "/account")
