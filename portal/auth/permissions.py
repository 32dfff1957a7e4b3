"""Who may use which area and do which record-level action. Views and templates share these."""
from flask import Blueprint, abort, g, request
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.i18n import NP_
from portal.models.auth import User
from portal.rules.contact_format import format_contact, format_phone, mask_contact, mask_email, mask_phone

ALL_ROLES = frozenset({"sales", "service", "tech", "marketing", "supervisor", "admin"})

# Which roles may open each area at all; record scope is decided by portal.access.
AREA_ROLES: dict[str, frozenset[str]] = {
    "workbench": ALL_ROLES,
    "account": ALL_ROLES,
    "customers": ALL_ROLES,
    "followups": frozenset({"sales", "service", "marketing", "supervisor", "admin"}),
    "revisits": frozenset({"service", "tech", "marketing", "supervisor", "admin"}),
    "spot_checks": frozenset({"supervisor", "admin"}),
    "tickets": frozenset({"sales", "service", "tech", "supervisor", "admin"}),
    "reports": frozenset({"supervisor", "admin"}),
    # Activities are company events: sales and service read them (their customers take part);
    # tech support solves tickets and has no business here.
    "marketing": frozenset({"sales", "service", "marketing", "supervisor", "admin"}),
    "audit": frozenset({"supervisor", "admin"}),
    "admin": frozenset({"admin"}),
    # The sales area (issue 13): each of its endpoints names one of these (portal.sales.routes).
    "opportunities": frozenset({"sales", "supervisor", "admin"}),
    "orders": frozenset({"sales", "service", "tech", "supervisor", "admin"}),
    "products": frozenset({"supervisor", "admin"}),
    "receivables": frozenset({"sales", "supervisor", "admin"}),
    "aftersales": frozenset({"supervisor", "admin"}),
    "expenses": frozenset({"sales", "marketing", "supervisor", "admin"}),
    "statements": frozenset({"sales", "marketing", "supervisor", "admin"}),
    "targets": frozenset({"sales", "supervisor", "admin"}),
    "customer_health": ALL_ROLES,
    "health_at_risk": frozenset({"supervisor", "admin"}),
    "knowledge": ALL_ROLES,
}

# Left navigation: (area, endpoint, label); base.html shows `_(label)`. Entries whose endpoint is not registered
# are skipped.
NAVIGATION = (
    ("workbench", "workbench.index", NP_("menu", "我的工作台")),
    ("customers", "customers.index", NP_("menu", "客户档案")),
    ("followups", "followups.index", NP_("menu", "跟进记录")),
    ("revisits", "revisits.index", NP_("menu", "回访任务")),
    ("spot_checks", "spot_checks.index", NP_("menu", "回访抽查")),
    ("tickets", "tickets.index", NP_("menu", "投诉工单")),
    ("opportunities", "sales.opportunities", NP_("menu", "商机")),
    ("orders", "sales.orders", NP_("menu", "订单")),
    ("receivables", "sales.receivables", NP_("menu", "应收账款")),
    ("products", "sales.products", NP_("menu", "产品价格表")),
    ("expenses", "expenses.index", NP_("menu", "费用")),
    ("statements", "sales.statements", NP_("menu", "销售统计")),
    ("marketing", "marketing.index", NP_("menu", "市场活动")),
    ("health_at_risk", "customer_health.at_risk", NP_("menu", "流失预警")),
    ("knowledge", "knowledge.index", NP_("menu", "知识库")),
    ("reports", "reports.index", NP_("menu", "考核报表")),
    ("audit", "audit.index", NP_("menu", "操作日志")),
    ("admin", "admin.users", NP_("menu", "系统管理")),
)

# Roles that see a customer's phone/email only when the customer is really theirs to work on.
MASKED_CONTACT_ROLES = frozenset({"tech"})

