"""How the 操作日志 reads: Chinese action names, record names (customer name and code, ticket number…),
people's names instead of ids, Chinese field labels, and only real changes.

Names are resolved for a whole page at once: one query per record type on the page, never one per row.
A model added later is shown by its own name until it gets a label here (or `__audit_label__`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload

from portal.extensions import db

ACTION_LABELS = {
    "create": "新建", "update": "修改", "delete": "删除", "archive": "归档", "restore": "恢复",
    "read": "查看/导出", "login": "登录", "logout": "退出",
}

RECORD_TYPE_LABELS = {
    "Customer": "客户", "Contact": "联系人", "FollowUp": "跟进记录", "Order": "订单", "Payment": "回款记录", "PaymentInstalment": "回款计划", "SalesTarget": "销售目标",
    "AfterSalesHandover": "售后交接", "Expense": "费用", "Activity": "市场活动", "ActivityParticipant": "活动参与客户",
    "ActivityExpense": "活动费用", "ActivityMaterial": "宣传资料", "Competitor": "竞争对手",
    "Defect": "产品缺陷", "Announcement": "企业公告", "Article": "知识库文章", "Document": "资料",
    "CareAction": "客户关怀", "ChurnWarning": "流失预警", "Invoice": "发票", "Opportunity": "商机", "Quote": "报价", "Product": "产品",
    "Ticket": "问题单", "TicketAttachment": "问题单附件",
    "RevisitTask": "回访任务", "RevisitRecord": "回访记录", "RevisitPlan": "回访计划", "Questionnaire": "回访问卷",
    "SpotCheck": "回访抽查", "User": "用户", "Department": "部门", "Setting": "系统设置",
    "HolidayOverride": "节假日调整", "IssuedReview": "已签发考核", "Review": "考核报告",
    "ReviewOutcome": "考核奖惩",
}

# Record ids that are not ids: what a sensitive read was about.
RECORD_ID_WORDS = {"list": "列表", "export": "导出", "print": "打印"}

# Fields that change on their own and say nothing about what a person did.
NOISE_FIELDS = frozenset({"id", "last_login_at", "updated_at", "version", "session_token", "password_hash"})

COMMON_FIELD_LABELS = {
    "name": "名称", "customer_id": "客户", "owner_id": "负责人", "assignee_id": "处理人", "department_id": "部门",
    "created_at": "创建时间", "created_by_id": "创建人", "status": "状态", "method": "方式", "note": "备注",
    "notes": "备注", "satisfaction": "满意度", "archived_at": "归档时间", "is_active": "启用",
    "description": "说明", "comment": "说明", "result": "结果", "period_start": "期间开始", "period_end": "期间结束",
    "staff_id": "员工", "questionnaire_id": "问卷", "plan_id": "回访计划", "ticket_id": "问题单",
    "record_id": "回访记录", "completed_at": "完成时间", "due_on": "到期日", "amount": "金额",
    "order_id": "订单", "opportunity_id": "商机", "activity_id": "市场活动", "number": "编号", "kind": "类型",
    "category": "类别", "token": "提交标识", "title": "标题", "decided_by_id": "审批人", "decided_at": "审批时间",
    "decision_note": "审批意见", "recorded_by_id": "登记人",
}

MODEL_FIELD_LABELS = {
    "User": {"username": "用户名", "display_name": "姓名", "role": "角色", "department_id": "部门",
             "is_active_user": "账号启用", "password_changed_at": "密码修改时间"},
    "Department": {"name": "部门名称", "head_id": "部门负责人"},
    "Contact": {"name": "姓名", "position": "职位", "phone": "电话", "email": "邮箱", "decision_role": "决策角色",
                "is_primary": "主要联系人"},
    "FollowUp": {"author_id": "跟进人", "contacted_at": "联系时间", "recorded_at": "记录时间", "is_late": "补录",
                 "method": "跟进方式", "participants": "参与人员", "content": "沟通内容", "result": "跟进结果",
                 "next_action": "下一步行动", "next_action_on": "下一步日期", "stage_from": "原阶段",
                 "stage_to": "新阶段"},
    "Order": {"owner_id": "业务员", "signed_on": "签约日期", "status": "状态", "total": "订单金额",
              "received_amount": "已回款", "invoiced_amount": "已开票", "note": "备注",
              "number": "订单号", "cost": "成本", "cancelled_at": "取消时间"},
    "Ticket": {"number": "单号", "kind": "类型", "category": "问题分类", "severity": "严重程度", "channel": "渠道",
               "complainant": "投诉人", "contact": "联系方式", "description": "问题描述", "received_at": "受理时间",
               "created_by_id": "登记人", "department_id": "处理部门", "assignee_id": "处理人",
               "dispatch_state": "派工状态", "dispatched_at": "派工时间", "confirmed_at": "接单时间",
               "confirm_escalation_level": "接单升级级别", "status": "状态", "respond_due_at": "响应时限",
               "resolve_due_at": "解决时限", "responded_at": "响应时间", "paused_since": "暂停时间",
               "resolved_at": "解决时间", "resolved_by_id": "解决人", "closed_at": "关闭时间", "solution": "解决方案",
               "root_cause_type": "原因类型", "root_cause": "原因分析", "compensation": "补偿措施",
               "reopen_count": "重新打开次数", "satisfaction": "客户满意度", "closing_comment": "客户评价",
               "closing_by_id": "回访确认人", "closing_recorded_at": "评价记录时间",
               "response_breached_at": "响应超时时间", "resolve_breached_at": "解决超时时间",
               "escalated_at": "升级时间"},
    "TicketAttachment": {"filename": "文件名", "stored_name": "存储名", "content_type": "文件类型", "size": "大小",
                         "uploaded_by_id": "上传人", "uploaded_at": "上传时间"},
    "Questionnaire": {"name": "问卷名称", "description": "说明", "is_default": "默认问卷", "is_active": "启用",
                      "current_version_id": "当前版本"},
    "RevisitPlan": {"name": "计划名称", "segment": "客户范围", "method": "回访方式", "starts_on": "开始日期",
                    "window_workdays": "完成期限（工作日）", "customer_codes": "客户编号名单",
                    "created_by_id": "创建人", "tasks_generated_at": "任务生成时间"},
    "RevisitTask": {"trigger": "触发原因", "purpose": "回访目的", "source_ref": "来源", "unique_key": "唯一键", "method": "回访方式",
                    "due_on": "应回访日期", "assignee_id": "回访人", "attempts": "尝试次数"},
    "RevisitRecord": {"task_id": "回访任务", "staff_id": "回访人", "questionnaire_version_id": "问卷版本",
                      "method": "回访方式", "outcome": "结果", "revisited_at": "回访时间", "contact_person": "受访人",
                      "answers": "问卷回答", "satisfaction": "满意度", "issues_raised": "客户提出的问题",
                      "issue_category": "问题分类", "notes": "备注", "ticket_id": "问题单"},
    "SpotCheck": {"record_id": "回访记录", "staff_id": "被抽查人", "supervisor_id": "抽查人", "sample_seed": "抽样种子",
                  "result": "抽查结论", "comment": "说明", "corrective_action": "整改要求", "checked_at": "抽查时间",
                  "acknowledged_at": "确认时间"},
    "Setting": {"key": "设置项", "value": "值"},
    "HolidayOverride": {"day": "日期", "is_workday": "上班日", "note": "说明"},
    "IssuedReview": {"period_kind": "期间类型", "scope_kind": "考核范围类型", "scope_id": "考核对象",
                     "scope_label": "考核对象", "department_id": "部门", "figures": "考核数据",
                     "issued_by_id": "签发人", "issued_at": "签发时间",
                     "outcomes_confirmed_at": "奖惩定稿时间", "outcomes_confirmed_by_id": "奖惩定稿人"},
    "Opportunity": {"products_of_interest": "意向产品", "expected_amount": "预计金额", "expected_close_on": "预计成交日期",
                    "source": "来源", "competitors": "竞争对手", "next_step": "下一步", "stage": "阶段",
                    "stage_changed_at": "阶段变更时间", "loss_reason": "输单原因", "lost_at_stage": "输单时阶段",
                    "lost_to": "赢单对手", "closed_on": "结束日期"},
    "Invoice": {"number": "发票号", "kind": "发票类型", "issued_on": "开票日期"},
    "Product": {"code": "产品编码", "product_version": "版本", "category": "类别", "unit": "单位",
                "standard_price": "标准价", "floor_price": "最低价", "unit_cost": "单位成本", "materials": "资料"},
    "SalesTarget": {"user_id": "业务员", "month": "月份", "set_by_id": "设定人"},
    "PaymentInstalment": {"paid_amount": "已回款", "settled": "已结清"},
    "Payment": {"kind": "类型", "paid_on": "回款日期"},
    "Quote": {"quoted_on": "报价日期", "total": "报价金额"},
    "AfterSalesHandover": {"first_order_id": "首单", "named_by_id": "指定人", "named_at": "指定时间"},
    "Expense": {"kind": "费用归属", "person_id": "报销人", "channel": "渠道", "spent_on": "发生日期", "region": "区域",
                "activity": "市场活动", "submitted_by_id": "提交人"},
    "Activity": {"theme": "活动主题", "kind": "活动类型", "starts_on": "开始日期", "ends_on": "结束日期", "region": "区域",
                 "budget": "预算", "status_changed_at": "状态变更时间", "cancel_reason": "取消原因"},
    "ActivityParticipant": {"walk_in": "现场登记", "invited_by_id": "邀请人", "registered_at": "报名时间",
                            "attended_at": "到场时间"},
    "ActivityExpense": {"spent_on": "发生日期"},
    "ActivityMaterial": {"title": "资料名称"},
    "Competitor": {"products": "产品", "strengths": "优势", "prices_seen": "已知报价"},
    "Defect": {"product": "产品", "product_version": "版本", "symptom": "现象", "fixed_in_version": "修复版本"},
    "Announcement": {"body": "正文", "posted_by_id": "发布人", "posted_at": "发布时间"},
    "Article": {"product": "产品", "product_version": "版本", "tags": "标签", "body": "正文", "revision_number": "版本号",
                "author_id": "作者", "published_by_id": "发布人", "published_at": "发布时间", "source_ticket_id": "来源问题单"},
    "Document": {"level": "密级", "current_number": "当前版本"},
    "ReviewOutcome": {"issued_review_id": "已签发考核", "employee_id": "员工", "measure": "奖惩结果", "reason": "理由",
                      "recorded_by_id": "记录人"},
    "CareAction": {"author_id": "记录人", "occasion": "关怀事由", "done_at": "关怀时间", "recorded_at": "记录时间",
                   "content": "内容", "warning_id": "流失预警"},
    "ChurnWarning": {"raised_at": "预警时间", "raised_on": "预警日期", "handle_by": "处理期限", "score": "健康分",
                     "level": "健康等级", "reasons": "预警原因", "handled_at": "处理时间", "handled_by_id": "处理人",
                     "handled_via": "处理方式", "escalated_at": "上报主管时间", "recovered_at": "恢复时间"},
}

def value_words() -> dict[tuple[str, str], dict]:
    """Stored codes shown as their Chinese words."""
    from portal.models.auth import ROLE_LABELS

    return {("User", "role"): ROLE_LABELS}


def customer_labels() -> dict[str, str]:
    from portal.customers.forms import customer_field_labels

    return customer_field_labels()


def model_classes() -> dict[str, type]:
    return {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}


def audited_record_types() -> dict[str, str]:
    """Every record type the log can hold → its Chinese name (the filter's dropdown)."""
    types = dict(RECORD_TYPE_LABELS)
    for name, cls in model_classes().items():
        if getattr(cls, "__audited__", False):
            types.setdefault(name, getattr(cls, "__audit_label__", name))
    return types


def field_label(record_type: str, name: str) -> str:
    labels = customer_labels() if record_type == "Customer" else MODEL_FIELD_LABELS.get(record_type, {})
    return labels.get(name) or COMMON_FIELD_LABELS.get(name) or name


# --- record names -----------------------------------------------------------------------------------------

def _customer_name(customer) -> str:
    return customer.name if customer is not None else ""


RECORD_NAMERS = {
    "Customer": ((), lambda c: f"{c.name}（{c.code}）"),
    "Contact": (("customer",), lambda c: f"{c.name} · {_customer_name(c.customer)}"),
    "FollowUp": (("customer",), lambda f: f"{_customer_name(f.customer)} · {f.contacted_at:%Y-%m-%d} {f.method}"),
    "Order": (("customer",), lambda o: f"{o.number}（{_customer_name(o.customer)}）"),
    "Ticket": (("customer",), lambda t: f"{t.number}（{_customer_name(t.customer)}）"),
    "TicketAttachment": (("ticket",), lambda a: f"{a.filename}（{a.ticket.number if a.ticket else ''}）"),
    "RevisitTask": (("customer",), lambda t: f"{_customer_name(t.customer)} · 应回访 {t.due_on:%Y-%m-%d}"),
    "RevisitRecord": (("customer",), lambda r: f"{_customer_name(r.customer)} · {r.revisited_at:%Y-%m-%d}"),
    "SpotCheck": (("staff",), lambda s: f"{s.staff.display_name if s.staff else ''} · "
                                        f"{s.period_start:%Y-%m-%d}～{s.period_end:%Y-%m-%d}"),
    "User": ((), lambda u: u.display_name),
    "IssuedReview": ((), lambda r: f"{r.scope_label} {r.period_start:%Y-%m-%d}～{r.period_end:%Y-%m-%d}"),
    "ReviewOutcome": (("employee",), lambda o: f"{o.employee.display_name if o.employee else ''} · {o.measure}"),
}


def default_name(obj) -> str:
    for attribute in ("name", "title", "number", "code", "display_name"):
        value = getattr(obj, attribute, None)
        if value:
            return str(value)
    return ""


def resolve_names(wanted: dict[str, set]) -> dict[tuple[str, str], str]:
    """{record type: {ids}} → {(record type, id as text): name}: one query per record type."""
    classes = model_classes()
    names = {}
    for record_type, ids in wanted.items():
        cls = classes.get(record_type)
        keys = [int(i) for i in ids if str(i).isdigit()]
        if cls is None or not keys or len(inspect(cls).primary_key) != 1:
            continue
        relations, namer = RECORD_NAMERS.get(record_type, ((), default_name))
        key_column = inspect(cls).primary_key[0]
        query = select(cls).where(key_column.in_(keys)).options(*(joinedload(getattr(cls, r)) for r in relations))
        for obj in db.session.scalars(query).unique():
            names[(record_type, str(getattr(obj, key_column.key)))] = namer(obj) or f"#{getattr(obj, key_column.key)}"
    return names


def foreign_key_targets(record_type: str) -> dict[str, str]:
    """{column name: record type it points to} for one model: values of these fields are ids of records."""
    cls = model_classes().get(record_type)
    if cls is None:
        return {}
    tables = {mapper.local_table.name: mapper.class_.__name__ for mapper in db.Model.registry.mappers}
    targets = {}
    for attr in inspect(cls).column_attrs:
        for column in attr.columns:
            for fk in column.foreign_keys:
                target = tables.get(fk.column.table.name)
                if target:
                    targets[attr.key] = target
    return targets


# --- rows -------------------------------------------------------------------------------------------------

@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class AuditRow:
    at: datetime
    actor: str
    address: str
    action: str
    record_type: str
    record_name: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def is_login(entry) -> bool:
    """A sign-in: written as such now; older logs hold it as a User update of last_login_at by nobody."""
    if entry.action == "login":
        return True
    return (entry.action == "update" and entry.record_type == "User" and bool(entry.changes)
            and set(entry.changes) <= {"last_login_at"})


def shown(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or "—"
    return str(value)


def describe_entries(entries) -> list[AuditRow]:
    """The page's entries as people read them; all names in one query per record type."""
    wanted: dict[str, set] = defaultdict(set)
    targets_by_type = {}
    for entry in entries:
        if entry.user_id:
            wanted["User"].add(str(entry.user_id))
        wanted[entry.record_type].add(entry.record_id)
        targets = targets_by_type.setdefault(entry.record_type, foreign_key_targets(entry.record_type))
        for name, pair in (entry.changes or {}).items():
            if name in targets and isinstance(pair, list | tuple):
                wanted[targets[name]].update(str(v) for v in pair if v is not None)
    names = resolve_names(wanted)
    types = audited_record_types()
    return [describe(entry, names, targets_by_type.get(entry.record_type, {}), types) for entry in entries]


def describe(entry, names: dict, targets: dict, types: dict) -> AuditRow:
    login = is_login(entry)
    actor_id = entry.record_id if login and not entry.user_id else entry.user_id
    actor = names.get(("User", str(actor_id)), f"#{actor_id}") if actor_id else "系统"
    type_label = types.get(entry.record_type, entry.record_type)
    record = (names.get((entry.record_type, entry.record_id))
              or RECORD_ID_WORDS.get(entry.record_id)
              or (f"#{entry.record_id}" if entry.record_id else ""))
    changes = [] if login else real_changes(entry, names, targets)
    return AuditRow(at=entry.at, actor=actor, address=entry.address, action="登录" if login else
                    ACTION_LABELS.get(entry.action, entry.action), record_type=type_label, record_name=record,
                    changes=changes, note=entry.note or "")


def real_changes(entry, names: dict, targets: dict) -> list[Change]:
    """Only fields whose shown value differs (no "— → —"), no noise fields; a new record lists what it holds."""
    changes = []
    for name, pair in (entry.changes or {}).items():
        if name in NOISE_FIELDS or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        words = value_words().get((entry.record_type, name), {})
        before, after = (value_shown(words.get(v, v) if isinstance(v, str) else v, targets.get(name), names)
                         for v in pair)
        if before == after or (entry.action == "create" and (after in ("—", "否") or name == "created_at")):
            continue
        changes.append(Change(field_label(entry.record_type, name), before, after))
    return changes


def value_shown(value, target: str | None, names: dict) -> str:
    if target and value is not None:
        return names.get((target, str(value)), f"#{value}")
    return shown(value)
