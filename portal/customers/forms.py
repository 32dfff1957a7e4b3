"""Forms of the customers area: list filters, the customer file with contact rows, pool, handover,
archive, merge and import."""
import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.i18n import enum_choices
from portal.models.customers import CONTACT_CHANNELS, DECISION_ROLES, GRADES, SOURCE_CHANNELS, STAGES, TIERS
from portal.rules.contact_format import is_valid_phone
from portal.rules.dedupe import is_valid_credit_code

# A practical address check (no network lookups): one @, a dotted domain, no spaces.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
SORT_KEYS = ("code", "name", "grade", "tier", "stage", "owner", "last_contacted", "next_due", "health")
BUDGET_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(万|元|k|K|w|W)?\s*(?:-|~|～|至|到)\s*(\d+(?:\.\d+)?)\s*(万|元|k|K|w|W)?\s*$")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def budget_problem(text: str) -> str | None:
    """A budget range reads like "20万-50万" / "5-20万"; the low end may not exceed the high end."""
    if not text.strip() or text.strip() in {"5万以下", "100万以上"} or re.fullmatch(r"\s*\d+(\.\d+)?\s*万?(以下|以上)\s*", text):
        return None
    match = BUDGET_RE.match(text)
    if not match:
        return _("预算范围格式应为“20万-50万”或“5万以下”")
    low_unit = match.group(2) or match.group(4) or ""
    high_unit = match.group(4) or low_unit
    scale = {"万": 10000, "w": 10000, "W": 10000, "k": 1000, "K": 1000, "元": 1, "": 1}
    try:
        low = Decimal(match.group(1)) * scale[low_unit]
        high = Decimal(match.group(3)) * scale[high_unit]
    except InvalidOperation:
        return _("预算范围格式应为“20万-50万”或“5万以下”")
    if low > high:
        return _("预算范围的下限不能大于上限")
    return None


