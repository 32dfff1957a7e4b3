"""Forms of the marketing area: the activity list filters, the activity form, transitions, invitations,
attendance, walk-in leads, expense lines, materials and competitors."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DecimalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from portal.customers.forms import EMAIL_RE, strip
from portal.i18n import enum_choices
from portal.models.marketing import ACTIVITY_KINDS, ACTIVITY_STATUSES, EXPENSE_CATEGORIES
from portal.rules.contact_format import is_valid_phone

SORT_KEYS = ("starts_on", "theme", "kind", "status", "region", "budget")
MAX_AMOUNT = 999_999_999_999


class ActivityFilterForm(FlaskForm):
    """The activity list's filters, bound to request.args (CSRF off)."""

    class Meta:
        csrf = False

    q = StringField(_l("主题"), filters=[strip], validators=[Optional(), Length(max=64)])
    kind = SelectField(_l("活动类型"), choices=enum_choices(ACTIVITY_KINDS, _l("全部")), validators=[Optional()])
    status = SelectField(_l("状态"), choices=enum_choices(ACTIVITY_STATUSES, _l("全部")), validators=[Optional()])
    region = StringField(_l("区域"), filters=[strip], validators=[Optional(), Length(max=64)])
    owner = SelectField(_l("负责人"), choices=[], validators=[Optional()])
    date_from = DateField(_l("开始日期从"), validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField(_l("至"), validators=[Optional()], format="%Y-%m-%d")
    sort = HiddenField()

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = [("", _l("全部"))] + [(str(user_id), name) for user_id, name in owners]

    def values(self) -> dict:
        """Only valid values; an invalid one is ignored rather than widening anything."""
        values = {}
        for name in ("q", "kind", "status", "region", "owner", "date_from", "date_to"):
            field = getattr(self, name)
            if field.data and not field.errors:
                values[name] = field.data
        sort = (self.sort.data or "").strip()
        values["sort"] = sort if sort.lstrip("-") in SORT_KEYS else "-starts_on"
        return values


def money(label, required=True):
    validators = [DataRequired(_l("请填写%(label)s", label=label))] if required else [Optional()]
    return DecimalField(label, places=2, validators=validators + [
        NumberRange(min=0, max=MAX_AMOUNT, message=_l("金额应在0到999,999,999,999之间"))])


class ActivityForm(FlaskForm):
    version = HiddenField()
    theme = StringField(_l("活动主题"), filters=[strip],
                        validators=[DataRequired(_l("请填写活动主题")), Length(max=128, message=_l("主题不能超过128个字符"))])
    kind = SelectField(_l("活动类型"), choices=enum_choices(ACTIVITY_KINDS, _l("请选择")),
                       validators=[DataRequired(_l("请选择活动类型"))])
    starts_on = DateField(_l("开始日期"), format="%Y-%m-%d", validators=[DataRequired(_l("请填写开始日期"))])
    ends_on = DateField(_l("结束日期"), format="%Y-%m-%d", validators=[DataRequired(_l("请填写结束日期"))])
    region = StringField(_l("区域"), filters=[strip], validators=[Optional(), Length(max=64)])
    owner_id = SelectField(_l("负责人"), choices=[], validators=[DataRequired(_l("请选择负责人"))])
    budget = money(_l("预算（元）"))
    description = TextAreaField(_l("活动说明"), filters=[strip], validators=[Optional(), Length(max=4000)])

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_id.choices = [("", _l("请选择"))] + [(str(user_id), name) for user_id, name in owners]

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("结束日期不能早于开始日期"))

    def activity_values(self) -> dict:
        return {"theme": self.theme.data, "kind": self.kind.data, "starts_on": self.starts_on.data,
                "ends_on": self.ends_on.data, "region": self.region.data or "", "owner_id": int(self.owner_id.data),
                "budget": self.budget.data, "description": self.description.data or ""}


class TransitionForm(FlaskForm):
    reason = StringField(_l("原因"), filters=[strip], validators=[Optional(), Length(max=200)])


class ParticipantActionForm(FlaskForm):
    """Bulk or single: the ticked participant ids and what to do with them."""

    action = SelectField(_l("操作"), choices=[("register", _l("标记已报名")), ("attend", _l("标记已到场"))],
                         validators=[DataRequired()])


