"""Routes of the knowledge area: articles (list, search, page, revisions, diff, restore, publish),
suggestions for the ticket form and the ticket links. The library (documents, defects, announcements)
is in library_routes.py on the same blueprint."""
import difflib

from flask import Blueprint, abort, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal import clock
from portal.access import get_visible_or_404
from portal.access.knowledge import visible_articles, visible_defects
from portal.access.tickets import visible_tickets
from portal.auth import permissions
from portal.auth.permissions import guard_area
from portal.extensions import db
from portal.knowledge import queries, sections, services  # noqa: F401  (sections registers itself)
from portal.knowledge.forms import ArticleFilterForm, ArticleForm, BasedOnForm, TicketAnswerForm, TicketDefectForm
from portal.knowledge.markdown import render_markdown
from portal.models.knowledge import Article, ArticleRevision, Defect, KnowledgeRefused
from portal.models.tickets import Ticket
from portal.web import paginate, redirect_after_post, render_page_or_fragment

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge")
guard_area(bp, "knowledge")


@bp.app_template_filter("markdown")
def markdown_filter(text: str):
    return render_markdown(text)


@bp.app_context_processor
def knowledge_helpers():
    """Helpers for fragments other areas include (customer page, ticket page, ticket form)."""
    return {
        "customer_documents": lambda customer: queries.customer_documents(current_user, customer),
        "ticket_knowledge": queries.ticket_knowledge,
        "suggest_articles": queries.suggest_articles,
        "can_publish_article": permissions.can_publish_article,
    }


def posted_id(value: str | None) -> int | None:
    """A posted record id, or None when missing or forged (huge numbers would overflow the database)."""
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def revision_seen(value: str | None) -> int:
    """The revision number a form was built on (0 when missing or forged: then it is stale)."""
    return int(value) if value and value.isdigit() and len(value) < 10 else 0


def load_article(article_id: int) -> Article:
    return get_visible_or_404(visible_articles(current_user), article_id, Article)


@bp.get("/")
def index():
    """知识库: articles the user may see, by category, product and tag; search as you type."""
    form = ArticleFilterForm(request.args)
    form.validate()
    query = visible_articles(current_user).order_by(Article.id.desc())
    if form.category.data:
        query = query.where(Article.category == form.category.data)
    if form.product.data:
        query = query.where(Article.product == form.product.data)
    if form.tag.data:
        query = query.where(Article.tags.contains(form.tag.data, autoescape=True))
    hits = queries.search(current_user, form.q.data) if form.q.data else None
    month_start = clock.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return render_page_or_fragment("knowledge/index.html", "knowledge/_articles.html", form=form,
                                   page=paginate(query), hits=hits,
                                   first_contact=queries.first_contact_resolutions(current_user, month_start))


@bp.get("/search")
def search():
    """Search-as-you-type over articles and documents, within the user's level."""
    q = request.args.get("q", "")[:50]
    return render_page_or_fragment("knowledge/search.html", "knowledge/_hits.html", q=q,
                                   hits=queries.search(current_user, q))


@bp.get("/suggest")
def suggest():
    """Published articles matching a ticket description being typed (the ticket form asks)."""
    text = request.args.get("description", "")[:2000]
    return render_template("knowledge/_suggestions.html", suggestions=queries.suggest_articles(text))


@bp.route("/articles/new", methods=["GET", "POST"])
def article_create():
    """A new draft article."""
    form = ArticleForm()
    if form.validate_on_submit():
        article = Article.draft(title=form.title.data, category=form.category.data, body=form.body.data,
                                author=current_user, product=form.product.data or "",
                                product_version=form.product_version.data or "", tags=form.tags.data or "")
        db.session.add(article)
        services.index_article(article)
        db.session.commit()
        flash(_("已保存草稿"), "success")
        return redirect_after_post(url_for("knowledge.article_detail", article_id=article.id))
    return render_page_or_fragment("knowledge/article_form.html", "knowledge/_article_form.html",
                                   status=422 if form.is_submitted() else 200, form=form, article=None)


@bp.get("/articles/<int:article_id>")
def article_detail(article_id: int):
    """The article page: rendered body, facts, revision history; ?diff=N compares revision N with the current."""
    article = load_article(article_id)
    diff = None
    compare = request.args.get("diff", type=int)
    if compare:
        old = next((r for r in article.revisions if r.number == compare), None)
        if old is None:
            abort(404)
        diff = list(difflib.unified_diff(old.body.splitlines(), article.body.splitlines(),
                                         _("第 %(n)s 版", n=old.number), _("第 %(n)s 版", n=article.revision_number),
                                         lineterm=""))
    return render_template("knowledge/article.html", article=article, diff=diff, compare=compare,
                           action_form=BasedOnForm(data={"based_on": article.revision_number}))


