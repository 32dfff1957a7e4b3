"""Hostile Markdown: nothing active survives rendering, on the article page (SECURITY.md #33)."""
from html.parser import HTMLParser

import pytest

from portal.extensions import db
from portal.knowledge.markdown import render_markdown, sanitize

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![remote](https://evil.example/beacon.png)",
    "![proto](//evil.example/beacon.png)",
    "![data](data:image/png;base64,AAAA)",
    "<div hx-get=\"/admin\" hx-trigger=\"load\">x</div>",
    "<form action=/x><input name=a></form>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<svg onload=alert(1)>",
    "<p style=\"background:url(javascript:alert(1))\">s</p>",
    "<object data=x></object><embed src=x>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
    "[x](vbscript:msgbox(1))",
    "<details open ontoggle=alert(1)>",
]
# Raw HTML that reached the sanitiser directly (a second wall behind markdown-it's html=False).
RAW = [
    "<a href=\"javascript:alert(1)\" onclick=\"x()\" hx-post=\"/x\">a</a>",
    "<img src=\"https://evil.example/b.png\" onerror=\"x()\">",
    "<img src=\"data:image/png;base64,AAAA\">",
    "<form><button formaction=javascript:alert(1)>b</button></form>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe><script>alert(2)</script>",
    "<div data-hx-get=\"/x\" hx-on:click=\"alert(1)\">d</div>",
]
SAFE_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote",
             "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td"}


class ActiveMarkup(HTMLParser):
    """Collects whatever in the output could act: unknown tags, event/htmx/style attributes, unsafe URLs.
    Escaped text (&lt;script&gt;) is inert and not reported."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith(("on", "hx-", "data-")) or name in {"style", "formaction", "srcdoc"}:
                self.problems.append(f"{tag}[{name}]")
            if name == "href" and not value.startswith(("http://", "https://", "mailto:", "/", "#")):
                self.problems.append(f"href={value}")
            if name == "src" and (not value.startswith("/") or value.startswith("//")):
                self.problems.append(f"src={value}")


def active(html: str) -> list[str]:
    parser = ActiveMarkup()
    parser.feed(html)
    return parser.problems


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_inert(text):
    assert active(str(render_markdown(text))) == []


@pytest.mark.parametrize("html", RAW)
def test_sanitiser_strips_raw_html(html):
    assert active(sanitize(html)) == []


def test_safe_subset_survives():
    html = str(render_markdown("## 步骤\n\n1. **关机**\n2. [说明](https://example.com/a)\n\n![图](/static/img/a.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<h2>步骤</h2>" in html and "<strong>关机</strong>" in html and "<table>" in html
    assert 'href="https://example.com/a"' in html and 'src="/static/img/a.png"' in html


def test_article_page_with_hostile_corpus(company, make_article, login_as):
    article = make_article(company.users.tech, body="\n\n".join(HOSTILE + RAW))
    page = login_as(company.users.tech).get(f"/knowledge/articles/{article.id}").get_data(as_text=True)
    body = page.split('<article class="panel article-body">', 1)[1].split("</article>", 1)[0]
    assert body.strip() and active(body) == []
    db.session.remove()
