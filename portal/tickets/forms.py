"""Forms of the tickets area: intake, dispatch, transitions, comments, attachments, ledger filters."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import (
    BooleanField, DateField, DateTimeLocalField, HiddenField, RadioField, SelectField,
    StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.extensions import db
from portal.i18n import enum_choices
from portal.models.auth import Department, User
from portal.models.tickets import (
    CATEGORIES, CHANNELS, DISPATCH_STATES, KINDS, ROOT_CAUSE_TYPES, SEVERITIES, STATUSES,
)
from portal.rules.contact_format import is_valid_contact


def with_blank(choices, label=_l("全部")) -> list[tuple[str, str]]:
    return [("", label)] + list(choices)


def department_choices() -> list[tuple[str, str]]:
    return [(str(d.id), d.name) for d in db.session.scalars(select(Department).order_by(Department.id))]


def handler_rows():
    return db.session.execute(
        select(User.id, User.display_name, Department.name)
        .outerjoin(Department, Department.id == User.department_id)
        .where(User.is_active_user.is_(True), User.role.in_(("tech", "service", "supervisor")))
        .order_by(User.department_id, User.id)
    )


def handler_label(name: str, department: str | None) -> str:
    return _("%(name)s（%(department)s）", name=name, department=department or _("无部门"))


def handler_choices() -> list[tuple[str, str]]:
    return [(str(user_id), handler_label(name, department)) for user_id, name, department in handler_rows()]


def handler_choices_by_department() -> dict[str, list[tuple[str, str]]]:
    """Handlers grouped by department (rendered as <optgroup>), so the choice matches the department."""
    groups: dict[str, list[tuple[str, str]]] = {_("不指定个人"): [("", _("（部门内任何人）"))]}
    for user_id, name, department in handler_rows():
        groups.setdefault(department or _("无部门"), []).append((str(user_id), handler_label(name, department)))
    return groups


class TicketForm(FlaskForm):
    customer_query = StringField(_l("搜索客户"), validators=[Optional(), Length(max=64)])
    customer_id = SelectField(_l("客户"), choices=[], validate_choice=False, validators=[DataRequired(_l("请选择客户"))])
    received_at = DateTimeLocalField(_l("受理时间"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(_l("请填写受理时间"))])
    channel = SelectField(_l("受理渠道"), choices=enum_choices(CHANNELS))
    complainant = StringField(_l("投诉人"), validators=[DataRequired(_l("请填写投诉人")), Length(max=64, message=_l("投诉人不能超过64个字符"))])
    contact = StringField(_l("联系方式"), filters=[lambda value: value.strip() if value else value],
                          validators=[Optional(), Length(max=64, message=_l("联系方式不能超过64个字符"))])
    kind = SelectField(_l("类型"), choices=enum_choices(KINDS))
    category = SelectField(_l("问题分类"), choices=enum_choices(CATEGORIES))
    severity = SelectField(_l("严重程度"), choices=enum_choices(SEVERITIES), default="一般")
    description = TextAreaField(_l("问题描述"), validators=[DataRequired(_l("请填写问题描述")), Length(max=5000, message=_l("问题描述不能超过5000字"))])
    attachment = FileField(_l("附件（图片、PDF、Office 文件）"))

    def __init__(self, *args, customer_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.customer_id.choices = [("", _l("请选择客户"))] + [(str(c.id), _("%(name)s（%(code)s）", name=c.name, code=c.code))
                                                       for c in customer_options]

    def validate_contact(self, field):
        if field.data and not is_valid_contact(field.data):
            raise ValidationError(_l("联系方式应为手机号、带区号的座机（如 0571-88886666）或邮箱"))


class VersionedForm(FlaskForm):
    """Carries the ticket version: a stale action is refused with 409, never silently applied."""

    version = HiddenField(validators=[DataRequired(_l("页面已过期，请刷新后重试"))])


class DispatchForm(VersionedForm):
    department_id = SelectField(_l("责任部门"), choices=[], validators=[DataRequired(_l("请选择责任部门"))])
    assignee_id = SelectField(_l("处理人"), choices=[], validators=[Optional()])
    note = StringField(_l("派工说明"), validators=[Optional(), Length(max=256)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = [("", _l("请选择部门"))] + department_choices()
        self.assignee_id.choices = handler_choices_by_department()

    def validate_assignee_id(self, field):
        if not field.data or field.errors:  # a value the select never offered is already an error
            return
        user = db.session.get(User, int(field.data))
        if user is None or not self.department_id.data or str(user.department_id) != self.department_id.data:
            raise ValidationError(_l("处理人不属于所选部门"))


class NoteForm(FlaskForm):
    note = StringField(_l("说明"), validators=[Optional(), Length(max=256)])


class ResolveForm(VersionedForm):
    solution = TextAreaField(_l("解决方案"), validators=[DataRequired(_l("请填写解决方案")), Length(max=5000)])
    root_cause_type = SelectField(_l("原因类别"), choices=enum_choices(ROOT_CAUSE_TYPES))
    root_cause = TextAreaField(_l("原因分析"), validators=[DataRequired(_l("请填写原因分析")), Length(max=5000)])
    compensation = StringField(_l("补偿措施"), validators=[Optional(), Length(max=256)])


class CloseForm(VersionedForm):
    satisfaction = RadioField(_l("客户满意度"), choices=[(str(n), _l("%(n)s 分", n=n)) for n in range(5, 0, -1)],
                              validators=[DataRequired(_l("请选择满意度"))])
    comment = TextAreaField(_l("客户评价"), validators=[DataRequired(_l("请填写客户评价")), Length(max=2000)])
    escalate = BooleanField(_l("不满意（≤2分）时升级主管，而不是重新打开"))


class ReopenForm(VersionedForm):
    reason = TextAreaField(_l("重新打开原因"), validators=[DataRequired(_l("请填写重新打开的原因")), Length(max=1000)])


class CommentForm(FlaskForm):
    body = TextAreaField(_l("内容"), validators=[DataRequired(_l("请填写内容")), Length(max=2000, message=_l("内容不能超过2000字"))])
    internal = BooleanField(_l("内部备注（不对客户公开）"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("附件"))


class TicketFilterForm(FlaskForm):
    """Ledger filters; bound to request.args with CSRF off."""

    class Meta:
        csrf = False

    q = StringField(_l("客户/单号"), validators=[Optional(), Length(max=64)])
    status = SelectField(_l("状态"), choices=enum_choices(STATUSES, _l("全部")), validators=[Optional()])
    dispatch_state = SelectField(_l("派工状态"), choices=enum_choices(DISPATCH_STATES, _l("全部")), validators=[Optional()])
    department_id = SelectField(_l("责任部门"), choices=[], validators=[Optional()])
    assignee_id = SelectField(_l("处理人"), choices=[], validators=[Optional()])
    category = SelectField(_l("分类"), choices=enum_choices(CATEGORIES, _l("全部")), validators=[Optional()])
    severity = SelectField(_l("严重程度"), choices=enum_choices(SEVERITIES, _l("全部")), validators=[Optional()])
    breached = SelectField(_l("超时"), choices=[("", _l("全部")), ("1", _l("已超时")), ("0", _l("未超时"))], validators=[Optional()])
    date_from = DateField(_l("受理日期从"), validators=[Optional()])
    date_to = DateField(_l("至"), validators=[Optional()])
    customer_id = HiddenField()
    sort = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = with_blank(department_choices())
        self.assignee_id.choices = with_blank(handler_choices())

    def int_or_none(self, field) -> int | None:
        try:
            return int(field.data) if field.data else None
        except (TypeError, ValueError):
            return None


class AnalysisFilterForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = DateField(_l("受理日期从"), validators=[Optional()])
    date_to = DateField(_l("至"), validators=[Optional()])
