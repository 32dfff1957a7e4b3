"""Response helpers shared by every blueprint: page-or-fragment, htmx redirects, paging, headers."""
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Response, make_response, redirect, render_template, request, url_for
from sqlalchemy import Select, func, literal, select

from portal.extensions import db, htmx

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
# Beyond any real list; keeps the offset inside the database's integer range (?page=99999999999999999999).
MAX_PAGE = 1_000_000
# Lists count matching rows exactly up to here and then say "more than": past it an exact count costs a
# scan of every visible row (100k customers: a few hundred ms) to print one number.
COUNT_CAP = 1000

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)


def wants_fragment() -> bool:
    """A fragment only for an htmx request that is neither boosted nor a history restore."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page_or_fragment(page_template: str, fragment_template: str, status: int = 200, **context) -> Response:
    """Render the full page, or just the fragment the page includes when htmx asks for it."""
    template = fragment_template if wants_fragment() else page_template
    return make_response(render_template(template, **context), status)


def redirect_after_post(location: str) -> Response:
    """303 for plain forms; HX-Location for htmx so the browser history follows."""
    if htmx:
        response = make_response("", 200)
        response.headers["HX-Location"] = location
        return response
    return redirect(location, code=303)


def htmx_login_redirect() -> Response:
    """An expired session during an htmx request sends the whole page to the login form."""
    response = make_response("", 401)
    response.headers["HX-Redirect"] = url_for("auth.login", next=request.full_path.rstrip("?"))
    return response


@dataclass
class Page:
    """One page of a list: rows plus what the pagination macro needs."""

    items: list
    total: int
    page: int
    per_page: int
    has_next: bool = False
    total_capped: bool = False  # more than COUNT_CAP rows match: `total` is COUNT_CAP, a lower bound
    past_end: bool = False  # a page number beyond the last page (an old link, a hand-typed ?page=1000)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    def url_with_exact_total(self) -> str:
        args = request.args.to_dict()
        args["count"] = "all"
        return f"{request.path}?{urlencode(args)}"

    def url_for_page(self, number: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(number)
        return f"{request.path}?{urlencode(args)}"


def page_args() -> tuple[int, int]:
    """Page number and size from the query string, clamped (per_page=100000 cannot widen a page)."""
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", DEFAULT_PER_PAGE, type=int) or DEFAULT_PER_PAGE
    return min(max(page, 1), MAX_PAGE), min(max(per_page, 1), MAX_PER_PAGE)


def count_rows(query: Select, cap: int | None = None) -> int:
    """COUNT(*) of a list query without its columns, so the database can answer from an index;
    with `cap`, stop counting at cap + 1 rows."""
    counted = query.order_by(None)
    if not counted._distinct:
        counted = counted.with_only_columns(literal(1), maintain_column_froms=True)
    if cap is not None:
        counted = counted.limit(cap + 1)
    return db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0


def paginate(query: Select, *, scalars: bool = True) -> Page:
    """One page of a list, never loading more than a page plus one row.

    The page query fetches one extra row to know whether a next page exists. A short last page gives
    the total without a count query (a rare search term scans the table once, not twice); otherwise
    the count stops at COUNT_CAP, unless the user asked for the exact total (`count=all`, 显示总数) or
    the page lies past the end, where only the exact total can say which page is the last."""
    page, per_page = page_args()
    offset = (page - 1) * per_page
    result = db.session.execute(query.limit(per_page + 1).offset(offset))
    rows = list(result.scalars() if scalars else result)
    items, has_next = rows[:per_page], len(rows) > per_page
    past_end = page > 1 and not items
    if not has_next and not past_end:
        total = offset + len(items)
    elif past_end or request.args.get("count") == "all":
        total = count_rows(query)
    elif offset + len(rows) > COUNT_CAP:
        total = COUNT_CAP + 1
    else:
        total = count_rows(query, cap=COUNT_CAP)
    capped = has_next and total > COUNT_CAP and request.args.get("count") != "all"
    return Page(items=items, total=COUNT_CAP if capped else total, page=page, per_page=per_page,
                has_next=has_next, total_capped=capped, past_end=past_end)


def apply_security_headers(response: Response) -> Response:
    """Headers on every response: pages, fragments, errors, files (SECURITY.md #17)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.add("Vary", "HX-Request")
    if request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response
