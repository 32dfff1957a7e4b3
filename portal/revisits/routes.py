"""Routes of the revisits area: task lists, doing a revisit, questionnaires, plans, analysis, findings."""
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, render_template, request, url_for
from markupsafe import Markup
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.access import get_visible_or_404
from portal.access.customers import visible_customers
from portal.access.revisits import (
    own_findings,
    visible_questionnaires,
    visible_revisit_plans,
    visible_revisit_records,
    visible_revisit_tasks,
    visible_spot_checks,
)
from portal.audit import record_sensitive_read
from portal.auth.permissions import (
    can_acknowledge_finding,
    can_see_contact_details,
    can_do_revisit,
    can_manage_questionnaires,
    can_manage_revisit_plans,
    can_view_revisit_analysis,
    guard_area,
)
from portal.customers import queries as customer_queries
from portal.customers.forms import CustomerFilterForm
from portal.extensions import db, htmx
from portal.models.auth import User
from portal.models.customers import Customer
from portal.models.revisits import (
    TASK_OPEN,
    IllegalTransition,
    Questionnaire,
    QuestionnaireVersion,
    RevisitPlan,
    RevisitRecord,
    RevisitTask,
    SpotCheck,
)
from portal.revisits import movers, queries, services, sections, triggers  # noqa: F401  (receivers, sections, timeline, movers)
from portal.revisits.forms import (
    AnalysisFilterForm,
    PlanForm,
    QuestionnaireForm,
    TaskFilterForm,
    revisit_form_for,
)
from portal.revisits.charts import bar_chart, line_chart
from portal.web import paginate, redirect_after_post, render_page_or_fragment
from portal.workbench import rows

bp = Blueprint("revisits", __name__, url_prefix="/revisits")
guard_area(bp, "revisits")


@bp.app_template_filter("questionnaire_text")
def questionnaire_text(text):
    """A questionnaire's name, description, question, option or answer: the built-in default's words in
    the interface language, anything people wrote as written."""
    return services.shown_text(text)


@bp.app_template_global()
def revisit_ticket_url(ticket_id: int) -> str | None:
    """Link to the linked ticket once the tickets area serves a detail page."""
    if "tickets.detail" not in current_app.view_functions:
        return None
    return url_for("tickets.detail", ticket_id=ticket_id)


def filtered_tasks(form: TaskFilterForm, today: date):
    query = visible_revisit_tasks(current_user).options(
        selectinload(RevisitTask.customer), selectinload(RevisitTask.assignee), selectinload(RevisitTask.plan))
    # Archived (or merged-away) customers' tasks leave the working list.
    query = query.join(RevisitTask.customer).where(Customer.archived_at.is_(None))
    if form.scope.data != "team":
        query = query.where(RevisitTask.assignee_id == current_user.id)
    status = form.status.data or "open"
    if status == "open":
        query = query.where(RevisitTask.status == TASK_OPEN)
    elif status != "all":
        query = query.where(RevisitTask.status == status)
    if form.due.data == "overdue":
        query = query.where(RevisitTask.due_on < today)
    elif form.due.data == "today":
        query = query.where(RevisitTask.due_on == today)
    elif form.due.data == "week":
        query = query.where(RevisitTask.due_on <= today + timedelta(days=7))
    if form.method.data:
        query = query.where(RevisitTask.method == form.method.data)
    if form.plan_id.data and form.plan_id.data.isdigit():
        query = query.where(RevisitTask.plan_id == int(form.plan_id.data))
    return query.order_by(RevisitTask.due_on, RevisitTask.id)


@bp.get("/")
def index():
    """My and my team's revisit tasks, due/overdue first, filtered by plan, method, status."""
    plans = db.session.scalars(visible_revisit_plans(current_user).order_by(RevisitPlan.id.desc()).limit(100))
    # People who do revisits start on their own tasks; planners and managers on the team's.
    default_scope = "mine" if current_user.role in {"service", "tech"} else "team"
    form = TaskFilterForm(request.args, plans=plans, data={"scope": default_scope})
    form.validate()
    today = clock.today()
    page = paginate(filtered_tasks(form, today))
    return render_page_or_fragment("revisits/index.html", "revisits/_tasks.html", form=form, page=page, today=today)