# The one field-visibility mapping for contact data: each field that holds a customer's phone or email,
# with how it is shown in full and how it is masked. Whether a viewer sees it in full is one rule for
# every surface (customer page, ticket page and fragments, print, PDF, exports): can_see_contact_details.
CONTACT_FIELDS: dict[str, tuple] = {
    "phone": (format_phone, mask_phone),  # Contact.phone
    "email": (str.strip, mask_email),  # Contact.email
    "ticket_contact": (format_contact, mask_contact),  # Ticket.contact 投诉人联系方式: a phone or an email
}


def can_use_area(user: User, area: str) -> bool:
    """Whether the user's role may open this area of the portal."""
    return user.is_authenticated and user.role in AREA_ROLES[area]


def guard_area(blueprint: Blueprint, area: str) -> None:
    """Blueprint-wide guard: the role must be allowed in this area (login is enforced app-wide)."""

    @blueprint.before_request
    def require_area_role():
        if request.endpoint and not can_use_area(current_user, area):
            abort(403)


def is_manager(user: User) -> bool:
    """Supervisors and admins: reassign, hand over, merge, see archived records."""
    return user.role in {"supervisor", "admin"}


def can_see_contact_details(user: User, customer) -> bool:
    """Phone/email in full; tech support sees them only on customers of tickets assigned to them."""
    if user.role not in MASKED_CONTACT_ROLES:
        return True
    return customer.id in customers_with_my_tickets(user)


def shown_contact(user: User, customer, field: str, value: str | None) -> str:
    """A contact field as this user may see it: in full (phones grouped) or masked (CONTACT_FIELDS).

    Tech support sees it in full as the assignee of a ticket of that customer; colleagues of the
    department a ticket was dispatched to see it masked, on the ticket as on the customer page.
    """
    if not value:
        return ""
    full, masked = CONTACT_FIELDS[field]
    return full(value) if can_see_contact_details(user, customer) else masked(value)


def customers_with_my_tickets(user: User) -> frozenset[int]:
    """Customer ids of tickets assigned to the user, read once per request (lists ask per row)."""
    if "my_ticket_customer_ids" not in g:
        from portal.models.tickets import Ticket

        query = select(Ticket.customer_id).where(Ticket.assignee_id == user.id).distinct()
        g.my_ticket_customer_ids = frozenset(db.session.scalars(query))
    return g.my_ticket_customer_ids


def can_edit_customer(user: User, customer) -> bool:
    """Owner, collaborators, service staff and managers edit; marketing and tech only read."""
    if user.role in {"marketing", "tech"}:
        return False
    if user.role == "sales":
        return customer.owner_id == user.id or user in customer.collaborators
    return True


# --- revisits 回访 and spot-checks 抽查 ---
def can_manage_questionnaires(user: User) -> bool:
    """Marketing and admins build and version questionnaires."""
    return user.role in {"marketing", "admin"}


def can_manage_revisit_plans(user: User) -> bool:
    """Marketing, supervisors and admins create plans and generate their tasks."""
    return user.role in {"marketing", "supervisor", "admin"}


def can_view_revisit_analysis(user: User) -> bool:
    """Marketing, supervisors and admins see the revisit analysis."""
    return user.role in {"marketing", "supervisor", "admin"}


def can_do_revisit(user: User, task) -> bool:
    """The assignee (or anyone in a revisit role for an unassigned task) records an attempt on an open task."""
    if not task.is_open or user.role not in {"service", "tech", "supervisor", "admin"}:
        return False
    return task.assignee_id in (None, user.id) or user.role in {"supervisor", "admin"}


def can_spot_check(user: User, record=None) -> bool:
    """Supervisors (their department's staff, via the scoped query) and admins; never the record's author."""
    if user.role not in {"supervisor", "admin"}:
        return False
    return record is None or record.staff_id != user.id


def can_acknowledge_finding(user: User, spot_check) -> bool:
    """Only the checked staff member acknowledges a finding, once it is marked."""
    return spot_check.staff_id == user.id and spot_check.needs_acknowledgement


