"""Forms of the expenses area."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal import clock
from portal.i18n import enum_choices
from portal.models.expenses import EXPENSE_CATEGORIES, EXPENSE_CHANNELS, EXPENSE_KINDS, EXPENSE_STATUSES


class ExpenseForm(FlaskForm):
    kind = SelectField(_l("费用类型"), choices=enum_choices(EXPENSE_KINDS))
    category = SelectField(_l("类别"), choices=[(c, _l(c)) for c in EXPENSE_CATEGORIES])
    channel = SelectField(_l("渠道"), choices=[(c, _l(c)) for c in EXPENSE_CHANNELS])
    amount = DecimalField(_l("金额（元）"), places=2, validators=[
        InputRequired(_l("请填写金额")), NumberRange(min=0.01, max=999_999_999_999, message=_l("金额应大于0"))])
    spent_on = DateField(_l("发生日期"), validators=[InputRequired(_l("请填写发生日期"))], default=clock.today)
    description = StringField(_l("事由"), validators=[DataRequired(_l("请填写事由")), Length(max=256, message=_l("不能超过256个字符"))])
    region = StringField(_l("区域"), validators=[Optional(), Length(max=64, message=_l("不能超过64个字符"))])
    customer_code = StringField(_l("关联客户编号"), validators=[Optional(), Length(max=16)])
    order_number = StringField(_l("关联订单号"), validators=[Optional(), Length(max=20)])
    activity = StringField(_l("关联市场活动"), validators=[Optional(), Length(max=128, message=_l("不能超过128个字符"))])

    def validate_spent_on(self, field):
        if field.data and field.data > clock.today():
            raise ValidationError(_l("发生日期不能晚于今天"))


class DecisionForm(FlaskForm):
    decision = SelectField(_l("审批意见"), choices=[("approve", _l("同意")), ("reject", _l("驳回"))])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=256, message=_l("不能超过256个字符"))])


class ExpenseFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("状态"), choices=enum_choices(EXPENSE_STATUSES, _l("全部")), validators=[Optional()])
    category = SelectField(_l("类别"), choices=[("", _l("全部"))] + [(c, _l(c)) for c in EXPENSE_CATEGORIES], validators=[Optional()])
    kind = SelectField(_l("费用类型"), choices=enum_choices(EXPENSE_KINDS, _l("全部")), validators=[Optional()])
    spent_from = DateField(_l("从"), validators=[Optional()])
    spent_to = DateField(_l("至"), validators=[Optional()])
    sort = HiddenField()