def task_context(task: RevisitTask, form):
    from portal.timeline import customer_timeline

    # Seeing the task means working on this customer; contact masking still follows the role.
    customer = task.customer
    return {"task": task, "customer": customer, "form": form,
            "can_see_contact": can_see_contact_details(current_user, customer),
            "can_do": can_do_revisit(current_user, task), "history": customer_timeline(customer, limit=20),
            "today": clock.today()}


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
def task(task_id: int):
    """Do a revisit: customer facts and history beside the questionnaire; outcome, answers, issue.

    From a 我的工作台 row (`worklist=1`) the questionnaire alone opens under the row and a save answers
    in place; 保存并下一条 goes on to the next due task either way."""
    task = get_visible_or_404(visible_revisit_tasks(current_user), task_id, RevisitTask)
    version = services.questionnaire_for(task, shown_id=request.form.get("questionnaire_version", type=int))
    form = revisit_form_for(version.questions)
    if request.method == "POST":
        if not can_do_revisit(current_user, task):
            abort(403)
        if form.validate_on_submit():
            if form.version.data != str(task.version):
                form.form_errors.append(_("该任务已被其他人更新，请刷新后重试"))
                return render_task(task, form, version, 409)
            try:
                record = services.record_revisit(
                    task, by=current_user, outcome=form.outcome.data, version=version, answers=form.answers(),
                    contact_person=form.contact_person.data or "", notes=form.notes.data or "",
                    issues_raised=(form.issues_raised.data or "").strip(), issue_category=form.issue_category.data,
                    open_ticket=form.open_ticket.data)
            except IllegalTransition:
                abort(409)
            db.session.commit()
            return revisit_saved(task, record, form.outcome.data)
        return render_task(task, form, version, 422)
    form.version.data = str(task.version)
    form.questionnaire_version.data = str(version.id)
    return render_task(task, form, version)


def render_task(task: RevisitTask, form, version, status: int = 200):
    """The task page, or its questionnaire alone for htmx (under a work-list row, or swapped after a 422)."""
    return render_page_or_fragment("revisits/task.html", "revisits/_task_form.html", status,
                                   **task_context(task, form), version=version, worklist=rows.from_worklist())


def next_due_task(after: RevisitTask) -> RevisitTask | None:
    """The signed-in user's next open task by due date (保存并下一条), other than the one just saved."""
    return db.session.scalar(
        visible_revisit_tasks(current_user).join(RevisitTask.customer)
        .where(RevisitTask.assignee_id == current_user.id, RevisitTask.status == TASK_OPEN,
               RevisitTask.id != after.id, Customer.archived_at.is_(None))
        .order_by(RevisitTask.due_on, RevisitTask.id).limit(1))


def revisit_saved(task: RevisitTask, record, outcome: str):
    message = _("已记录回访结果：%(outcome)s（%(name)s）", name=task.customer.name, outcome=_(outcome))
    record_url = url_for("revisits.record", record_id=record.id) if record is not None else None
    following = next_due_task(task) if request.form.get("save_next") else None
    worklist = rows.from_worklist()
    if worklist and htmx:
        replacement, remove = "", ()
        if following is not None:
            replacement, remove = next_task_row(following), (f"work-revisit-{following.id}",)
        return rows.row_done(message, record_url, _("查看回访记录"), replacement=replacement, remove_ids=remove)
    flash(message, "success")
    if following is not None:
        return redirect_after_post(url_for("revisits.task", task_id=following.id, **({"worklist": 1} if worklist else {})))
    return redirect_after_post(url_for("workbench.index") if worklist else url_for("revisits.index"))


def next_task_row(task: RevisitTask) -> str:
    """The next task's work-list row with its questionnaire already open (保存并下一条)."""
    version = services.questionnaire_for(task)
    form = revisit_form_for(version.questions, formdata=None)
    form.version.data = str(task.version)
    form.questionnaire_version.data = str(version.id)
    context = {**task_context(task, form), "version": version, "worklist": True}
    return render_template("workbench/_row.html", item=sections.task_item(task, clock.today()),
                           open_form=Markup(render_template("revisits/_task_form.html", **context)))  # nosec B704  (autoescaped template output)


@bp.get("/records/<int:record_id>")
def record(record_id: int):
    """One revisit record with the questions it was asked; supervisors' views are audited."""
    record = get_visible_or_404(visible_revisit_records(current_user), record_id, RevisitRecord)
    if current_user.role == "supervisor":
        record_sensitive_read("RevisitRecord", record.id, "主管查看回访记录")
    return render_template("revisits/record.html", record=record)