@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
def article_edit(article_id: int):
    """Edit as a new revision; refused (409) when someone saved a newer revision meanwhile."""
    article = load_article(article_id)
    if not permissions.can_edit_article(current_user, article):
        abort(403)
    form = ArticleForm(obj=article if request.method == "GET" else None)
    if request.method == "GET":
        form.based_on.data = str(article.revision_number)
    status = 200
    if form.validate_on_submit():
        try:
            article.edit(current_user, based_on=revision_seen(form.based_on.data), title=form.title.data,
                         body=form.body.data, category=form.category.data, product=form.product.data or "",
                         product_version=form.product_version.data or "", tags=form.tags.data or "")
            services.index_article(article)
            db.session.commit()
        except (KnowledgeRefused, StaleDataError, IntegrityError) as refused:
            # A concurrent save between our check and our commit is refused the same way (409).
            db.session.rollback()
            form.form_errors.append(str(refused) if isinstance(refused, KnowledgeRefused)
                                    else _("文章已被其他人修改，请刷新后在最新版本上修改"))
            status = 409
        else:
            flash(_("已保存为第 %(number)s 版", number=article.revision_number), "success")
            return redirect_after_post(url_for("knowledge.article_detail", article_id=article.id))
    elif form.is_submitted():
        status = 422
    return render_page_or_fragment("knowledge/article_form.html", "knowledge/_article_form.html", status=status,
                                   form=form, article=article)


def article_action(article: Article, change, message: str):
    form = BasedOnForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if revision_seen(form.based_on.data) != article.revision_number:
            raise KnowledgeRefused(_("文章已被其他人修改，请刷新后重试"))
        change(form)
        services.index_article(article)
        db.session.commit()
    except KnowledgeRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    except (StaleDataError, IntegrityError):
        db.session.rollback()
        flash(_("文章已被其他人修改，请刷新后重试"), "error")
    else:
        flash(message, "success")
    return redirect_after_post(url_for("knowledge.article_detail", article_id=article.id))


@bp.post("/articles/<int:article_id>/revisions/<int:number>/restore")
def article_restore(article_id: int, number: int):
    """Restore an old revision as a new one."""
    article = load_article(article_id)
    revision = db.session.scalar(select(ArticleRevision).where(ArticleRevision.article_id == article.id,
                                                               ArticleRevision.number == number))
    if revision is None:
        abort(404)
    if not permissions.can_edit_article(current_user, article):
        abort(403)
    return article_action(article, lambda form: article.restore(current_user, revision, based_on=revision_seen(form.based_on.data)),
                          _("已恢复第 %(number)s 版", number=number))


@bp.post("/articles/<int:article_id>/publish")
def article_publish(article_id: int):
    """草稿 → 已发布 (supervisors)."""
    article = load_article(article_id)
    if not permissions.can_publish_article(current_user):
        abort(403)
    return article_action(article, lambda form: article.publish(current_user), _("文章已发布"))


@bp.post("/articles/<int:article_id>/archive")
def article_archive(article_id: int):
    """→ 已归档 (supervisors)."""
    article = load_article(article_id)
    if not permissions.can_publish_article(current_user):
        abort(403)
    return article_action(article, lambda form: article.archive(current_user), _("文章已归档"))


# --- the ticket links -----------------------------------------------------------------------------
def load_ticket(ticket_id: int) -> Ticket:
    return get_visible_or_404(visible_tickets(current_user), ticket_id, Ticket)


@bp.post("/tickets/<int:ticket_id>/article")
def ticket_to_article(ticket_id: int):
    """整理入知识库: a draft article from a resolved ticket (handlers of the ticket)."""
    ticket = load_ticket(ticket_id)
    if not permissions.can_turn_ticket_into_article(current_user, ticket):
        abort(403)
    try:
        article = services.article_from_ticket(ticket, current_user)
    except KnowledgeRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect_after_post(url_for("tickets.detail", ticket_id=ticket.id))
    db.session.commit()
    flash(_("已整理为知识库草稿"), "success")
    return redirect_after_post(url_for("knowledge.article_detail", article_id=article.id))


@bp.post("/tickets/<int:ticket_id>/answer")
def ticket_answer(ticket_id: int):
    """知识库解决: mark the ticket as answered with a published article."""
    ticket = load_ticket(ticket_id)
    if not permissions.can_comment_ticket(current_user, ticket):
        abort(403)
    form = TicketAnswerForm()
    if not form.validate_on_submit() or posted_id(form.article_id.data) is None:
        abort(400)
    article = get_visible_or_404(visible_articles(current_user), posted_id(form.article_id.data), Article)
    try:
        services.answer_ticket_with(ticket, article, current_user)
    except KnowledgeRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        flash(_("已标记为知识库解决"), "success")
    return redirect_after_post(url_for("tickets.detail", ticket_id=ticket.id))


@bp.post("/tickets/<int:ticket_id>/defect")
def ticket_defect(ticket_id: int):
    """Link a ticket to a product defect (or unlink)."""
    ticket = load_ticket(ticket_id)
    if not permissions.can_manage_defects(current_user):
        abort(403)
    form = TicketDefectForm()
    if not form.validate_on_submit():
        abort(400)
    defect_id = posted_id(form.defect_id.data)
    defect = get_visible_or_404(visible_defects(current_user), defect_id, Defect) if defect_id else None
    services.link_defect(ticket, defect, current_user)
    db.session.commit()
    flash(_("已更新关联缺陷"), "success")
    return redirect_after_post(url_for("tickets.detail", ticket_id=ticket.id))


from portal.knowledge import library_routes  # noqa: E402,F401  (registers the library's routes on bp)
