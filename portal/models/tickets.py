"""Complaint tickets 投诉工单: the ticket with its dispatch and status state machines, timeline, attachments.

Views never set `status` or `dispatch_state`; they call the transition methods below, which refuse
illegal transitions with `TransitionRefused` (the message is shown to the user).
"""
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.auth import Department, User
from portal.models.base import AuditedMixin, TimestampMixin, VersionedMixin
from portal.models.customers import Customer

KINDS = (N_("投诉"), N_("回访问题"), N_("服务请求"))
CATEGORIES = (N_("产品"), N_("服务"), N_("需求"), N_("其他"))
SEVERITIES = (N_("重大"), N_("一般"), N_("轻微"))
CHANNELS = (N_("电话"), N_("回访"), N_("邮件"), N_("微信"), N_("上门"), N_("官网"), N_("其他"))
ROOT_CAUSE_TYPES = (N_("产品缺陷"), N_("操作不当"), N_("服务不到位"), N_("需求理解偏差"), N_("外部因素"), N_("其他"))

UNDISPATCHED, DISPATCHED, CONFIRMED = N_("未派工"), N_("已派工未确认"), N_("已确认")
DISPATCH_STATES = (UNDISPATCHED, DISPATCHED, CONFIRMED)

NEW, IN_PROGRESS, AWAITING_CUSTOMER, RESOLVED, CLOSED, REOPENED = (
    N_("新建"), N_("处理中"), N_("待客户反馈"), N_("已解决"), N_("已回访关闭"), N_("重新打开"),
)
STATUSES = (NEW, IN_PROGRESS, AWAITING_CUSTOMER, RESOLVED, CLOSED, REOPENED)
OPEN_STATUSES = (NEW, IN_PROGRESS, AWAITING_CUSTOMER, REOPENED)
DONE_STATUSES = (RESOLVED, CLOSED)

# Status transitions: action -> (statuses it may start from, status it leads to).
STATUS_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "start": ((NEW, REOPENED), IN_PROGRESS),
    "pause": ((IN_PROGRESS,), AWAITING_CUSTOMER),
    "resume": ((AWAITING_CUSTOMER,), IN_PROGRESS),
    "resolve": ((IN_PROGRESS,), RESOLVED),
    "close": ((RESOLVED,), CLOSED),
    "reopen": ((RESOLVED, CLOSED), REOPENED),
}
UNSATISFIED_MAX = 2  # satisfaction ≤ 2 never closes: the ticket reopens or goes to the supervisor
MAX_REOPENS_BEFORE_ESCALATION = 2

# The ledger's urgency order 问题跟踪台账 as bands, kept on write in `Ticket.ledger_band`: open tickets due
# (2), open and paused (3), done with a deadline (4), done without (5). A ticket breached now by the clock
# moves up two bands at query time (0, 1), which only open tickets can; see tickets.queries.ledger_query.
OPEN_DUE_BAND, OPEN_PAUSED_BAND, DONE_DUE_BAND, DONE_UNDATED_BAND = 2, 3, 4, 5
BREACHED_BAND_SHIFT = 2


def ledger_band(status: str | None, resolve_due_at: datetime | None) -> int:
    """The ticket's place in the ledger's order before the clock is consulted (a new ticket is open)."""
    if status in DONE_STATUSES:
        return DONE_UNDATED_BAND if resolve_due_at is None else DONE_DUE_BAND
    return OPEN_PAUSED_BAND if resolve_due_at is None else OPEN_DUE_BAND


# Timeline event kinds (TicketEvent.kind, stored in Chinese, shown through gettext). The note beside
# them is stored text: what someone typed, or a line the portal wrote at the time; it stays as stored.
EVENT_KINDS = (
    N_("受理"), N_("派工"), N_("改派"), N_("确认派工"), N_("状态变更"), N_("暂停计时"), N_("恢复计时"),
    N_("回访"), N_("升级主管"), N_("SLA超时"), N_("派工超时"), N_("调整时限"), N_("附件"), N_("评论"),
    N_("内部备注"), N_("知识库解决"), N_("关联缺陷"), N_("整理入知识库"),
)


class TransitionRefused(Exception):
    """An illegal state change; the message is Chinese and shown to the user."""


