"""How the 操作日志 reads: action names, record names (customer name and code, ticket number…),
people's names instead of ids, field labels, and only real changes.

Labels are written in Chinese and marked with N_(); they are translated where a row is described (the
reader's interface language). Recorded values stay as recorded, except the portal's own enum values
(ENUM_FIELDS) and yes/no, which are shown through gettext.

Names are resolved for a whole page at once: one query per record type on the page, never one per row.
A model added later is shown by its own name until it gets a label here (or `__audit_label__`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.i18n import N_

ACTION_LABELS = {
    "create": N_("新建"), "update": N_("修改"), "delete": N_("删除"), "archive": N_("归档"), "restore": N_("恢复"),
    "read": N_("查看/导出"), "login": N_("登录"), "logout": N_("退出"),
}

RECORD_TYPE_LABELS = {
    "Customer": N_("客户"), "Contact": N_("联系人"), "FollowUp": N_("跟进记录"), "Order": N_("订单"), "Payment": N_("回款记录"),
    "PaymentInstalment": N_("回款计划"), "SalesTarget": N_("销售目标"),
    "AfterSalesHandover": N_("售后交接"), "Expense": N_("费用"), "Activity": N_("市场活动"),
    "ActivityParticipant": N_("活动参与客户"),
    "ActivityExpense": N_("活动费用"), "ActivityMaterial": N_("宣传资料"), "Competitor": N_("竞争对手"),
    "Defect": N_("产品缺陷"), "Announcement": N_("企业公告"), "Article": N_("知识库文章"), "Document": N_("资料"),
    "CareAction": N_("客户关怀"), "ChurnWarning": N_("流失预警"), "Invoice": N_("发票"), "Opportunity": N_("商机"),
    "Quote": N_("报价"), "Product": N_("产品"),
    "Ticket": N_("问题单"), "TicketAttachment": N_("问题单附件"),
    "RevisitTask": N_("回访任务"), "RevisitRecord": N_("回访记录"), "RevisitPlan": N_("回访计划"), "Questionnaire": N_("回访问卷"),
    "SpotCheck": N_("回访抽查"), "User": N_("用户"), "Department": N_("部门"), "Setting": N_("系统设置"),
    "HolidayOverride": N_("节假日调整"), "IssuedReview": N_("已签发考核"), "Review": N_("考核报告"),
    "ReviewOutcome": N_("考核奖惩"),
}

# Record ids that are not ids: what a sensitive read was about.
RECORD_ID_WORDS = {"list": N_("列表"), "export": N_("导出"), "print": N_("打印")}

# Fields that change on their own and say nothing about what a person did.
NOISE_FIELDS = frozenset({"id", "last_login_at", "updated_at", "version", "session_token", "password_hash"})

COMMON_FIELD_LABELS = {
    "name": N_("名称"), "customer_id": N_("客户"), "owner_id": N_("负责人"), "assignee_id": N_("处理人"),
    "department_id": N_("部门"),
    "created_at": N_("创建时间"), "created_by_id": N_("创建人"), "status": N_("状态"), "method": N_("方式"), "note": N_("备注"),
    "notes": N_("备注"), "satisfaction": N_("满意度"), "archived_at": N_("归档时间"), "is_active": N_("已启用"),
    "description": N_("说明"), "comment": N_("说明"), "result": N_("结果"), "period_start": N_("期间开始"),
    "period_end": N_("期间结束"),
    "staff_id": N_("员工"), "questionnaire_id": N_("问卷"), "plan_id": N_("回访计划"), "ticket_id": N_("问题单"),
    "record_id": N_("回访记录"), "completed_at": N_("完成时间"), "due_on": N_("到期日"), "amount": N_("金额"),
    "order_id": N_("订单"), "opportunity_id": N_("商机"), "activity_id": N_("市场活动"), "number": N_("编号"), "kind": N_("类型"),
    "category": N_("类别"), "token": N_("提交标识"), "title": N_("标题"), "decided_by_id": N_("审批人"),
    "decided_at": N_("审批时间"),
    "decision_note": N_("审批意见"), "recorded_by_id": N_("登记人"),
}

MODEL_FIELD_LABELS = {
    "User": {"username": N_("用户名"), "display_name": N_("姓名"), "role": N_("角色"), "department_id": N_("部门"),
             "is_active_user": N_("账号启用"), "password_changed_at": N_("密码修改时间")},
    "Department": {"name": N_("部门名称"), "head_id": N_("部门负责人")},
    "Contact": {"name": N_("姓名"), "position": N_("职位"), "phone": N_("电话"), "email": N_("邮箱"),
                "decision_role": N_("决策角色"),
                "is_primary": N_("主要联系人")},
    "FollowUp": {"author_id": N_("跟进人"), "contacted_at": N_("联系时间"), "recorded_at": N_("记录时间"), "is_late": N_("补录"),
                 "method": N_("跟进方式"), "participants": N_("参与人员"), "content": N_("沟通内容"), "result": N_("跟进结果"),
                 "next_action": N_("下一步行动"), "next_action_on": N_("下一步日期"), "stage_from": N_("原阶段"),
                 "stage_to": N_("新阶段")},
    "Order": {"owner_id": N_("业务员"), "signed_on": N_("签约日期"), "status": N_("状态"), "total": N_("订单金额"),
              "received_amount": N_("已回款"), "invoiced_amount": N_("已开票"), "note": N_("备注"),
              "number": N_("订单号"), "cost": N_("成本"), "cancelled_at": N_("取消时间")},
    "Ticket": {"number": N_("单号"), "kind": N_("类型"), "category": N_("问题分类"), "severity": N_("严重程度"),
               "channel": N_("渠道"),
               "complainant": N_("投诉人"), "contact": N_("联系方式"), "description": N_("问题描述"), "received_at": N_("受理时间"),
               "created_by_id": N_("登记人"), "department_id": N_("处理部门"), "assignee_id": N_("处理人"),
               "dispatch_state": N_("派工状态"), "dispatched_at": N_("派工时间"), "confirmed_at": N_("接单时间"),
               "confirm_escalation_level": N_("接单升级级别"), "status": N_("状态"), "respond_due_at": N_("响应时限"),
               "resolve_due_at": N_("解决时限"), "responded_at": N_("响应时间"), "paused_since": N_("暂停时间"),
               "resolved_at": N_("解决时间"), "resolved_by_id": N_("解决人"), "closed_at": N_("关闭时间"),
               "solution": N_("解决方案"),
               "root_cause_type": N_("原因类型"), "root_cause": N_("原因分析"), "compensation": N_("补偿措施"),
               "reopen_count": N_("重新打开次数"), "satisfaction": N_("客户满意度"), "closing_comment": N_("客户评价"),
               "closing_by_id": N_("回访确认人"), "closing_recorded_at": N_("评价记录时间"),
               "response_breached_at": N_("响应超时时间"), "resolve_breached_at": N_("解决超时时间"),
               "escalated_at": N_("升级时间")},
    "TicketAttachment": {"filename": N_("文件名"), "stored_name": N_("存储名"), "content_type": N_("文件类型"),
                         "size": N_("大小"),
                         "uploaded_by_id": N_("上传人"), "uploaded_at": N_("上传时间")},
    "Questionnaire": {"name": N_("问卷名称"), "description": N_("说明"), "is_default": N_("默认问卷"), "is_active": N_("已启用"),
                      "current_version_id": N_("当前版本")},
    "RevisitPlan": {"name": N_("计划名称"), "segment": N_("客户范围"), "method": N_("回访方式"), "starts_on": N_("开始日期"),
                    "window_workdays": N_("完成期限（工作日）"), "customer_codes": N_("客户编号名单"),
                    "created_by_id": N_("创建人"), "tasks_generated_at": N_("任务生成时间")},
    "RevisitTask": {"trigger": N_("触发原因"), "purpose": N_("回访目的"), "source_ref": N_("来源"), "unique_key": N_("唯一键"),
                    "method": N_("回访方式"),
                    "due_on": N_("应回访日期"), "assignee_id": N_("回访人"), "attempts": N_("尝试次数")},
    "RevisitRecord": {"task_id": N_("回访任务"), "staff_id": N_("回访人"), "questionnaire_version_id": N_("问卷版本"),
                      "method": N_("回访方式"), "outcome": N_("结果"), "revisited_at": N_("回访时间"),
                      "contact_person": N_("受访人"),
                      "answers": N_("问卷回答"), "satisfaction": N_("满意度"), "issues_raised": N_("客户提出的问题"),
                      "issue_category": N_("问题分类"), "notes": N_("备注"), "ticket_id": N_("问题单")},
    "SpotCheck": {"record_id": N_("回访记录"), "staff_id": N_("被抽查人"), "supervisor_id": N_("抽查人"),
                  "sample_seed": N_("抽样种子"),
                  "result": N_("抽查结论"), "comment": N_("说明"), "corrective_action": N_("整改要求"),
                  "checked_at": N_("抽查时间"),
                  "acknowledged_at": N_("确认时间")},
    "Setting": {"key": N_("设置项"), "value": N_("值")},
    "HolidayOverride": {"day": N_("日期"), "is_workday": N_("上班日"), "note": N_("说明")},
    "IssuedReview": {"period_kind": N_("期间类型"), "scope_kind": N_("考核范围类型"), "scope_id": N_("考核对象"),
                     "scope_label": N_("考核对象"), "department_id": N_("部门"), "figures": N_("考核数据"),
                     "issued_by_id": N_("签发人"), "issued_at": N_("签发时间"),
                     "outcomes_confirmed_at": N_("奖惩定稿时间"), "outcomes_confirmed_by_id": N_("奖惩定稿人")},
    "Opportunity": {"products_of_interest": N_("意向产品"), "expected_amount": N_("预计金额"),
                    "expected_close_on": N_("预计成交日期"),
                    "source": N_("来源"), "competitors": N_("竞争对手"), "next_step": N_("下一步"), "stage": N_("阶段"),
                    "stage_changed_at": N_("阶段变更时间"), "loss_reason": N_("输单原因"), "lost_at_stage": N_("输单时阶段"),
                    "lost_to": N_("赢单对手"), "lost_to_competitor_id": N_("赢单对手记录"), "closed_on": N_("结束日期")},
    "Invoice": {"number": N_("发票号"), "kind": N_("发票类型"), "issued_on": N_("开票日期")},
    "Product": {"code": N_("产品编码"), "product_version": N_("版本"), "category": N_("类别"), "unit": N_("单位"),
                "standard_price": N_("标准价"), "floor_price": N_("最低价"), "unit_cost": N_("单位成本"),
                "materials": N_("资料")},
    "SalesTarget": {"user_id": N_("业务员"), "month": N_("月份"), "set_by_id": N_("设定人")},
    "PaymentInstalment": {"paid_amount": N_("已回款"), "settled": N_("已结清")},
    "Payment": {"kind": N_("类型"), "paid_on": N_("回款日期")},
    "Quote": {"quoted_on": N_("报价日期"), "total": N_("报价金额")},
    "AfterSalesHandover": {"first_order_id": N_("首单"), "named_by_id": N_("指定人"), "named_at": N_("指定时间")},
    "Expense": {"kind": N_("费用归属"), "person_id": N_("报销人"), "channel": N_("渠道"), "spent_on": N_("发生日期"),
                "region": N_("区域"),
                "activity": N_("市场活动"), "submitted_by_id": N_("提交人")},
    "Activity": {"theme": N_("活动主题"), "kind": N_("活动类型"), "starts_on": N_("开始日期"), "ends_on": N_("结束日期"),
                 "region": N_("区域"),
                 "budget": N_("预算"), "status_changed_at": N_("状态变更时间"), "cancel_reason": N_("取消原因")},
    "ActivityParticipant": {"walk_in": N_("现场登记"), "invited_by_id": N_("邀请人"), "registered_at": N_("报名时间"),
                            "attended_at": N_("到场时间")},
    "ActivityExpense": {"spent_on": N_("发生日期")},
    "ActivityMaterial": {"title": N_("资料名称")},
    "Competitor": {"products": N_("产品"), "strengths": N_("优势"), "prices_seen": N_("已知报价")},
    "Defect": {"product": N_("产品"), "product_version": N_("版本"), "symptom": N_("现象"), "fixed_in_version": N_("修复版本")},
    "Announcement": {"body": N_("正文"), "posted_by_id": N_("发布人"), "posted_at": N_("发布时间")},
    "Article": {"product": N_("产品"), "product_version": N_("版本"), "tags": N_("标签"), "body": N_("正文"),
                "revision_number": N_("版本号"),
                "author_id": N_("作者"), "published_by_id": N_("发布人"), "published_at": N_("发布时间"),
                "source_ticket_id": N_("来源问题单")},
    "Document": {"level": N_("密级"), "current_number": N_("当前版本")},
    "ReviewOutcome": {"issued_review_id": N_("已签发考核"), "employee_id": N_("员工"), "measure": N_("奖惩结果"),
                      "reason": N_("理由"),
                      "recorded_by_id": N_("记录人")},
    "CareAction": {"author_id": N_("记录人"), "occasion": N_("关怀事由"), "done_at": N_("关怀时间"), "recorded_at": N_("记录时间"),
                   "content": N_("内容"), "warning_id": N_("流失预警")},
    "ChurnWarning": {"raised_at": N_("预警时间"), "raised_on": N_("预警日期"), "handle_by": N_("处理期限"), "score": N_("健康分"),
                     "level": N_("健康等级"), "reasons": N_("预警原因"), "handled_at": N_("处理时间"), "handled_by_id": N_("处理人"),
                     "handled_via": N_("处理方式"), "escalated_at": N_("上报主管时间"), "recovered_at": N_("恢复时间")},
}

# Fields whose recorded values are the portal's own enum words (stages, statuses, kinds…): shown through
# gettext. Free text is never translated: fields not listed here, and the exceptions below.
ENUM_FIELDS = frozenset({
    "stage", "tier", "status", "kind", "category", "severity", "channel", "dispatch_state", "root_cause_type",
    "method", "outcome", "issue_category", "decision_role", "source_channel", "loss_reason", "lost_at_stage",
    "stage_from", "stage_to", "occasion", "handled_via", "measure", "level", "result",
})
FREE_TEXT_FIELDS = frozenset({("Product", "category"), ("FollowUp", "result")})


def value_words() -> dict[tuple[str, str], dict]:
    """Stored codes shown as their (Chinese, translatable) words."""
    from portal.models.auth import ROLE_LABELS

    return {("User", "role"): ROLE_LABELS}


def customer_labels() -> dict[str, str]:
    from portal.customers.forms import customer_field_labels

    return customer_field_labels()


def model_classes() -> dict[str, type]:
    return {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}


def audited_record_types() -> dict[str, str]:
    """Every record type the log can hold → its Chinese name (msgid; the filter's dropdown translates it)."""
    types = dict(RECORD_TYPE_LABELS)
    for name, cls in model_classes().items():
        if getattr(cls, "__audited__", False):
            types.setdefault(name, getattr(cls, "__audit_label__", name))
    return types


def field_label(record_type: str, name: str) -> str:
    """The field's Chinese label (a msgid; the customer's come from its form, already translated)."""
    labels = customer_labels() if record_type == "Customer" else MODEL_FIELD_LABELS.get(record_type, {})
    return labels.get(name) or COMMON_FIELD_LABELS.get(name) or name


def translated(label) -> str:
    """A label in the reader's language; a lazy label (the customer form's) is translated already."""
    return _(label) if isinstance(label, str) and label else str(label)


# --- record names -----------------------------------------------------------------------------------------

def _customer_name(customer) -> str:
    return customer.name if customer is not None else ""


def _with_code(name, code) -> str:
    return _("%(name)s（%(code)s）", name=name, code=code)


def _period(start, end) -> str:
    return _("%(start)s～%(end)s", start=start.isoformat(), end=end.isoformat())


RECORD_NAMERS = {
    "Customer": ((), lambda c: _with_code(c.name, c.code)),
    "Contact": (("customer",), lambda c: f"{c.name} · {_customer_name(c.customer)}"),
    "FollowUp": (("customer",), lambda f: f"{_customer_name(f.customer)} · {f.contacted_at:%Y-%m-%d} {_(f.method)}"),
    "Order": (("customer",), lambda o: _with_code(o.number, _customer_name(o.customer))),
    "Ticket": (("customer",), lambda t: _with_code(t.number, _customer_name(t.customer))),
    "TicketAttachment": (("ticket",), lambda a: _with_code(a.filename, a.ticket.number if a.ticket else "")),
    "RevisitTask": (("customer",), lambda t: _("%(customer)s · 应回访 %(day)s", customer=_customer_name(t.customer),
                                               day=t.due_on.isoformat())),
    "RevisitRecord": (("customer",), lambda r: f"{_customer_name(r.customer)} · {r.revisited_at:%Y-%m-%d}"),
    "SpotCheck": (("staff",), lambda s: f"{s.staff.display_name if s.staff else ''} · "
                                        f"{_period(s.period_start, s.period_end)}"),
    "User": ((), lambda u: u.display_name),
    "IssuedReview": ((), lambda r: f"{r.scope_label} {_period(r.period_start, r.period_end)}"),
    "ReviewOutcome": (("employee",), lambda o: f"{o.employee.display_name if o.employee else ''} · {_(o.measure)}"),
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
    is_creation: bool = False


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
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, list | tuple):
        return _("、").join(str(v) for v in value) or "—"
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
    actor = names.get(("User", str(actor_id)), f"#{actor_id}") if actor_id else _("系统")
    type_label = translated(types.get(entry.record_type, entry.record_type))
    record = (names.get((entry.record_type, entry.record_id))
              or (translated(RECORD_ID_WORDS[entry.record_id]) if entry.record_id in RECORD_ID_WORDS else "")
              or (f"#{entry.record_id}" if entry.record_id else ""))
    changes = [] if login else real_changes(entry, names, targets)
    action = "login" if login else entry.action
    return AuditRow(at=entry.at, actor=actor, address=entry.address,
                    action=translated(ACTION_LABELS[action]) if action in ACTION_LABELS else action,
                    record_type=type_label, record_name=record, changes=changes, note=entry.note or "",
                    is_creation=action == "create")


def real_changes(entry, names: dict, targets: dict) -> list[Change]:
    """Only fields whose shown value differs (no "— → —"), no noise fields; a new record lists what it holds."""
    changes = []
    for name, pair in (entry.changes or {}).items():
        if name in NOISE_FIELDS or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        words = value_words().get((entry.record_type, name), {})
        enum = name in ENUM_FIELDS and (entry.record_type, name) not in FREE_TEXT_FIELDS
        before, after = (value_shown(words.get(v, v) if isinstance(v, str) else v, targets.get(name), names,
                                     enum=enum or bool(words))
                         for v in pair)
        if before == after or (entry.action == "create" and (after in ("—", _("否")) or name == "created_at")):
            continue
        changes.append(Change(translated(field_label(entry.record_type, name)), before, after))
    return changes


def value_shown(value, target: str | None, names: dict, enum: bool = False) -> str:
    if target and value is not None:
        return names.get((target, str(value)), f"#{value}")
    if enum and isinstance(value, str) and value:
        return _(value)
    return shown(value)