# --- Complaint tickets 投诉工单 -------------------------------------------------------------
# The one (transition → roles) table. Handlers (tech/service) must also be the assignee or in the
# assigned department; supervisors and admins act on any ticket in their scope.
TICKET_HANDLER_ROLES = frozenset({"tech", "service", "supervisor", "admin"})
TICKET_TRANSITION_ROLES: dict[str, frozenset[str]] = {
    "dispatch": frozenset({"service", "supervisor", "admin"}),
    "confirm": TICKET_HANDLER_ROLES,
    "start": TICKET_HANDLER_ROLES,
    "pause": TICKET_HANDLER_ROLES,
    "resume": TICKET_HANDLER_ROLES,
    "resolve": TICKET_HANDLER_ROLES,
    "close": frozenset({"service", "supervisor", "admin"}),
    "reopen": frozenset({"service", "supervisor", "admin"}),
}
# Which status/dispatch state each transition starts from (mirrors the model's own refusal).
TICKET_TRANSITION_FROM: dict[str, tuple[str, tuple[str, ...]]] = {
    "dispatch": ("status", ("新建", "处理中", "待客户反馈", "已解决", "重新打开")),
    "confirm": ("dispatch_state", ("已派工未确认",)),
    "start": ("status", ("新建", "重新打开")),
    "pause": ("status", ("处理中",)),
    "resume": ("status", ("待客户反馈",)),
    "resolve": ("status", ("处理中",)),
    "close": ("status", ("已解决",)),
    "reopen": ("status", ("已解决", "已回访关闭")),
}


def handles_ticket(user: User, ticket) -> bool:
    """The assignee or someone in the assigned department; supervisors and admins always."""
    if user.role in {"supervisor", "admin"}:
        return True
    if ticket.assignee_id == user.id:
        return True
    return ticket.department_id is not None and ticket.department_id == user.department_id


def can_transition_ticket(user: User, ticket, action: str) -> bool:
    """Whether this user may apply this transition to this ticket now (role, relation and state)."""
    if user.role not in TICKET_TRANSITION_ROLES[action]:
        return False
    field, sources = TICKET_TRANSITION_FROM[action]
    if getattr(ticket, field) not in sources:
        return False
    if action == "start" and ticket.dispatch_state != "已确认":
        return False
    if action == "close":
        return ticket.resolved_by_id != user.id
    if action in {"dispatch", "reopen"}:
        return True
    return handles_ticket(user, ticket)


def can_file_ticket(user: User) -> bool:
    """Service takes complaints; anyone in the tickets area may file one for a customer in scope."""
    return user.role in {"sales", "service", "tech", "supervisor", "admin"}


def can_dispatch(user: User, ticket) -> bool:
    """Service, supervisors and admins dispatch or reassign an unclosed ticket."""
    return can_transition_ticket(user, ticket, "dispatch")


def can_confirm(user: User, ticket) -> bool:
    """The assignee or someone in the assigned department confirms a dispatch."""
    return can_transition_ticket(user, ticket, "confirm")


def can_start(user: User, ticket) -> bool:
    """The handler starts work once the dispatch is confirmed."""
    return can_transition_ticket(user, ticket, "start")


def can_pause(user: User, ticket) -> bool:
    """The handler marks the ticket 待客户反馈 (the resolution clock pauses)."""
    return can_transition_ticket(user, ticket, "pause")


def can_resume(user: User, ticket) -> bool:
    """The handler resumes work when the customer answered."""
    return can_transition_ticket(user, ticket, "resume")


def can_resolve(user: User, ticket) -> bool:
    """The handler records the solution and root cause."""
    return can_transition_ticket(user, ticket, "resolve")


def can_close(user: User, ticket) -> bool:
    """Service, supervisors, admins record the closing revisit; never the resolver (no self-rating)."""
    return can_transition_ticket(user, ticket, "close")


def can_reopen(user: User, ticket) -> bool:
    """Service, supervisors, admins reopen a resolved or closed ticket with a reason."""
    return can_transition_ticket(user, ticket, "reopen")


def can_comment_ticket(user: User, ticket) -> bool:
    """Anyone who sees the ticket may add a comment or internal note."""
    return user.role in AREA_ROLES["tickets"]


def can_attach_to_ticket(user: User, ticket) -> bool:
    """Anyone who sees the ticket may attach files until it is closed."""
    return user.role in AREA_ROLES["tickets"] and ticket.status != "已回访关闭"