# --- questionnaires ----------------------------------------------------------------------------

@bp.get("/questionnaires/")
def questionnaires():
    """Questionnaires with their current version; marketing/admin may build new ones."""
    query = visible_questionnaires(current_user).options(selectinload(Questionnaire.current_version)) \
        .order_by(Questionnaire.is_default.desc(), Questionnaire.id)
    page = paginate(query)
    return render_template("revisits/questionnaires.html", page=page)


def questionnaire_form_page(form, questionnaire, status=200):
    return render_template("revisits/questionnaire_form.html", form=form, questionnaire=questionnaire), status


BLANK_QUESTION_ROWS = 3


@bp.route("/questionnaires/new", methods=["GET", "POST"])
def questionnaire_create():
    """Build a questionnaire: ordered questions, types, required flags; saved as version 1."""
    if not can_manage_questionnaires(current_user):
        abort(403)
    form = QuestionnaireForm()
    if request.method == "GET":
        for _row in range(BLANK_QUESTION_ROWS):
            form.questions.append_entry()
    if form.validate_on_submit():
        questionnaire = Questionnaire(name=form.name.data.strip(), description=form.description.data or "",
                                      is_active=form.is_active.data)
        db.session.add(questionnaire)
        questionnaire.publish(form.question_list(), by=current_user)
        db.session.commit()
        flash(_("问卷已保存（第1版）"), "success")
        return redirect_after_post(url_for("revisits.questionnaire", questionnaire_id=questionnaire.id))
    return questionnaire_form_page(form, None, 422 if form.is_submitted() else 200)


@bp.route("/questionnaires/<int:questionnaire_id>/edit", methods=["GET", "POST"])
def questionnaire_edit(questionnaire_id: int):
    """Change a questionnaire: saving publishes a new version; answered records keep theirs."""
    questionnaire = get_visible_or_404(visible_questionnaires(current_user), questionnaire_id, Questionnaire)
    if not can_manage_questionnaires(current_user):
        abort(403)
    form = QuestionnaireForm(obj=questionnaire if request.method == "GET" else None, editing=questionnaire)
    if request.method == "GET":
        form.version.data = str(questionnaire.version)
        form.questions.entries = []
        for question in questionnaire.current_version.questions if questionnaire.current_version else []:
            form.questions.append_entry({**question, "options": "\n".join(question["options"])})
        for _row in range(BLANK_QUESTION_ROWS):
            form.questions.append_entry()
    if form.validate_on_submit():
        if form.version.data != str(questionnaire.version):
            form.form_errors.append(_("该问卷已被其他人修改，请刷新后重试"))
            return questionnaire_form_page(form, questionnaire, 409)
        questionnaire.name, questionnaire.description = form.name.data.strip(), form.description.data or ""
        questionnaire.is_active = form.is_active.data
        version = questionnaire.publish(form.question_list(), by=current_user)
        db.session.commit()
        flash(_("问卷已保存为第%(n)s版", n=version.number), "success")
        return redirect_after_post(url_for("revisits.questionnaire", questionnaire_id=questionnaire.id))
    return questionnaire_form_page(form, questionnaire, 422 if form.is_submitted() else 200)


@bp.get("/questionnaires/<int:questionnaire_id>")
def questionnaire(questionnaire_id: int):
    """Preview a questionnaire version as the revisitor will see it (?v=N for older versions)."""
    questionnaire = get_visible_or_404(visible_questionnaires(current_user), questionnaire_id, Questionnaire)
    versions = db.session.scalars(select(QuestionnaireVersion).where(
        QuestionnaireVersion.questionnaire_id == questionnaire.id).order_by(QuestionnaireVersion.number.desc())).all()
    number = request.args.get("v", type=int)
    version = next((v for v in versions if v.number == number), questionnaire.current_version)
    preview = revisit_form_for(version.questions if version else [], meta={"csrf": False})
    return render_template("revisits/questionnaire.html", questionnaire=questionnaire, version=version,
                           versions=versions, preview=preview)


# --- plans -------------------------------------------------------------------------------------

@bp.get("/plans/")
def plans():
    """Revisit plans, newest first; marketing/supervisors create and generate them."""
    query = visible_revisit_plans(current_user).options(
        selectinload(RevisitPlan.questionnaire), selectinload(RevisitPlan.assignees)).order_by(RevisitPlan.id.desc())
    return render_template("revisits/plans.html", page=paginate(query))