class CustomerFilterForm(FlaskForm):
    """The list's filters, bound to request.args (CSRF off): the URL reflects every filter."""

    class Meta:
        csrf = False

    q = StringField(_l("搜索"), filters=[strip], validators=[Optional(), Length(max=64)])
    grade = SelectField(_l("意向等级"), choices=enum_choices(GRADES, _l("全部")), validators=[Optional()])
    tier = SelectField(_l("客户分层"), choices=enum_choices(TIERS, _l("全部")), validators=[Optional()])
    stage = SelectField(_l("生命周期阶段"), choices=enum_choices(STAGES, _l("全部")), validators=[Optional()])
    owner = SelectField(_l("负责人"), choices=[], validators=[Optional()])
    industry = SelectField(_l("行业"), choices=[], validators=[Optional()])
    source = SelectField(_l("来源渠道"), choices=enum_choices(SOURCE_CHANNELS, _l("全部")), validators=[Optional()])
    member = SelectField(_l("会员"), choices=[("", _l("全部")), ("yes", _l("会员")), ("no", _l("非会员"))],
                         validators=[Optional()])
    due = SelectField(_l("跟进状态"), choices=[("", _l("全部")), ("overdue", _l("已逾期")), ("dormant", _l("沉睡"))],
                      validators=[Optional()])
    health = SelectField(_l("健康度"), choices=[("", _l("全部")), ("健康", _l("健康")), ("关注", _l("关注")), ("风险", _l("风险"))],
                         validators=[Optional()])
    archived = SelectField(_l("归档"), choices=[("", _l("搜索时含已归档")), ("without", _l("不含已归档")),
                                             ("with", _l("含已归档")), ("only", _l("仅已归档"))],
                           validators=[Optional()])
    sort = HiddenField()

    def __init__(self, *args, owners=(), industries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = [("", _l("全部")), ("me", _l("我负责的")), ("pool", _l("公海"))] + [
            (str(user.id), user.display_name) for user in owners
        ]
        self.industry.choices = [("", _l("全部"))] + [(industry, industry) for industry in industries]

    def values(self) -> dict:
        """Only valid filter values; an invalid choice is ignored rather than widening anything."""
        values = {}
        for name in ("q", "grade", "tier", "stage", "owner", "industry", "source", "member", "due", "archived", "health"):
            field = getattr(self, name)
            if field.data and not field.errors:
                values[name] = field.data
        sort = (self.sort.data or "").strip()
        values["sort"] = sort if sort.lstrip("-") in SORT_KEYS else "-last_contacted"
        return values


class ContactForm(Form):
    """One contact row; rows without a name are ignored (a blank new row is not an error)."""

    id = HiddenField()
    name = StringField(_l("姓名"), filters=[strip], validators=[Optional(), Length(max=64, message=_l("姓名不能超过64个字符"))])
    position = StringField(_l("职位"), filters=[strip], validators=[Optional(), Length(max=64)])
    phone = StringField(_l("电话"), filters=[strip], validators=[Optional(), Length(max=32, message=_l("电话过长"))])
    email = StringField(_l("邮箱"), filters=[strip],
                        validators=[Optional(), Length(max=128)])
    decision_role = SelectField(_l("决策角色"), choices=enum_choices(DECISION_ROLES, _l("未指定")), validators=[Optional()])
    is_primary = BooleanField(_l("主要联系人"))
    remove = BooleanField(_l("删除"))

    def validate_phone(self, field):
        if field.data and not is_valid_phone(field.data):
            raise ValidationError(_l("电话应为11位手机号，或带区号的座机（如 0571-88886666）"))

    def validate_email(self, field):
        if field.data and not EMAIL_RE.match(field.data):
            raise ValidationError(_l("邮箱格式不正确"))

    def validate_name(self, field):
        if not field.data and (self.phone.data or self.email.data) and not self.remove.data:
            raise ValidationError(_l("请填写联系人姓名"))


CUSTOMER_FIELDS = (
    "name", "credit_code", "industry", "scale_employees", "revenue_band", "founded_on", "main_business", "website",
    "address", "business_scope", "source_channel", "grade", "tier", "stage", "is_member", "registered_on",
    "pain_points", "purchase_intent", "budget_range", "expected_cycle", "past_cooperation", "decision_maker",
    "decision_process", "decision_cycle", "competitor_info", "special_requirements", "preferred_channel",
    "contact_time_window", "no_cold_calls", "key_contact_birthday", "company_anniversary", "tags",
)


class CustomerForm(FlaskForm):
    """The full customer file (DESIGN.md) with its contact rows."""

    version = HiddenField()
    name = StringField(_l("客户名称"), filters=[strip],
                       validators=[DataRequired(_l("请填写客户名称")), Length(max=128, message=_l("客户名称不能超过128个字符"))])
    credit_code = StringField(_l("统一社会信用代码"), filters=[strip], validators=[Optional()])
    industry = StringField(_l("行业"), filters=[strip], validators=[Optional(), Length(max=64)])
    scale_employees = StringField(_l("员工规模"), filters=[strip], validators=[Optional(), Length(max=32)])
    revenue_band = StringField(_l("营收规模"), filters=[strip], validators=[Optional(), Length(max=32)])
    founded_on = DateField(_l("成立日期"), validators=[Optional()], format="%Y-%m-%d")
    main_business = TextAreaField(_l("主营业务"), filters=[strip], validators=[Optional(), Length(max=2000)])
    website = StringField(_l("官网"), filters=[strip], validators=[Optional(), Length(max=256)])
    address = StringField(_l("地址"), filters=[strip], validators=[Optional(), Length(max=256)])
    business_scope = TextAreaField(_l("经营范围"), filters=[strip], validators=[Optional(), Length(max=4000)])
    source_channel = SelectField(_l("来源渠道"), choices=enum_choices(SOURCE_CHANNELS, _l("请选择")),
                                 validators=[DataRequired(_l("请选择来源渠道"))])
    owner_id = SelectField(_l("负责人"), choices=[], validators=[Optional()])
    collaborator_ids = SelectMultipleField(_l("协作人"), choices=[], validators=[Optional()])
    grade = SelectField(_l("意向等级"), choices=[(g, g) for g in GRADES], default="C")
    tier = SelectField(_l("客户分层"), choices=[(t, _l(t)) for t in TIERS], default="普通")
    stage = SelectField(_l("生命周期阶段"), choices=enum_choices(STAGES), default="潜在")
    stage_reason = StringField(_l("阶段变更原因"), filters=[strip], validators=[Optional(), Length(max=200)])
    is_member = BooleanField(_l("会员"))
    registered_on = DateField(_l("注册日期"), validators=[Optional()], format="%Y-%m-%d")
    pain_points = TextAreaField(_l("痛点"), filters=[strip], validators=[Optional(), Length(max=2000)])
    purchase_intent = TextAreaField(_l("采购意向"), filters=[strip], validators=[Optional(), Length(max=2000)])
    budget_range = StringField(_l("预算范围"), filters=[strip], validators=[Optional(), Length(max=64)])
    expected_cycle = StringField(_l("期望合作周期"), filters=[strip], validators=[Optional(), Length(max=64)])
    past_cooperation = TextAreaField(_l("过往合作"), filters=[strip], validators=[Optional(), Length(max=2000)])
    decision_maker = StringField(_l("决策人"), filters=[strip], validators=[Optional(), Length(max=64)])
    decision_process = TextAreaField(_l("决策流程"), filters=[strip], validators=[Optional(), Length(max=2000)])
    decision_cycle = StringField(_l("决策周期"), filters=[strip], validators=[Optional(), Length(max=64)])
    competitor_info = TextAreaField(_l("竞争对手信息"), filters=[strip], validators=[Optional(), Length(max=2000)])
    special_requirements = TextAreaField(_l("特殊要求"), filters=[strip], validators=[Optional(), Length(max=2000)])
    preferred_channel = SelectField(_l("偏好沟通方式"), choices=enum_choices(CONTACT_CHANNELS, _l("未指定")),
                                    validators=[Optional()])
    contact_time_window = StringField(_l("方便联系时段"), filters=[strip], validators=[Optional(), Length(max=64)])
    no_cold_calls = BooleanField(_l("不接受陌生电话"))
    key_contact_birthday = DateField(_l("关键联系人生日"), validators=[Optional()], format="%Y-%m-%d")
    company_anniversary = DateField(_l("公司周年日"), validators=[Optional()], format="%Y-%m-%d")
    tags = StringField(_l("标签"), filters=[strip], validators=[Optional(), Length(max=256)])
    contacts = FieldList(FormField(ContactForm), min_entries=1, max_entries=50)
    confirm_duplicates = BooleanField(_l("我已核对疑似重复客户，仍然保存"))

    def __init__(self, *args, owner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_choose_owner = owner_choices is not None
        if self.can_choose_owner:
            self.owner_id.choices = [("", _l("公海（无负责人）"))] + [(str(u.id), u.display_name) for u in owner_choices]
            self.collaborator_ids.choices = [(str(u.id), u.display_name) for u in owner_choices]
        else:
            # Not offered to this role, so posted values are never read (no mass assignment).
            del self.owner_id
            del self.collaborator_ids

    def validate_credit_code(self, field):
        if field.data and not is_valid_credit_code(field.data):
            raise ValidationError(_l("统一社会信用代码应为18位，且校验位正确"))

    def validate_website(self, field):
        if field.data and not re.match(r"^(https?://)?[\w.-]+\.[a-zA-Z]{2,}(/\S*)?$", field.data):
            raise ValidationError(_l("网址格式不正确，例如 https://www.example.com"))

    def validate_budget_range(self, field):
        problem = budget_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() stops the field's own chain on an empty date, so the member rule lives here.
        if self.is_member.data and not self.registered_on.data and not self.registered_on.errors:
            self.registered_on.errors.append(_l("会员请填写注册日期"))
            valid = False
        return valid

    def customer_values(self) -> dict:
        values = {name: getattr(self, name).data for name in CUSTOMER_FIELDS}
        for name, value in values.items():
            if value is None and name not in {"founded_on", "registered_on", "key_contact_birthday",
                                              "company_anniversary", "credit_code"}:
                values[name] = ""
        values["credit_code"] = values["credit_code"] or None
        if values["website"] and not values["website"].startswith(("http://", "https://")):
            values["website"] = "https://" + values["website"]
        if self.can_choose_owner:
            values["owner_id"] = int(self.owner_id.data) if self.owner_id.data else None
        return values

    def collaborators(self) -> list[int] | None:
        """Chosen collaborator ids, or None when this role does not manage collaborators."""
        if not self.can_choose_owner:
            return None
        return [int(value) for value in self.collaborator_ids.data or [] if value.isdigit()]

    def contact_rows(self) -> list[dict]:
        rows = []
        for entry in self.contacts:
            row = entry.form
            if row.remove.data or not row.name.data:
                continue
            rows.append({
                "id": int(row.id.data) if (row.id.data or "").isdigit() else None,
                "name": row.name.data, "position": row.position.data or "", "phone": row.phone.data or "",
                "email": row.email.data or "", "decision_role": row.decision_role.data or "",
                "is_primary": bool(row.is_primary.data),
            })
        return rows


class ReleaseForm(FlaskForm):
    reason = StringField(_l("释放原因"), filters=[strip],
                         validators=[DataRequired(_l("请填写释放原因")), Length(max=200, message=_l("原因不能超过200个字符"))])


class ArchiveForm(FlaskForm):
    reason = StringField(_l("归档原因"), filters=[strip], validators=[Optional(), Length(max=200)])


class MergeForm(FlaskForm):
    other_code = StringField(_l("要并入的客户编号"), filters=[strip],
                             validators=[DataRequired(_l("请填写要并入本档案的客户编号"))])
    confirm = BooleanField(_l("确认合并"))


def person_label(user) -> str:
    return _("%(name)s（%(role)s）", name=user.display_name, role=_(user.role_label))


class HandoverForm(FlaskForm):
    from_user_id = SelectField(_l("离岗员工"), choices=[], validators=[DataRequired(_l("请选择离岗员工"))])
    receiver_ids = SelectMultipleField(_l("接收人"), choices=[], validate_choice=False,
                                       validators=[DataRequired(_l("请选择至少一名接收人"))])
    mode = RadioField(_l("分配方式"), choices=[("one", _l("全部交给第一位接收人")), ("spread", _l("平均分配给所选接收人"))],
                      default="spread")
    confirm = HiddenField()

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(user.id), person_label(user)) for user in staff]
        self.from_user_id.choices = [("", _l("请选择"))] + choices
        # Deactivated people cannot log in to work on what they would receive: never offered.
        self.receiver_ids.choices = [(str(user.id), person_label(user)) for user in staff if user.is_active_user]

    def validate_receiver_ids(self, field):
        if self.from_user_id.data and self.from_user_id.data in (field.data or []):
            raise ValidationError(_l("接收人不能是离岗员工本人"))
        offered = {value for value, _label in self.receiver_ids.choices}
        if any(value not in offered for value in field.data or []):
            raise ValidationError(_l("接收人必须是本范围内在岗（未停用）的员工"))

    def receivers(self) -> list[int]:
        ids = [int(value) for value in self.receiver_ids.data or []]
        return ids[:1] if self.mode.data == "one" else ids