def can_export_tickets(user: User) -> bool:
    """Service, supervisors and admins export the ledger and see the analysis."""
    return user.role in {"service", "supervisor", "admin"}


def can_record_followup(user: User, customer) -> bool:
    """Who may record follow-ups on a customer: those who may edit it (not marketing/tech)."""
    return can_edit_customer(user, customer)


def can_edit_followup(user: User, followup) -> bool:
    """The author within `followup_edit_hours` of recording it; supervisors and admins at any time."""
    from datetime import timedelta

    from portal import clock
    from portal.settings_store import get_setting

    if is_manager(user):
        return True
    window = timedelta(hours=int(get_setting("followup_edit_hours")))
    return followup.author_id == user.id and clock.now() - followup.recorded_at <= window


def can_issue_review(user: User, scope) -> bool:
    """签发: admins, and supervisors for their own department's staff (or the company without a department)."""
    if user.role == "admin":
        return True
    if user.role != "supervisor":
        return False
    if user.department_id is None:
        return True
    return scope.kind != "company" and scope.department is not None and scope.department.id == user.department_id


def can_record_review_outcome(user: User, issued) -> bool:
    """奖惩: whoever may issue the review's scope records outcomes, until they are confirmed (frozen)."""
    if issued.outcomes_frozen or user.role not in {"supervisor", "admin"}:
        return False
    if user.role == "admin" or user.department_id is None:
        return True
    return issued.scope_kind != "company" and issued.department_id == user.department_id


# --- customer files 客户档案 ---
def can_create_customer(user: User) -> bool:
    """Sales, service staff and managers open new customer files; marketing and tech only read."""
    return user.role in {"sales", "service", "supervisor", "admin"}


def can_assign_owner(user: User) -> bool:
    """Managers and service staff choose a customer's owner on the form; sales own what they enter."""
    return user.role in {"service", "supervisor", "admin"}


def can_claim_customers(user: User) -> bool:
    """Anyone in sales (and managers) may claim customers from the public pool."""
    return user.role in {"sales", "supervisor", "admin"}


def can_claim_customer(user: User, customer) -> bool:
    """A claim button for an active pool customer, for those who may claim."""
    return can_claim_customers(user) and customer.owner_id is None and customer.archived_at is None


def can_release_customer(user: User, customer) -> bool:
    """The owner or a manager gives an owned, active customer back to the pool."""
    if customer.owner_id is None or customer.archived_at is not None:
        return False
    return customer.owner_id == user.id or user.role in {"supervisor", "admin"}


def can_archive_customer(user: User, customer) -> bool:
    """Managers archive and restore files (merged files stay archived)."""
    return user.role in {"supervisor", "admin"} and customer.merged_into_id is None


def can_merge_customers(user: User) -> bool:
    """Supervisors and admins merge duplicate files."""
    return user.role in {"supervisor", "admin"}


def can_hand_over(user: User) -> bool:
    """Supervisors and admins hand a leaving employee's customers and open work over."""
    return user.role in {"supervisor", "admin"}


def can_deactivate_users(user: User) -> bool:
    """Deactivating an account (e.g. a leaver's after the handover) is account administration: admins only."""
    return user.role == "admin"


def can_import_customers(user: User) -> bool:
    """Service staff and managers import customer files from Excel."""
    return user.role in {"service", "supervisor", "admin"}


def can_export_customers(user: User) -> bool:
    """Everyone but tech exports the customer list they can see."""
    return user.role in {"sales", "service", "marketing", "supervisor", "admin"}


# --- selling 商机 / 报价 / 订单 (issue 13); record scope comes from portal.access.sales ---
SELLING_ROLES = frozenset({"sales", "supervisor", "admin"})
# Field visibility per role: which order figures a role sees. Tech sees amounts only when the admin
# setting `tech_sees_order_amounts` says so; marketing sees no individual order at all.
ORDER_AMOUNT_SETTING = {"tech": "tech_sees_order_amounts"}