class WalkInForm(FlaskForm):
    """现场登记: a lead met at the activity becomes a customer file with the activity as source."""

    name = StringField(_l("客户名称"), filters=[strip],
                       validators=[DataRequired(_l("请填写客户名称")), Length(max=128, message=_l("客户名称不能超过128个字符"))])
    contact_name = StringField(_l("联系人"), filters=[strip],
                               validators=[DataRequired(_l("请填写联系人姓名")), Length(max=64)])
    phone = StringField(_l("电话"), filters=[strip], validators=[Optional(), Length(max=32)])
    email = StringField(_l("邮箱"), filters=[strip], validators=[Optional(), Length(max=128)])
    industry = StringField(_l("行业"), filters=[strip], validators=[Optional(), Length(max=64)])
    purchase_intent = TextAreaField(_l("需求/意向"), filters=[strip], validators=[Optional(), Length(max=2000)])
    confirm_duplicates = BooleanField(_l("我已核对疑似重复客户，仍然新建档案"))
    existing_id = HiddenField()

    def validate_phone(self, field):
        if field.data and not is_valid_phone(field.data):
            raise ValidationError(_l("电话应为11位手机号，或带区号的座机（如 0571-88886666）"))

    def validate_email(self, field):
        if field.data and not EMAIL_RE.match(field.data):
            raise ValidationError(_l("邮箱格式不正确"))

    def validate(self, extra_validators=None) -> bool:
        if (self.existing_id.data or "").isdigit():
            # Choosing an existing file from the duplicate list needs nothing else (the CSRF token is
            # checked app-wide by CSRFProtect before the view runs).
            return True
        valid = super().validate(extra_validators)
        if valid and not self.phone.data and not self.email.data:
            self.phone.errors.append(_l("请至少填写电话或邮箱"))
            valid = False
        return valid


class ExpenseForm(FlaskForm):
    category = SelectField(_l("费用类别"), choices=enum_choices(EXPENSE_CATEGORIES, _l("请选择")),
                           validators=[DataRequired(_l("请选择费用类别"))])
    amount = DecimalField(_l("金额（元）"), places=2, validators=[
        DataRequired(_l("请填写金额")), NumberRange(min=0.01, max=MAX_AMOUNT, message=_l("金额应大于0"))])
    spent_on = DateField(_l("发生日期"), format="%Y-%m-%d", validators=[DataRequired(_l("请填写发生日期"))])
    note = StringField(_l("说明"), filters=[strip], validators=[Optional(), Length(max=200)])


class MaterialForm(FlaskForm):
    title = StringField(_l("资料名称"), filters=[strip],
                        validators=[DataRequired(_l("请填写资料名称")), Length(max=128)])
    file = FileField(_l("文件（PDF/PPTX/DOCX/XLSX/PNG/JPG）"))


class MaterialVersionForm(FlaskForm):
    file = FileField(_l("新版本文件"))


class CompetitorForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("竞争对手名称"), filters=[strip],
                       validators=[DataRequired(_l("请填写竞争对手名称")), Length(max=128)])
    products = TextAreaField(_l("主要产品"), filters=[strip], validators=[Optional(), Length(max=4000)])
    strengths = TextAreaField(_l("优势"), filters=[strip], validators=[Optional(), Length(max=4000)])
    prices_seen = TextAreaField(_l("了解到的价格"), filters=[strip], validators=[Optional(), Length(max=4000)])
    notes = TextAreaField(_l("备注"), filters=[strip], validators=[Optional(), Length(max=4000)])

    def values(self) -> dict:
        return {name: getattr(self, name).data or "" for name in ("name", "products", "strengths", "prices_seen", "notes")}


class CompetitorLinkForm(FlaskForm):
    customer_code = StringField(_l("客户编号"), filters=[strip],
                                validators=[DataRequired(_l("请填写客户编号")), Length(max=16)])


class EffectFilterForm(FlaskForm):
    """The comparison table's period (by activity start date)."""

    class Meta:
        csrf = False

    date_from = DateField(_l("开始日期从"), validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField(_l("至"), validators=[Optional()], format="%Y-%m-%d")
    kind = SelectField(_l("活动类型"), choices=enum_choices(ACTIVITY_KINDS, _l("全部")), validators=[Optional()])


