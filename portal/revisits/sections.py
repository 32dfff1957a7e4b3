"""What the revisits area contributes to other pages: work-list sections and the customer timeline."""
from datetime import date, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models.customers import Customer
from portal.models.revisits import SPOT_CHECK_PENDING, TASK_OPEN, RevisitRecord, RevisitTask, SpotCheck
from portal.access.revisits import own_findings, visible_revisit_tasks, visible_spot_checks
from portal.timeline import TimelineEvent, register_timeline_source
from portal.workbench.sections import RowAction, WorkItem, WorkSection, register_work_section
from portal.web import count_rows

REVISIT_ROLES = frozenset({"service", "tech", "supervisor", "admin"})
SHOWN = 5


def due_word(due_on: date, today: date) -> tuple[str, str]:
    """Status word and colour tone for a due date: overdue red, due within a day amber."""
    if due_on < today:
        return _("逾期%(n)s天", n=(today - due_on).days), "red"
    if due_on <= today + timedelta(days=1):
        return (_("今日到期") if due_on == today else _("明日到期")), "amber"
    return _("%(n)s天后到期", n=(due_on - today).days), "grey"


def task_item(task: RevisitTask, today: date, team: bool = False) -> WorkItem:
    """A revisit task's work-list row: 完成回访 opens its questionnaire under the row; a team's rows name
    the assignee."""
    word, tone = due_word(task.due_on, today)
    assignee = task.assignee.display_name if task.assignee else _("未分配")
    who = f" · {assignee}" if team else ""
    return WorkItem(title=_("回访 %(name)s", name=task.customer.name), url=url_for("revisits.task", task_id=task.id),
                    due=task.due_on, working_day_due=True, status_word=word, tone=tone,
                    detail=f"{_(task.trigger_label)} · {_(task.method)}{who}",
                    row_id=f"work-revisit-{task.id}",
                    actions=(RowAction(_("完成回访"), url_for("revisits.task", task_id=task.id)),))


@register_work_section(40)
def revisit_tasks_section(user, today: date) -> WorkSection | None:
    """My open revisit tasks due within 3 days or overdue; a supervisor's are their team's (the
    department's, and the unassigned queue), through the same scope as the task list."""
    if user.role not in REVISIT_ROLES:
        return None
    team = user.role == "supervisor"
    query = (visible_revisit_tasks(user) if team else select(RevisitTask).where(RevisitTask.assignee_id == user.id))
    query = query.join(RevisitTask.customer).where(
        RevisitTask.status == TASK_OPEN, RevisitTask.due_on <= today + timedelta(days=3), Customer.archived_at.is_(None))
    total = count_rows(query)
    # Rows only when the count found some: with none in the team, the ordered walk of every open task
    # company-wide found nothing after 6,670 tasks (销售一部's supervisor: 20 ms).
    tasks = db.session.scalars(query.options(selectinload(RevisitTask.customer), selectinload(RevisitTask.assignee))
                               .order_by(RevisitTask.due_on, RevisitTask.id).limit(SHOWN)) if total else []
    items = [task_item(task, today, team) for task in tasks]
    if team:
        return WorkSection(key="revisit_tasks", title=_("团队回访任务（3天内到期及逾期）"), total=total, items=items,
                           more_url=url_for("revisits.index", scope="team", due="week"),
                           empty_text=_("团队近期没有待回访的任务"), reminder=True)
    return WorkSection(key="revisit_tasks", title=_("回访任务（3天内到期及逾期）"), total=total, items=items,
                       more_url=url_for("revisits.index", due="week"), empty_text=_("近期没有待回访的任务"), reminder=True)


@register_work_section(45)
def findings_section(user, today: date) -> WorkSection | None:
    """Spot-check findings on my revisit records that I have not acknowledged yet."""
    if user.role not in REVISIT_ROLES:
        return None
    query = own_findings(user).where(SpotCheck.acknowledged_at.is_(None)).order_by(SpotCheck.checked_at.desc())
    total = count_rows(query)
    if not total:
        return None
    checks = db.session.scalars(query.options(selectinload(SpotCheck.record).selectinload(RevisitRecord.customer))
                                .limit(SHOWN))
    items = [WorkItem(title=_("%(name)s · 抽查结论：%(result)s", name=check.record.customer.name, result=_(check.result)),
                      url=url_for("revisits.findings", _anchor=f"finding-{check.id}"),
                      due=check.checked_at, status_word=_("待确认"), tone="green" if check.passed else "red",
                      detail=check.corrective_action[:60], row_id=f"work-finding-{check.id}",
                      actions=(RowAction(_("确认已阅"), url_for("revisits.finding_acknowledge", spot_check_id=check.id),
                                         opens_form=False),)) for check in checks]
    return WorkSection(key="spot_check_findings", title=_("待确认的抽查结果"), total=total, items=items,
                       more_url=url_for("revisits.findings"), reminder=True)


@register_timeline_source
def revisit_timeline(customer, limit: int) -> list[TimelineEvent]:
    """The customer's revisit records, newest first (one query)."""
    records = db.session.scalars(
        select(RevisitRecord).where(RevisitRecord.customer_id == customer.id)
        .options(selectinload(RevisitRecord.staff)).order_by(RevisitRecord.revisited_at.desc()).limit(limit)
    )
    events = []
    for record in records:
        detail = _("满意度 %(n)s", n=record.satisfaction) if record.satisfaction else ""
        if record.issues_raised:
            issue = _("问题：%(text)s", text=record.issues_raised[:40])
            detail = f"{detail} · {issue}".lstrip(" ·")
        events.append(TimelineEvent(at=record.revisited_at, kind=_("回访"),
                                    title=_("%(method)s回访：%(outcome)s", method=_(record.method), outcome=_(record.outcome)),
                                    detail=detail, url=url_for("revisits.record", record_id=record.id),
                                    actor=record.staff.display_name))
    return events


@register_work_section(46)
def pending_spot_checks_section(user, today: date) -> WorkSection | None:
    """Drawn spot-checks the supervisor has not marked yet."""
    if user.role not in {"supervisor", "admin"}:
        return None
    query = visible_spot_checks(user).where(SpotCheck.result == SPOT_CHECK_PENDING)
    total = count_rows(query)
    if not total:
        return None
    checks = db.session.scalars(query.options(selectinload(SpotCheck.staff), selectinload(SpotCheck.record)
                                              .selectinload(RevisitRecord.customer))
                                .order_by(SpotCheck.period_end, SpotCheck.id).limit(SHOWN))
    items = [WorkItem(title=_("抽查 %(staff)s · %(name)s", staff=check.staff.display_name, name=check.record.customer.name),
                      url=url_for("spot_checks.detail", spot_check_id=check.id), due=check.period_end,
                      status_word=_("待抽查"), tone="amber", detail=_("随机种子 %(seed)s", seed=check.sample_seed))
             for check in checks]
    return WorkSection(key="pending_spot_checks", title=_("待完成的回访抽查"), total=total, items=items,
                       more_url=url_for("spot_checks.index", state="pending"), reminder=True)