def can_see_order_amounts(user: User) -> bool:
    """Amounts, costs, payments and invoices of an order: masked for tech unless the admin allows it."""
    setting = ORDER_AMOUNT_SETTING.get(user.role)
    if setting is None:
        return True
    from portal.settings_store import get_setting

    return bool(get_setting(setting))


def can_sell_to(user: User, customer) -> bool:
    """Open opportunities and quotes on a customer: its owner or a collaborator (sales), managers."""
    if user.role not in SELLING_ROLES or customer.archived_at is not None:
        return False
    if user.role == "sales":
        return customer.owner_id == user.id or user in customer.collaborators
    return True


def can_work_opportunity(user: User, opportunity) -> bool:
    """Move, win or lose an open opportunity: sellers who see it (scope decides which)."""
    return user.role in SELLING_ROLES and opportunity.is_open


def can_approve_quote(user: User, quote) -> bool:
    """A quote below floor price waits for a supervisor or admin other than the rep who made it."""
    return user.role in {"supervisor", "admin"} and quote.status == "待审批" and quote.owner_id != user.id


def can_manage_order(user: User, order) -> bool:
    """Payment plan, payments, refunds and invoices: sellers who see the order, while it is not cancelled."""
    return user.role in SELLING_ROLES and order.status != "已取消"


def can_cancel_order(user: User, order) -> bool:
    """Cancelling or completing an order: supervisors and admins."""
    return user.role in {"supervisor", "admin"} and order.status == "执行中"


def can_manage_products(user: User) -> bool:
    """The price list 价格表: supervisors and admins."""
    return user.role in {"supervisor", "admin"}


def can_name_after_sales_owner(user: User) -> bool:
    """成交客户跟踪: the service supervisor (a supervisor of a department with 客服 staff) or an admin."""
    if user.role == "admin":
        return True
    if user.role != "supervisor" or user.department_id is None:
        return False
    return db.session.scalar(select(User.id).where(User.department_id == user.department_id,
                                                   User.role == "service").limit(1)) is not None


def can_decide_expense(user: User, expense) -> bool:
    """A pending expense is approved by a supervisor (its department, via the scope) or an admin, never its submitter."""
    return user.role in {"supervisor", "admin"} and expense.status == "待审批" and expense.submitted_by_id != user.id


def can_set_targets(user: User) -> bool:
    """Monthly sales targets are set by supervisors (their department's reps) and admins."""
    return user.role in {"supervisor", "admin"}
# --- marketing activities 市场活动 and competitors 竞争对手 ---
def can_manage_activities(user: User) -> bool:
    """Marketing, supervisors and admins plan activities, invite, mark attendance, record costs and materials."""
    return user.role in {"marketing", "supervisor", "admin"}


def can_manage_competitors(user: User) -> bool:
    """Marketing, supervisors and admins keep competitor records and link customers to them."""
    return user.role in {"marketing", "supervisor", "admin"}


# --- customer health 客户健康度 ---
def can_record_care(user: User, customer) -> bool:
    """客户关怀 is recorded like a follow-up: by those who may record follow-ups on the customer."""
    return can_record_followup(user, customer)


def can_set_health_rules(user: User) -> bool:
    """Admins set the health factor weights and level thresholds (规则设置)."""
    return user.role == "admin"


# --- Knowledge base 知识库 ----------------------------------------------------------------------
def can_publish_article(user: User) -> bool:
    """Supervisors and admins publish and archive articles."""
    return user.role in {"supervisor", "admin"}


def can_edit_article(user: User, article) -> bool:
    """Anyone who can open an article edits it (every edit is a revision), unless it is archived."""
    return article.status != "已归档"


def can_manage_defects(user: User) -> bool:
    """Tech, service, supervisors and admins record defects and move their status."""
    return user.role in {"tech", "service", "supervisor", "admin"}


def can_post_announcement(user: User) -> bool:
    """Admins and supervisors post 企业公告."""
    return user.role in {"supervisor", "admin"}


def can_turn_ticket_into_article(user: User, ticket) -> bool:
    """整理入知识库: the ticket's handlers, service staff, supervisors and admins."""
    return user.role == "service" or handles_ticket(user, ticket)