@bp.route("/plans/new", methods=["GET", "POST"])
def plan_create():
    """New plan: segment, method, window in working days, questionnaire, assignees."""
    if not can_manage_revisit_plans(current_user):
        abort(403)
    services.default_questionnaire()
    # 筛选 without JS submits the whole form by GET (`pick`): the plan's fields come back with the picker's results.
    picking = request.method == "GET" and "pick" in request.args
    form = PlanForm(formdata=request.args if picking else None, planner=current_user) \
        if request.method == "GET" else PlanForm(planner=current_user)
    if request.method == "GET" and not form.starts_on.data:
        form.starts_on.data = clock.today()
    if form.validate_on_submit():
        chosen = [int(i) for i in form.assignee_ids.data or []]
        plan = RevisitPlan(
            name=form.name.data.strip(), segment=form.segment.data, method=form.method.data,
            starts_on=form.starts_on.data, window_workdays=form.window_workdays.data,
            customer_codes=form.all_codes(), questionnaire_id=int(form.questionnaire_id.data),
            created_by=current_user,
            assignees=list(db.session.scalars(select(User).where(User.id.in_(chosen)))) if chosen else [],
        )
        db.session.add(plan)
        db.session.commit()
        flash(_("回访计划已创建，点击“生成任务”为目标客户生成回访任务"), "success")
        return redirect_after_post(url_for("revisits.plan", plan_id=plan.id))
    return render_template("revisits/plan_form.html", form=form, **picker_context()), 422 if form.is_submitted() else 200


PICKER_ROWS = 50


def picker_context() -> dict:
    """The plan form's customer picker: the customer list's search and filters over the user's visible,
    unarchived customers (first PICKER_ROWS), and the customers already ticked."""
    filters_form = CustomerFilterForm(request.args, owners=customer_queries.owner_choices(current_user),
                                      industries=customer_queries.industry_choices(current_user))
    filters_form.validate()
    filters = {**filters_form.values(), "archived": "without"}
    searched = any(filters.get(name) for name in ("q", "grade", "tier", "stage", "owner", "industry", "source", "member", "due"))
    found = list(db.session.scalars(customer_queries.filtered_customers(current_user, filters)
                                    .limit(PICKER_ROWS + 1)).unique()) if searched else []
    codes = [code.strip().upper() for code in request.values.getlist("picked_codes") if code.strip()][:500]
    # Ticked customers stay listed (and ticked) whatever the next search shows; only visible ones count.
    picked = list(db.session.scalars(visible_customers(current_user).where(Customer.code.in_(codes))
                                     .order_by(Customer.name))) if codes else []
    picked_codes = {customer.code for customer in picked}
    return {"picker": filters_form, "found": [c for c in found[:PICKER_ROWS] if c.code not in picked_codes],
            "more_found": len(found) > PICKER_ROWS, "searched": searched, "picked": picked}


@bp.get("/plans/customers")
def plan_customer_picker():
    """The plan form's customer picker results (htmx component), for those who manage plans."""
    if not can_manage_revisit_plans(current_user):
        abort(403)
    return render_template("revisits/_customer_picker_results.html", **picker_context())


@bp.get("/plans/<int:plan_id>")
def plan(plan_id: int):
    """A plan with its tasks and their progress."""
    plan = get_visible_or_404(visible_revisit_plans(current_user), plan_id, RevisitPlan)
    query = visible_revisit_tasks(current_user).where(RevisitTask.plan_id == plan.id).options(
        selectinload(RevisitTask.customer), selectinload(RevisitTask.assignee)).order_by(RevisitTask.due_on, RevisitTask.id)
    return render_template("revisits/plan.html", plan=plan, page=paginate(query), today=clock.today())


@bp.post("/plans/<int:plan_id>/generate")
def plan_generate(plan_id: int):
    """Generate the plan's tasks (idempotent: a customer never gets a second task from one plan)."""
    plan = get_visible_or_404(visible_revisit_plans(current_user), plan_id, RevisitPlan)
    if not can_manage_revisit_plans(current_user):
        abort(403)
    created, linked = services.generate_plan_tasks(plan, current_user)
    db.session.commit()
    if linked:
        message = _("已生成 %(n)s 条回访任务；%(linked)s 位客户已有同类待回访任务，未重复生成，已关联到该任务",
                    n=created, linked=linked)
    else:
        message = _("已生成 %(n)s 条回访任务", n=created)
    flash(message, "success")
    return redirect_after_post(url_for("revisits.plan", plan_id=plan.id))


