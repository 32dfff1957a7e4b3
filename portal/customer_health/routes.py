"""客户健康度 pages: the customer page's health section, care actions 客户关怀, churn warnings 流失预警,
the supervisor's at-risk list and the admin's 规则设置."""
from flask import Blueprint, abort, flash, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.access import get_visible_or_404
from portal.access.customers import visible_customers
from portal.auth.permissions import can_record_care, can_set_health_rules, can_use_area, guard_area
from portal.customer_health import queries, receivers, sections, services  # noqa: F401  (receivers, sections)
from portal.customer_health.charts import history_chart
from portal.customer_health.forms import AtRiskFilterForm, CareActionForm, HealthRulesForm, WarningFilterForm
from portal.extensions import db, htmx
from portal.models.customers import Customer
from portal.rules.health import FACTORS, translated_words
from portal.settings_store import get_setting, save_setting
from portal.web import paginate, redirect_after_post, render_page_or_fragment

bp = Blueprint("customer_health", __name__, url_prefix="/health")
guard_area(bp, "customer_health")


def section_context(customer: Customer) -> dict:
    """What templates/customer_health/_customer_section.html needs about one customer."""
    view = queries.customer_health_view(current_user, customer, clock.today())
    return {"view": view, "chart": history_chart(_("健康度月度变化"), view.history, queries.health_thresholds()),
            "can_record_care": can_record_care(current_user, customer)}


@bp.app_context_processor
def health_template_helpers():
    return {"health_section": section_context}


@bp.app_template_filter("health_words")
def health_words(text: str) -> str:
    """A stored factor word or warning reason in the reader's language (rules.health.translated_words)."""
    return translated_words(text, _)


def load_customer(customer_id: int) -> Customer:
    return get_visible_or_404(visible_customers(current_user), customer_id, Customer)


@bp.get("/customers/<int:customer_id>")
def customer_section(customer_id: int):
    """The health section of a customer's page (also a full page on its own)."""
    customer = load_customer(customer_id)
    return render_page_or_fragment("customer_health/customer.html", "customer_health/_customer_section.html",
                                   customer=customer)


@bp.route("/customers/<int:customer_id>/care", methods=["GET", "POST"])
def care_create(customer_id: int):
    """记录关怀: a greeting, visit, gift or invitation; answers the customer's open churn warning."""
    customer = load_customer(customer_id)
    if not can_record_care(current_user, customer):
        abort(403)
    form = CareActionForm()
    if form.validate_on_submit():
        services.record_care(customer, current_user, form.care_data())
        db.session.commit()
        if htmx:
            response = make_response(render_template("customer_health/_customer_section.html", customer=customer))
            response.headers["HX-Retarget"] = "#health-section"
            response.headers["HX-Reswap"] = "outerHTML"
            return response
        flash(_("已记录客户关怀"), "success")
        return redirect_after_post(url_for("customers.detail", customer_id=customer.id))
    status = 422 if form.is_submitted() else 200
    return render_page_or_fragment("customer_health/care_form.html", "customer_health/_care_form.html", status,
                                   customer=customer, form=form)


@bp.get("/warnings")
def warnings():
    """流失预警: warnings of the customers in the user's scope (default: my open ones), with reasons."""
    form = WarningFilterForm(request.args)
    status = form.status.data if form.status.data in dict(form.status.choices) else "open"
    owner = form.owner.data if form.owner.data in dict(form.owner.choices) else "me"
    page = paginate(queries.warning_list(current_user, status, owner))
    return render_page_or_fragment("customer_health/warnings.html", "customer_health/_warnings.html",
                                   form=form, page=page, today=clock.today())


@bp.get("/at-risk")
def at_risk():
    """A supervisor's at-risk list for the department: score, trend against last month, last contact."""
    if not can_use_area(current_user, "health_at_risk"):
        abort(403)
    form = AtRiskFilterForm(request.args)
    level = form.level.data if form.level.data in dict(form.level.choices) else ""
    page = paginate(queries.at_risk_list(current_user, level, clock.today()), scalars=False)
    return render_page_or_fragment("customer_health/at_risk.html", "customer_health/_at_risk.html",
                                   form=form, page=page)


@bp.route("/rules", methods=["GET", "POST"])
def rules_settings():
    """规则设置: factor weights and level thresholds, with a preview of how many customers would move."""
    if not can_set_health_rules(current_user):
        abort(403)
    weights, thresholds = get_setting("health_weights"), get_setting("health_thresholds")
    form = HealthRulesForm(data={**weights, **thresholds})
    preview = None
    if form.validate_on_submit():
        if request.form.get("action") == "save":
            save_setting("health_weights", form.weights())
            save_setting("health_thresholds", form.thresholds())
            db.session.commit()
            flash(_("健康度规则已保存，下次评分（每晚）起生效"), "success")
            return redirect_after_post(url_for("customer_health.rules_settings"))
        preview = services.preview_rules(form.weights(), form.thresholds())
    status = 422 if form.is_submitted() and form.errors else 200
    return render_page_or_fragment("customer_health/rules.html", "customer_health/_rules.html", status,
                                   form=form, preview=preview, factors=FACTORS)
