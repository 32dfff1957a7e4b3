"""Competitors 竞争对手: list, record, linked customers, and the opportunities lost to each."""
from flask import Blueprint, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.access import get_visible_or_404
from portal.access.customers import visible_customer_ids, visible_customers
from portal.access.marketing import visible_competitors
from portal.access.sales import visible_opportunities
from portal.auth.permissions import can_manage_competitors, guard_area
from portal.customers.queries import escape_like
from portal.extensions import db
from portal.marketing import services
from portal.marketing.forms import CompetitorForm, CompetitorLinkForm
from portal.models.customers import Customer
from portal.models.marketing import Competitor, customer_competitor
from portal.models.sales import LOST, Opportunity
from portal.web import paginate, redirect_after_post, render_page_or_fragment

bp = Blueprint("competitors", __name__, url_prefix="/marketing/competitors")
LOST_ROWS = 100
guard_area(bp, "marketing")


def require(allowed: bool) -> None:
    if not allowed:
        abort(403)


def load_competitor(competitor_id: int) -> Competitor:
    return get_visible_or_404(visible_competitors(current_user), competitor_id, Competitor)


@bp.app_context_processor
def competitor_helpers():
    return {"can_manage_competitors": can_manage_competitors}


def lost_opportunities():
    """The reader's visible opportunities lost to a competitor record (counts follow the reader's scope)."""
    return visible_opportunities(current_user).where(Opportunity.stage == LOST,
                                                     Opportunity.lost_to_competitor_id.is_not(None))


@bp.get("/")
def index():
    """竞争对手 list with linked customers and the opportunities lost to each, count and amount (grouped subqueries)."""
    q = (request.args.get("q") or "").strip()[:64]
    linked = (select(customer_competitor.c.competitor_id, func.count().label("n"))
              .group_by(customer_competitor.c.competitor_id).subquery())
    lost = (lost_opportunities().with_only_columns(
        Opportunity.lost_to_competitor_id.label("competitor_id"), func.count().label("n"),
        func.sum(Opportunity.expected_amount).label("amount")).group_by(Opportunity.lost_to_competitor_id).subquery())
    query = (visible_competitors(current_user)
             .add_columns(func.coalesce(linked.c.n, 0), func.coalesce(lost.c.n, 0), func.coalesce(lost.c.amount, 0))
             .outerjoin(linked, linked.c.competitor_id == Competitor.id)
             .outerjoin(lost, lost.c.competitor_id == Competitor.id).order_by(Competitor.name, Competitor.id))
    if q:
        query = query.where(Competitor.name.like(f"%{escape_like(q)}%", escape="\\"))
    page = paginate(query, scalars=False)
    return render_page_or_fragment("marketing/competitors.html", "marketing/_competitor_table.html", page=page, q=q)


def render_form(form, competitor=None, status=200):
    return render_page_or_fragment("marketing/competitor_form.html", "marketing/competitor_form.html", status=status,
                                   form=form, competitor=competitor)


def save(form: CompetitorForm, competitor: Competitor | None):
    try:
        competitor = services.save_competitor(competitor, form.values())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.name.errors = [_("已有同名的竞争对手")]
        return render_form(form, competitor, 422)
    flash(_("竞争对手已保存"), "success")
    return redirect_after_post(url_for("competitors.detail", competitor_id=competitor.id))


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Add a competitor record."""
    require(can_manage_competitors(current_user))
    form = CompetitorForm()
    if request.method == "GET":
        return render_form(form)
    if not form.validate():
        return render_form(form, status=422)
    return save(form, None)


@bp.route("/<int:competitor_id>/edit", methods=["GET", "POST"])
def edit(competitor_id: int):
    """Edit products, strengths, prices seen and notes; a stale version is refused (409)."""
    competitor = load_competitor(competitor_id)
    require(can_manage_competitors(current_user))
    form = CompetitorForm(obj=competitor if request.method == "GET" else None)
    if request.method == "GET":
        return render_form(form, competitor)
    if not form.validate():
        return render_form(form, competitor, 422)
    if form.version.data != str(competitor.version):
        form.form_errors.append(_("记录已被他人修改，请刷新后重新编辑"))
        return render_form(form, competitor, 409)
    return save(form, competitor)


@bp.get("/<int:competitor_id>")
def detail(competitor_id: int):
    """A competitor with the customers linked to it and the opportunities lost to it that the reader may see."""
    competitor = load_competitor(competitor_id)
    customers = list(db.session.scalars(
        select(Customer).join(customer_competitor, customer_competitor.c.customer_id == Customer.id)
        .where(customer_competitor.c.competitor_id == competitor.id, Customer.id.in_(visible_customer_ids(current_user)))
        .order_by(Customer.name, Customer.id).limit(500)))
    lost = lost_opportunities().where(Opportunity.lost_to_competitor_id == competitor.id)
    lost_total = db.session.execute(lost.with_only_columns(
        func.count(), func.coalesce(func.sum(Opportunity.expected_amount), 0)).order_by(None)).one()
    lost_rows = list(db.session.scalars(lost.options(joinedload(Opportunity.customer))
                                        .order_by(Opportunity.closed_on.desc(), Opportunity.id.desc()).limit(LOST_ROWS)))
    return render_page_or_fragment("marketing/competitor.html", "marketing/competitor.html", competitor=competitor,
                                   customers=customers, link_form=CompetitorLinkForm(), lost_rows=lost_rows,
                                   lost_count=lost_total[0], lost_amount=lost_total[1])


@bp.post("/<int:competitor_id>/customers")
def link(competitor_id: int):
    """Link a customer (by code, within the user's scope) to this competitor."""
    competitor = load_competitor(competitor_id)
    require(can_manage_competitors(current_user))
    form = CompetitorLinkForm()
    customer = None
    if form.validate():
        customer = db.session.scalar(visible_customers(current_user)
                                     .where(Customer.code == form.customer_code.data.upper()))
    if customer is None:
        flash(_("找不到该客户编号"), "error")
        return redirect_after_post(url_for("competitors.detail", competitor_id=competitor.id))
    services.link_customer(competitor, customer)
    db.session.commit()
    flash(_("已关联客户 %(name)s", name=customer.name), "success")
    return redirect_after_post(url_for("competitors.detail", competitor_id=competitor.id))


@bp.post("/<int:competitor_id>/customers/<int:customer_id>/remove")
def unlink(competitor_id: int, customer_id: int):
    """Remove a customer's link to this competitor."""
    competitor = load_competitor(competitor_id)
    require(can_manage_competitors(current_user))
    customer = get_visible_or_404(visible_customers(current_user), customer_id, Customer)
    services.unlink_customer(competitor, customer)
    db.session.commit()
    flash(_("已取消关联"), "success")
    return redirect_after_post(url_for("competitors.detail", competitor_id=competitor.id))
