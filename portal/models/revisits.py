"""Revisits 回访: questionnaires (versioned), plans, tasks, records; supervisors' spot-checks 抽查."""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import User
from portal.models.base import AuditedMixin, TimestampMixin, VersionedMixin
from portal.models.customers import Customer

QUESTION_TYPES = {"score": N_("满意度评分（1–5）"), "single": N_("单选"), "multiple": N_("多选"), "text": N_("文字回答")}
METHODS = (N_("电话"), N_("邮件"), N_("在线"), N_("实地"))
SEGMENTS = {
    "registration": N_("新注册客户"),
    "deal": N_("成交客户"),
    "inactive": N_("沉睡/不活跃客户"),
    "event": N_("事件触发（活动、咨询、工单关闭）"),
    "manual": N_("手工名单"),
}
TRIGGER_LABELS = {
    "registration": N_("新注册"),
    "deal": N_("成交后"),
    "inactive": N_("定期（不活跃）"),
    "dormant": N_("转为沉睡"),
    "event": N_("事件"),
    "ticket_closed": N_("工单关闭"),
    "plan": N_("回访计划"),
}
# Stored as written here (Chinese); shown through gettext.
OUTCOMES = (N_("完成"), N_("未接通"), N_("拒访"))
ISSUE_CATEGORIES = (N_("产品"), N_("服务"), N_("需求"), N_("其他"))
TASK_OPEN = N_("待回访")
TASK_STATUSES = (TASK_OPEN, N_("已完成"), N_("拒访"), N_("未接通"), N_("已取消"))
# 未接通 reschedules to the next working day up to this many attempts; then the task closes as 未接通.
MAX_ATTEMPTS = 3
SPOT_CHECK_PENDING = N_("待抽查")
SPOT_CHECK_RESULTS = (N_("合格"), N_("不真实"), N_("不完整"), N_("流程不符"), N_("态度问题"))
SPOT_CHECK_PASS = "合格"
# A record found 不真实 counts as not done, and its score leaves 客户满意度 (DESIGN.md 考核).
SPOT_CHECK_UNTRUE = "不真实"


class IllegalTransition(ValueError):
    """A state change the record's state machine does not allow."""


