"""Application factory for the customer tracking portal 客户跟踪管理门户."""
import logging
import uuid
from importlib import import_module

from flask import Flask, jsonify, render_template, request
from sqlalchemy import text
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, NotFound

from portal.config import INSTANCE_DIR, PROJECT_ROOT, load_config
from portal.extensions import babel, csrf, db, htmx, login_manager, migrate

# Blueprint modules, one per business area; each exposes `bp`.
BLUEPRINT_MODULES = (
    "portal.auth.routes",
    "portal.health",
    "portal.workbench.routes",
    "portal.admin.routes",
    "portal.admin.audit_routes",
    "portal.admin.holiday_routes",
    "portal.customers.routes",
    "portal.followups.routes",
    "portal.tickets.routes",
    "portal.revisits.routes",
    "portal.revisits.spot_check_routes",
    "portal.reports.routes",
    "portal.reports.customer_pdf_routes",
    "portal.sales.routes",
    "portal.expenses.routes",
    "portal.marketing.routes",
    "portal.marketing.competitor_routes",
    "portal.customer_health.routes",
    "portal.knowledge.routes",
)

log = logging.getLogger(__name__)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(load_config((overrides or {}).get("PORTAL_ENV")))
    app.config.update(overrides or {})
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config["SQLALCHEMY_DATABASE_URI"])
    trust_reverse_proxy(app)
    init_extensions(app)
    for module_name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(module_name).bp)
    register_error_pages(app)
    register_template_helpers(app)
    from portal.cli import register_cli

    register_cli(app)
    return app


def engine_options(database_url: str) -> dict:
    """PostgreSQL sessions run without JIT compilation. Its cost model prices a list that tests the scope
    per row (a correlated subplan) in the millions, far above jit_above_cost, and then spends 0.3–0.5 s
    compiling a query that runs in 30 ms (技术主管's 问题跟踪台账: 0.8 s of SQL, 0.8 s of it JIT). The
    portal's statements are short reads; none gains from JIT."""
    options = {"pool_pre_ping": True}
    if database_url.startswith("postgresql"):
        options["connect_args"] = {"options": "-c jit=off"}
    return options


def trust_reverse_proxy(app: Flask) -> None:
    """Behind PROXY_HOPS proxies, read the client address from X-Forwarded-For so the login throttle
    and the audit log see the user's machine, not the proxy."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def init_extensions(app: Flask) -> None:
    from portal import audit, models  # noqa: F401  (models and audit hooks must be registered)
    from portal.auth.sessions import install_session_checks
    from portal.database import configure_engine
    from portal.i18n import select_locale, use_traditional_wtforms_messages
    from portal.web import apply_security_headers

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    with app.app_context():
        configure_engine(db.engine)
    install_session_checks(app)
    app.before_request(use_traditional_wtforms_messages)
    app.after_request(apply_security_headers)
    app.teardown_request(forget_request_state)


# Per-request values kept on `g`; cleared at the end of each request because an outer app context
# (CLI commands, tests) outlives the requests made inside it.
REQUEST_STATE_KEYS = (
    "_login_user", "csrf_token", "settings", "write_intent", "audit_note", "audit_action", "my_ticket_customer_ids",
    "_flask_babel",  # the locale flask_babel chose for this request's user
)


def forget_request_state(_error=None) -> None:
    from flask import g

    for key in REQUEST_STATE_KEYS:
        g.pop(key, None)


def register_error_pages(app: Flask) -> None:
    """Errors show a friendly page and a reference id, never a traceback, SQL or path (#19)."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/healthz"):
            return jsonify(status="error"), error.code
        return render_template("errors/error.html", error=error, reference=None), error.code

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def number_out_of_range(error: Exception):
        # An id beyond the database's integer range (?assignee_id=99999999999999999999) names no record:
        # SQLite refuses to bind it (OverflowError), PostgreSQL answers 22003. Anything else is a 500.
        if isinstance(error, DataError) and getattr(error.orig, "sqlstate", None) != "22003":
            return server_error(error)
        db.session.rollback()
        return http_error(NotFound())

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        reference = uuid.uuid4().hex[:12]
        log.exception("unhandled error, reference %s", reference)
        db.session.rollback()
        return render_template("errors/error.html", error=None, reference=reference), 500


def register_template_helpers(app: Flask) -> None:
    from portal import formatting
    from portal.auth.permissions import NAVIGATION, can_use_area

    app.jinja_env.filters.update(formatting.FILTERS)

    @app.context_processor
    def navigation():
        def nav_items(user):
            items = [(endpoint, label) for area, endpoint, label in NAVIGATION
                     if can_use_area(user, area) and endpoint in app.view_functions]
            active = active_nav_endpoint([endpoint for endpoint, _label in items])
            return [(endpoint, label, endpoint == active) for endpoint, label in items]

        return {"nav_items": nav_items, "can_use_area": can_use_area}

    @app.context_processor
    def languages():
        from flask_babel import get_locale

        from portal.i18n import HTML_LANG, LANGUAGES, SHORT_NAMES, page_counter_parts

        locale = str(get_locale())
        return {"languages": LANGUAGES, "language_short_names": SHORT_NAMES, "current_language": locale,
                "html_lang": HTML_LANG.get(locale, "zh-CN"), "page_counter_parts": page_counter_parts}


def active_nav_endpoint(endpoints: list[str]) -> str | None:
    """The one menu entry the page belongs to: the longest menu URL the path lies under (several entries
    share the sales blueprint), else the first entry of the page's blueprint (e.g. /sales/funnel)."""
    from flask import url_for

    under = [(len(url), endpoint) for endpoint in endpoints if (url := url_for(endpoint))
             and (request.path == url or (url != "/" and request.path.startswith(url.rstrip("/") + "/")))]
    if under:
        return max(under)[1]
    return next((endpoint for endpoint in endpoints if endpoint.split(".")[0] == request.blueprint), None)


def database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001  (health check reports any failure as "down")
        db.session.rollback()
        return False
