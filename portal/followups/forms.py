"""Forms of the followups area: record/edit a follow-up, the list filters, holidays."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DateTimeLocalField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal import clock
from portal.i18n import enum_choices
from portal.models.customers import STAGES
from portal.models.followups import FOLLOWUP_METHODS

FOLLOWUP_FIELDS = ("contacted_at", "method", "participants", "content", "result", "next_action", "next_action_on")


class FollowUpForm(FlaskForm):
    version = HiddenField()
    contacted_at = DateTimeLocalField(
        _l("联系时间"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[InputRequired(_l("请填写联系时间"))], default=lambda: clock.now().replace(second=0),
    )
    method = SelectField(_l("跟进方式"), choices=[(m, _l(m)) for m in FOLLOWUP_METHODS], validators=[DataRequired(_l("请选择跟进方式"))])
    participants = StringField(_l("参与人员"), validators=[Optional(), Length(max=256, message=_l("参与人员不能超过256个字符"))])
    content = TextAreaField(_l("沟通内容"), validators=[DataRequired(_l("请填写沟通内容")), Length(max=5000, message=_l("沟通内容不能超过5000个字符"))])
    result = TextAreaField(_l("跟进结果"), validators=[Optional(), Length(max=2000, message=_l("跟进结果不能超过2000个字符"))])
    next_action = StringField(_l("下一步行动"), validators=[Optional(), Length(max=256, message=_l("下一步行动不能超过256个字符"))])
    next_action_on = DateField(_l("下一步日期"), validators=[Optional()])
    stage_to = SelectField(_l("变更阶段（可选）"), choices=enum_choices(STAGES, _l("不变更")), validators=[Optional()])
    stage_reason = StringField(_l("变更原因"), validators=[Optional(), Length(max=256, message=_l("变更原因不能超过256个字符"))])

    def validate_contacted_at(self, field):
        if field.data and field.data > clock.now():
            raise ValidationError(_l("联系时间不能晚于现在"))

    def validate_next_action_on(self, field):
        if field.data and self.contacted_at.data and field.data < self.contacted_at.data.date():
            raise ValidationError(_l("下一步日期不能早于联系时间"))
        if field.data and not (self.next_action.data or "").strip():
            raise ValidationError(_l("填写了下一步日期时，请同时写明下一步行动"))

    def validate(self, extra_validators=None) -> bool:
        # Checked after the fields: Optional() on an empty reason would stop its own validators.
        valid = super().validate(extra_validators)
        if self.stage_to and self.stage_to.data and not (self.stage_reason.data or "").strip():
            self.stage_reason.errors = [*self.stage_reason.errors, _l("变更阶段时请填写原因")]
            return False
        return valid

    def followup_data(self) -> dict:
        return {name: getattr(self, name).data for name in FOLLOWUP_FIELDS}


class EditFollowUpForm(FollowUpForm):
    """Editing keeps the stage history out: a stage change is its own record."""

    stage_to = None
    stage_reason = None


class FollowUpFilterForm(FlaskForm):
    """List filters, bound to request.args (CSRF off)."""

    class Meta:
        csrf = False

    author_id = SelectField(_l("跟进人"), choices=[], validators=[Optional()])
    method = SelectField(_l("方式"), choices=[("", _l("全部"))] + [(m, _l(m)) for m in FOLLOWUP_METHODS], validators=[Optional()])
    date_from = DateField(_l("开始日期"), validators=[Optional()])
    date_to = DateField(_l("结束日期"), validators=[Optional()])
    customer = StringField(_l("客户"), validators=[Optional(), Length(max=64)])
    timeliness = SelectField(_l("及时性"), choices=[("", _l("全部")), ("on_time", _l("及时")), ("late", _l("补录"))], validators=[Optional()])

    def __init__(self, *args, authors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.author_id.choices = [("", _l("全部"))] + [(str(user.id), user.display_name) for user in authors]