class Questionnaire(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A named questionnaire; its questions live in immutable versions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(256), default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("questionnaire_version.id", use_alter=True), default=None
    )

    current_version: Mapped["QuestionnaireVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )

    def publish(self, questions: list[dict], by: User | None) -> "QuestionnaireVersion":
        """Add a new version with these questions; answered records keep pointing at the old one."""
        number = (self.current_version.number + 1) if self.current_version else 1
        version = QuestionnaireVersion(questionnaire=self, number=number, questions=questions, created_by=by)
        db.session.add(version)
        self.current_version = version
        return version

    def __str__(self) -> str:
        return self.name


class QuestionnaireVersion(db.Model):
    """One frozen set of ordered questions: [{key, text, type, required, options}]; never edited."""

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaire.id"), index=True)
    number: Mapped[int]
    questions: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    questionnaire: Mapped[Questionnaire] = relationship(foreign_keys=[questionnaire_id])
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (UniqueConstraint("questionnaire_id", "number", name="uq_questionnaire_version_number"),)


revisit_plan_assignee = Table(
    "revisit_plan_assignee",
    db.metadata,
    Column("plan_id", ForeignKey("revisit_plan.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id"), primary_key=True, index=True),
)


class RevisitPlan(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A campaign: which customers, how, by when and with which questionnaire; generates tasks."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    segment: Mapped[str] = mapped_column(String(16), index=True)
    method: Mapped[str] = mapped_column(String(8), index=True)
    starts_on: Mapped[date]
    window_workdays: Mapped[int] = mapped_column(default=5)
    # Manual list: customer codes, one per line (segment "manual").
    customer_codes: Mapped[str] = mapped_column(Text, default="")
    questionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    tasks_generated_at: Mapped[datetime | None] = mapped_column(default=None)

    questionnaire: Mapped[Questionnaire | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    assignees: Mapped[list[User]] = relationship(secondary=revisit_plan_assignee, order_by=User.id)

    @property
    def segment_label(self) -> str:
        return SEGMENTS.get(self.segment, self.segment)

    def __str__(self) -> str:
        return self.name


class RevisitTask(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """One customer to revisit by `due_on`; `unique_key` makes every generator idempotent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("revisit_plan.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(16), index=True)
    # rules.revisit_triggers.task_purpose; NULL only on tasks that predate the one-open-task rule.
    purpose: Mapped[str | None] = mapped_column(String(16), default=None)
    source_ref: Mapped[str] = mapped_column(String(64), default="")
    unique_key: Mapped[str] = mapped_column(String(96), unique=True)
    method: Mapped[str] = mapped_column(String(8), default="电话", index=True)
    due_on: Mapped[date]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(8), default=TASK_OPEN)
    attempts: Mapped[int] = mapped_column(default=0)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    customer: Mapped[Customer] = relationship()
    plan: Mapped[RevisitPlan | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    records: Mapped[list["RevisitRecord"]] = relationship(
        back_populates="task", order_by="RevisitRecord.revisited_at"
    )

    __table_args__ = (
        # With the customer, the work list counts a team's open tasks from the index alone (migration 0026).
        Index("ix_revisit_task_assignee_status_due", "assignee_id", "status", "due_on", "customer_id"),
        Index("ix_revisit_task_status_due", "status", "due_on"),
        Index("ix_revisit_task_customer_due", "customer_id", "due_on"),
        Index("ix_revisit_task_due_on", "due_on"),
        # Never two open tasks for one purpose: the service links instead; this answers a race.
        Index("uq_revisit_task_open_purpose", "customer_id", "purpose", unique=True,
              sqlite_where=text(f"status = '{TASK_OPEN}'"), postgresql_where=text(f"status = '{TASK_OPEN}'")),
    )

    @property
    def is_open(self) -> bool:
        return self.status == TASK_OPEN

    @property
    def retry_count(self) -> int:
        """Unanswered attempts so far (each 未接通 reschedules the task)."""
        return self.attempts if self.is_open else max(self.attempts - 1, 0)

    @property
    def trigger_label(self) -> str:
        return TRIGGER_LABELS.get(self.trigger, self.trigger)

    def record_outcome(self, outcome: str, at: datetime, next_attempt_on: date) -> None:
        """完成/拒访 close the task; 未接通 moves it to `next_attempt_on` until MAX_ATTEMPTS, then closes it."""
        if not self.is_open:
            raise IllegalTransition(f"task {self.id} is {self.status}")
        if outcome not in OUTCOMES:
            raise IllegalTransition(outcome)
        self.attempts += 1
        if outcome == "完成":
            self.status, self.completed_at = "已完成", at
        elif outcome == "拒访":
            self.status, self.completed_at = "拒访", at
        elif self.attempts >= MAX_ATTEMPTS:
            self.status, self.completed_at = "未接通", at
        else:
            self.due_on = next_attempt_on

    def cancel(self) -> None:
        """Cancel an open task (e.g. its customer was merged or archived)."""
        if not self.is_open:
            raise IllegalTransition(f"task {self.id} is {self.status}")
        self.status = "已取消"


class RevisitRecord(AuditedMixin, TimestampMixin, db.Model):
    """One attempt at a revisit: outcome, answers to a questionnaire version, satisfaction, issues."""

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("revisit_task.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    questionnaire_version_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_version.id"))
    method: Mapped[str] = mapped_column(String(8), index=True)
    outcome: Mapped[str] = mapped_column(String(8))
    revisited_at: Mapped[datetime] = mapped_column(default=clock.now)
    contact_person: Mapped[str] = mapped_column(String(64), default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    satisfaction: Mapped[int | None] = mapped_column(default=None)
    issues_raised: Mapped[str] = mapped_column(Text, default="")
    issue_category: Mapped[str] = mapped_column(String(8), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The 回访问题 ticket opened for the issue raised; the ticket links back through this column.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True, default=None)

    task: Mapped[RevisitTask | None] = relationship(back_populates="records")
    customer: Mapped[Customer] = relationship()
    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    questionnaire_version: Mapped[QuestionnaireVersion | None] = relationship()
    # Both ways: record.ticket and ticket.revisit_records.
    ticket: Mapped["Ticket | None"] = relationship("Ticket", backref="revisit_records")  # noqa: F821

    __table_args__ = (
        Index("ix_revisit_record_staff_revisited", "staff_id", "revisited_at"),
        Index("ix_revisit_record_revisited_outcome", "revisited_at", "outcome"),
        Index("ix_revisit_record_customer_revisited", "customer_id", "revisited_at"),
    )


class SpotCheck(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    """A supervisor's check of one drawn revisit record; the staff member acknowledges the finding."""

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("revisit_record.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    sample_seed: Mapped[int] = mapped_column(BigInteger)
    period_start: Mapped[date]
    period_end: Mapped[date]
    result: Mapped[str] = mapped_column(String(8), default=SPOT_CHECK_PENDING)
    comment: Mapped[str] = mapped_column(Text, default="")
    corrective_action: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime | None] = mapped_column(default=None)
    acknowledged_at: Mapped[datetime | None] = mapped_column(default=None)

    record: Mapped[RevisitRecord] = relationship()
    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])

    __table_args__ = (
        UniqueConstraint("record_id", "period_start", "period_end", name="uq_spot_check_record_period"),
        Index("ix_spot_check_staff_ack", "staff_id", "acknowledged_at"),
        Index("ix_spot_check_period", "period_start", "period_end"),
        Index("ix_spot_check_seed", "sample_seed"),
        Index("ix_spot_check_checked_at", "checked_at", "result"),
    )

    @property
    def is_checked(self) -> bool:
        return self.result != SPOT_CHECK_PENDING

    @property
    def passed(self) -> bool:
        return self.result == SPOT_CHECK_PASS

    @property
    def needs_acknowledgement(self) -> bool:
        return self.is_checked and self.acknowledged_at is None

    def mark(self, result: str, comment: str, corrective_action: str, at: datetime) -> None:
        """Record the finding; a checked record may be re-marked until its staff member acknowledges it."""
        if result not in SPOT_CHECK_RESULTS:
            raise IllegalTransition(result)
        if self.acknowledged_at is not None:
            raise IllegalTransition("finding already acknowledged")
        self.result, self.comment, self.corrective_action, self.checked_at = result, comment, corrective_action, at

    def acknowledge(self, at: datetime) -> None:
        """The staff member confirms they have read the finding (and will take the corrective action)."""
        if not self.is_checked or self.acknowledged_at is not None:
            raise IllegalTransition("nothing to acknowledge")
        self.acknowledged_at = at
