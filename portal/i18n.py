"""The interface languages (简体中文 default, 繁體中文, English) and one script for search.

UI strings are written in 简体中文 and looked up in the catalogues under portal/translations
(`make translations` refreshes them, see scripts/translations.py). Stored data stays as people typed it:
only enum values the portal itself defines (stages, statuses, kinds) are shown through gettext, and
they are marked with N_() where they are defined so extraction finds them.
"""
from functools import lru_cache

from flask import current_app, request
from flask_babel import lazy_gettext
from flask_login import current_user

from portal.rules import N_  # noqa: F401  (the one marker; models and areas import it from here)

SIMPLIFIED = "zh_Hans_CN"
TRADITIONAL = "zh_Hant_TW"
ENGLISH = "en"
# The language names are shown as themselves in every interface language.
LANGUAGES = {SIMPLIFIED: "简体中文", TRADITIONAL: "繁體中文", ENGLISH: "English"}
SHORT_NAMES = {SIMPLIFIED: "简", TRADITIONAL: "繁", ENGLISH: "EN"}
HTML_LANG = {SIMPLIFIED: "zh-CN", TRADITIONAL: "zh-TW", ENGLISH: "en"}
LANGUAGE_COOKIE = "language"
# Accept-Language tags and what they mean here: zh-TW/zh-HK/zh-Hant read 繁體, other zh 简体.
TRADITIONAL_TAGS = ("zh-tw", "zh-hk", "zh-mo", "zh-hant")


def NP_(context: str, message: str) -> str:
    """N_ with a message context: a menu entry NP_("menu", "订单") reads "Orders" where a column or a form
    says "Order"; shown with pgettext(context, message)."""
    return message


def enum_choices(values, blank=None) -> list[tuple[str, str]]:
    """Select choices of stored enum values (N_-marked): each submits the stored 简体 value under its label
    in the interface language; `blank` adds a leading empty choice ("全部", "请选择") with that label."""
    choices = [(value, lazy_gettext(value)) for value in values]
    return [("", blank)] + choices if blank is not None else choices


def language_from_header(header_languages) -> str | None:
    for tag, _quality in header_languages:
        tag = tag.lower().replace("_", "-")
        if tag.startswith(TRADITIONAL_TAGS):
            return TRADITIONAL
        if tag == "zh" or tag.startswith("zh-"):
            return SIMPLIFIED
        if tag == "en" or tag.startswith("en-"):
            return ENGLISH
    return None


def select_locale() -> str:
    """The signed-in user's choice, else this browser's choice before login, else Accept-Language."""
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    if not request:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return language_from_header(request.accept_languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Character by character 繁→简 (OpenCC t2s), so 電子 and 电子 index and search as one."""
    return _converter("t2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """简→繁 with Taiwan phrasing (OpenCC s2twp), the first draft of the 繁體 catalogue."""
    return _converter("s2twp").convert(text) if text else text


def page_counter_parts() -> tuple[str, str, str]:
    """"第 1 页 / 共 3 页" in the interface language, cut around the two numbers that CSS counters fill in
    on each PDF page (static/css/pdf.css)."""
    from flask_babel import gettext

    text = gettext("第 %(page)s 页 / 共 %(pages)s 页", page="\x00", pages="\x01")
    before, rest = text.split("\x00", 1)
    middle, after = rest.split("\x01", 1)
    return before, middle, after


@lru_cache(maxsize=1)
def _wtforms_traditional():
    from babel import support
    from wtforms.i18n import messages_path

    return support.Translations.load(messages_path(), ["zh_TW"], domain="wtforms")


def use_traditional_wtforms_messages() -> None:
    """WTForms ships its own 繁體 messages ("Not a valid choice") as zh_TW; gettext looks for zh_Hant_TW,
    then zh, and would show 简体. Flask-WTF reads request.wtforms_translations before loading its own."""
    from flask_babel import get_locale

    if request.endpoint not in (None, "static") and str(get_locale()) == TRADITIONAL:
        request.wtforms_translations = _wtforms_traditional()