class Ticket(AuditedMixin, TimestampMixin, VersionedMixin, db.Model):
    # The ledger band is derived from status and deadline on every write: its change says nothing new.
    __audit_exclude__ = AuditedMixin.__audit_exclude__ | {"ledger_band"}

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    kind: Mapped[str] = mapped_column(String(8))
    category: Mapped[str] = mapped_column(String(8))
    severity: Mapped[str] = mapped_column(String(4))
    channel: Mapped[str] = mapped_column(String(16), default="")
    complainant: Mapped[str] = mapped_column(String(64), default="")
    contact: Mapped[str] = mapped_column(String(64), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    dispatch_state: Mapped[str] = mapped_column(String(8), default=UNDISPATCHED)
    dispatched_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    confirm_escalation_level: Mapped[int] = mapped_column(SmallInteger, default=0)

    status: Mapped[str] = mapped_column(String(8), default=NEW)
    respond_due_at: Mapped[datetime]
    resolve_due_at: Mapped[datetime | None]  # None while the clock is paused (待客户反馈)
    responded_at: Mapped[datetime | None]
    paused_since: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None]
    solution: Mapped[str] = mapped_column(Text, default="")
    root_cause_type: Mapped[str] = mapped_column(String(16), default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    compensation: Mapped[str] = mapped_column(String(256), default="")
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)

    # The closing revisit 回访关闭: the customer's word, recorded by someone other than the resolver.
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger)
    closing_comment: Mapped[str] = mapped_column(Text, default="")
    closing_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closing_recorded_at: Mapped[datetime | None]

    # Breaches and escalations are recorded once (tickets check-sla).
    response_breached_at: Mapped[datetime | None]
    resolve_breached_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]

    ledger_band: Mapped[int] = mapped_column(SmallInteger)  # ledger_band(status, resolve_due_at), set on every flush

    customer: Mapped[Customer] = relationship()
    department: Mapped[Department | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    closing_by: Mapped[User | None] = relationship(foreign_keys=[closing_by_id])
    events: Mapped[list["TicketEvent"]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["TicketAttachment"]] = relationship(
        back_populates="ticket", order_by="TicketAttachment.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_ticket_customer_received", "customer_id", "received_at"),
        Index("ix_ticket_received_at", "received_at"),
        Index("ix_ticket_status", "status"),
        Index("ix_ticket_dispatch_state", "dispatch_state"),
        Index("ix_ticket_department_status", "department_id", "status"),
        Index("ix_ticket_assignee_status", "assignee_id", "status"),
        Index("ix_ticket_category", "category"),
        Index("ix_ticket_severity", "severity"),
        Index("ix_ticket_resolve_due_at", "resolve_due_at"),
        Index("ix_ticket_respond_due_at", "respond_due_at"),
    )

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def log(self, kind: str, actor: User | None, note: str = "", *, from_status=None, to_status=None,
            internal: bool = False) -> "TicketEvent":
        event = TicketEvent(kind=kind, actor=actor, note=note, from_status=from_status,
                            to_status=to_status, internal=internal, at=clock.now())
        self.events.append(event)
        return event

    def _move(self, action: str, actor: User | None, note: str = "") -> None:
        sources, target = STATUS_TRANSITIONS[action]
        if self.status not in sources:
            raise TransitionRefused(_("工单当前状态为「%(status)s」，不能执行此操作", status=_(self.status)))
        before, self.status = self.status, target
        self.log("状态变更", actor, note, from_status=before, to_status=target)

    def _mark_responded(self, at: datetime) -> None:
        if self.responded_at is None:
            self.responded_at = at

    def dispatch(self, department: Department, assignee: User | None, actor: User | None, note: str = "") -> None:
        """派工 / 改派: to a department and optionally a person; the SLA clock is not touched."""
        if self.status == CLOSED:
            raise TransitionRefused(_("已回访关闭的工单不能派工"))
        if assignee is not None and assignee.department_id != department.id:
            raise TransitionRefused(_("处理人不属于所选部门"))
        kind = "改派" if self.dispatch_state != UNDISPATCHED else "派工"
        self.department, self.assignee = department, assignee
        self.department_id, self.assignee_id = department.id, assignee.id if assignee else None
        self.dispatch_state = DISPATCHED
        self.dispatched_at = clock.now()
        self.confirmed_at = None
        self.confirm_escalation_level = 0
        target = f"{department.name}" + (f" / {assignee.display_name}" if assignee else "")
        self.log(kind, actor, f"派给 {target}" + (f"：{note}" if note else ""))

    def confirm(self, actor: User) -> None:
        """确认派工: the assignee (or someone in the assigned department) takes the ticket."""
        if self.dispatch_state != DISPATCHED:
            raise TransitionRefused(_("派工状态为「%(state)s」，不能确认", state=_(self.dispatch_state)))
        now = clock.now()
        self.dispatch_state, self.confirmed_at = CONFIRMED, now
        if self.assignee_id is None:
            self.assignee, self.assignee_id = actor, actor.id
        self._mark_responded(now)
        self.log("确认派工", actor)

    def start(self, actor: User) -> None:
        """开始处理."""
        if self.dispatch_state != CONFIRMED:
            raise TransitionRefused(_("派工确认后才能开始处理"))
        self._move("start", actor)
        self._mark_responded(clock.now())

    def pause(self, actor: User, note: str = "") -> None:
        """待客户反馈: the resolution clock stops until the customer answers."""
        self._move("pause", actor, note)
        self.paused_since = clock.now()
        self.resolve_due_at = None
        self.log("暂停计时", actor, "等待客户反馈，解决时限暂停")

    def resume(self, actor: User, new_deadline: datetime | None, note: str = "",
               paused_working_minutes: int | None = None) -> None:
        """Customer answered: the clock runs again with the pause's working time added to the deadline."""
        self._move("resume", actor, note)
        self.paused_since = None
        self.resolve_due_at = new_deadline
        line = "客户已反馈，解决时限恢复计时"
        if paused_working_minutes is not None:
            hours, minutes = divmod(paused_working_minutes, 60)
            line += f"；暂停占用工作时间 {hours} 小时 {minutes} 分"
        if new_deadline is not None:
            line += f"，新的解决时限 {new_deadline:%Y-%m-%d %H:%M}"
        self.log("恢复计时", actor, line)

    def resolve(self, actor: User, solution: str, root_cause_type: str, root_cause: str, compensation: str = "") -> None:
        """已解决: needs a solution and a root cause 原因分析."""
        if not solution.strip() or not root_cause.strip():
            raise TransitionRefused(_("请填写解决方案和原因分析"))
        self._move("resolve", actor)
        self.solution, self.root_cause_type, self.root_cause = solution, root_cause_type, root_cause
        self.compensation = compensation
        self.resolved_at, self.resolved_by, self.resolved_by_id = clock.now(), actor, actor.id

    def record_closing_revisit(self, actor: User, satisfaction: int, comment: str, escalate: bool = False) -> bool:
        """The closing revisit: closes on satisfaction ≥ 3; else reopens (or goes to the supervisor).

        Returns True when the ticket closed.
        """
        if self.status != RESOLVED:
            raise TransitionRefused(_("只有已解决的工单才能回访关闭"))
        if actor.id == self.resolved_by_id:
            raise TransitionRefused(_("解决人不能为自己的工单做关闭回访"))
        if not 1 <= satisfaction <= 5:
            raise TransitionRefused(_("满意度应为1到5分"))
        if not comment.strip():
            raise TransitionRefused(_("请填写客户评价"))
        now = clock.now()
        self.satisfaction, self.closing_comment = satisfaction, comment
        self.closing_by, self.closing_by_id, self.closing_recorded_at = actor, actor.id, now
        self.log("回访", actor, f"满意度 {satisfaction} 分：{comment}")
        if satisfaction > UNSATISFIED_MAX:
            self._move("close", actor)
            self.closed_at = now
            return True
        if escalate or self.reopen_count >= MAX_REOPENS_BEFORE_ESCALATION:
            self.escalate(actor, f"客户不满意（{satisfaction} 分），升级主管处理")
        else:
            self.reopen(actor, f"客户不满意（{satisfaction} 分）")
        return False

    def reopen(self, actor: User, reason: str) -> None:
        """重新打开 from 已解决/已回访关闭, with a reason; the resolution must be redone."""
        if not reason.strip():
            raise TransitionRefused(_("请填写重新打开的原因"))
        self._move("reopen", actor, reason)
        self.reopen_count += 1
        self.resolved_at = self.closed_at = None

    def escalate(self, actor: User | None, note: str) -> None:
        """升级主管: shows on supervisors' work lists until handled."""
        self.escalated_at = clock.now()
        self.log("升级主管", actor, note)