class ImportForm(FlaskForm):
    file = FileField(_l("Excel 文件（.xlsx）"), validators=[FileRequired(_l("请选择要导入的 .xlsx 文件")),
                                                          FileAllowed(["xlsx"], _l("只支持 .xlsx 文件"))])
    on_match = RadioField(_l("已存在的客户"), choices=[("skip", _l("跳过")), ("update", _l("更新"))], default="skip")


class ImportConfirmForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])
    on_match = HiddenField()



EXTRA_FIELD_LABELS = {
    "code": _l("客户编号"), "owner_id": _l("负责人"), "archived_at": _l("归档时间"), "last_contacted_at": _l("最近联系"),
    "next_due_on": _l("下次跟进"), "pool_since": _l("进入公海时间"), "merged_into_id": _l("合并到"),
    "entered_by_id": _l("录入人"), "created_at": _l("创建时间"), "total_deal_amount": _l("累计成交金额"),
    "collaborators": _l("协作人"),
}


def customer_field_labels() -> dict[str, str]:
    """Chinese labels of the customer's columns, for the audit history on the file."""
    labels = {name: str(getattr(CustomerForm, name).args[0]) for name in CUSTOMER_FIELDS}
    labels.update({name: str(label) for name, label in EXTRA_FIELD_LABELS.items()})
    return labels
