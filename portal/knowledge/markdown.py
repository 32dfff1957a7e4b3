"""Article bodies: a small Markdown subset rendered server-side, then sanitised by nh3 (SECURITY.md #33).

markdown-it-py runs with raw HTML off, so typed tags come out as text; nh3 (the Ammonia sanitiser) then
keeps only the tags and attributes below, as a second wall: no script, event handlers, forms, iframes,
hx-* attributes, `javascript:`/`data:` links, or remote images (an image must be a path on this site).
"""
from markdown_it import MarkdownIt
from markupsafe import Markup
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table").enable("strikethrough")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Images only from this site (a path starting with one slash): no remote beacons, no data: URLs."""
    if tag == "img" and attribute == "src":
        return value if value.startswith("/") and not value.startswith("//") else None
    return value


def sanitize(html: str) -> str:
    """Keep the safe subset of an HTML fragment."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     attribute_filter=_attribute_filter, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


def render_markdown(text: str) -> Markup:
    """Markdown → safe HTML for templates."""
    return Markup(sanitize(_parser.render(text or "")))  # nosec B704  (nh3 has just sanitised it)