# The work list's 超时与升级工单 counts tickets needing a supervisor from this index alone (the breach,
# escalation and dispatch columns, plus the scope's customer and department): 50,000 tickets in
# 3.3 ms instead of a 39 ms table scan (migration 0026).
Index("ix_ticket_attention", Ticket.status, Ticket.response_breached_at, Ticket.resolve_breached_at,
      Ticket.escalated_at, Ticket.dispatch_state, Ticket.confirm_escalation_level, Ticket.customer_id,
      Ticket.department_id)
# The ledger's default order walks this index for done tickets (the bulk of them) and stops after a page;
# filtered by one status, the second one. The scope's ticket columns ride along, so tickets out of scope
# are skipped without reading their rows (a rep's capped count: 24-31 -> 14-24 ms).
Index("ix_ticket_ledger_order", Ticket.ledger_band, Ticket.resolve_due_at, Ticket.received_at.desc(), Ticket.id.desc(),
      Ticket.customer_id, Ticket.department_id, Ticket.assignee_id)
Index("ix_ticket_status_ledger_order", Ticket.status, Ticket.ledger_band, Ticket.resolve_due_at,
      Ticket.received_at.desc(), Ticket.id.desc())


@event.listens_for(Ticket, "before_insert")
@event.listens_for(Ticket, "before_update")
def keep_ledger_band(_mapper, _connection, ticket: Ticket) -> None:
    """Every ORM write of a ticket (intake, transitions, pauses, deadline changes) re-derives its band."""
    ticket.ledger_band = ledger_band(ticket.status, ticket.resolve_due_at)


class TicketEvent(db.Model):
    """One line of a ticket's timeline: dispatch, confirm, comment, note, status change, pause, breach."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=clock.now)
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    from_status: Mapped[str | None] = mapped_column(String(8))
    to_status: Mapped[str | None] = mapped_column(String(8))
    note: Mapped[str] = mapped_column(Text, default="")
    internal: Mapped[bool] = mapped_column(default=False)  # 内部备注: never read to the customer

    ticket: Mapped[Ticket] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_ticket_event_ticket_at", "ticket_id", "at"),
        Index("ix_ticket_event_kind_at", "kind", "at"),
    )


class TicketAttachment(AuditedMixin, db.Model):
    """A file kept in the file store (outside static/), served only through the scoped route."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(128))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=clock.now)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User | None] = relationship()