# --- analysis ----------------------------------------------------------------------------------

def analysis_context(form: AnalysisFilterForm) -> dict:
    today = clock.today()
    end = form.end.data if form.end.data and not form.errors else today
    start = form.start.data if form.start.data and not form.errors else date(end.year - (end.month <= 5), (end.month - 6) % 12 + 1, 1)
    form.start.data, form.end.data = start, end
    tasks, records = visible_revisit_tasks(current_user), visible_revisit_records(current_user)
    done, due = queries.revisit_completion(tasks, start, end)
    total, count, good = queries.satisfaction(records, start, end)
    months = queries.satisfaction_by_month(records, start, end)
    checks = queries.spot_check_pass(visible_spot_checks(current_user), start, end) \
        if current_user.role in {"supervisor", "admin"} else None
    methods = queries.results_by_method(records, start, end)
    issues = queries.issues_by_category(records, start, end)
    return {
        "form": form, "start": start, "end": end, "done": done, "due": due, "sat_sum": total, "sat_count": count,
        "sat_good": good, "checks": checks, "months": months, "methods": methods, "issues": issues,
        "trend_chart": line_chart([(m, round(s / c, 2) if c else 0) for m, s, c, _g in months], max_value=5),
        "issue_chart": bar_chart([(_(category), n) for category, n, _t in issues]),
    }


@bp.get("/analysis")
def analysis():
    """Revisit analysis: satisfaction by month, completion rate, results by method, issues by category."""
    if not can_view_revisit_analysis(current_user):
        abort(403)
    form = AnalysisFilterForm(request.args)
    form.validate()
    return render_page_or_fragment("revisits/analysis.html", "revisits/_analysis.html", **analysis_context(form))


# --- findings (the checked staff member's side of a spot-check) ---------------------------------

@bp.get("/findings/")
def findings():
    """Spot-check findings on my revisit records; those not yet acknowledged first."""
    query = own_findings(current_user).options(selectinload(SpotCheck.record).selectinload(RevisitRecord.customer),
                                               selectinload(SpotCheck.supervisor)) \
        .order_by(SpotCheck.acknowledged_at.is_not(None), SpotCheck.checked_at.desc())
    return render_page_or_fragment("revisits/findings.html", "revisits/_findings.html", page=paginate(query))


@bp.post("/findings/<int:spot_check_id>/acknowledge")
def finding_acknowledge(spot_check_id: int):
    """The staff member acknowledges a finding (and its corrective action)."""
    check = get_visible_or_404(own_findings(current_user), spot_check_id, SpotCheck)
    if not can_acknowledge_finding(current_user, check):
        abort(409)
    check.acknowledge(clock.now())
    db.session.commit()
    if rows.from_worklist():
        link = url_for("revisits.findings", _anchor=f"finding-{check.id}")
        if htmx:
            return rows.row_done(_("已确认抽查结果"), link, _("查看抽查结果"))
        return rows.redirect_to_worklist(_("已确认抽查结果"))
    flash(_("已确认抽查结果"), "success")
    return redirect_after_post(url_for("revisits.findings"))


# --- customer page section ---------------------------------------------------------------------

@bp.get("/customers/<int:customer_id>")
def customer_section(customer_id: int):
    """The revisits of one customer (open tasks and records), as the customer page's section."""
    customer = get_visible_or_404(visible_customers(current_user), customer_id, Customer)
    tasks = db.session.scalars(visible_revisit_tasks(current_user).where(
        RevisitTask.customer_id == customer.id).options(selectinload(RevisitTask.assignee))
        .order_by(RevisitTask.due_on.desc()).limit(20)).all()
    records = db.session.scalars(visible_revisit_records(current_user).where(
        RevisitRecord.customer_id == customer.id).options(selectinload(RevisitRecord.staff))
        .order_by(RevisitRecord.revisited_at.desc()).limit(20)).all()
    return render_page_or_fragment("revisits/customer_revisits.html", "revisits/_customer_revisits.html",
                                   customer=customer, tasks=tasks, records=records, today=clock.today())
