"""Forms of the customer-health area: a care action 客户关怀, the 规则设置 weights/thresholds, list filters."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from portal import clock
from portal.i18n import enum_choices
from portal.models.customer_health import CARE_KINDS, CARE_OCCASIONS
from portal.rules.health import FACTORS, LEVELS


class CareActionForm(FlaskForm):
    kind = SelectField(_l("关怀方式"), choices=enum_choices(CARE_KINDS), validators=[DataRequired(_l("请选择关怀方式"))])
    occasion = SelectField(_l("关怀缘由"), choices=[(o, _l(o)) for o in CARE_OCCASIONS], validators=[DataRequired(_l("请选择关怀缘由"))])
    done_at = DateTimeLocalField(_l("关怀时间"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                 validators=[InputRequired(_l("请填写关怀时间"))],
                                 default=lambda: clock.now().replace(second=0))
    content = TextAreaField(_l("关怀内容"), validators=[DataRequired(_l("请填写关怀内容")),
                                                     Length(max=2000, message=_l("关怀内容不能超过2000个字符"))])

    def validate_done_at(self, field):
        if field.data and field.data > clock.now():
            raise ValidationError(_l("关怀时间不能晚于现在"))

    def care_data(self) -> dict:
        return {"kind": self.kind.data, "occasion": self.occasion.data, "done_at": self.done_at.data,
                "content": self.content.data.strip()}


def weight_field(code: str) -> IntegerField:
    return IntegerField(_l(FACTORS[code]), validators=[InputRequired(_l("请填写权重")),
                                                   NumberRange(0, 100, _l("权重应为0到100之间的整数"))])


class HealthRulesForm(FlaskForm):
    """Factor weights (relative, 0–100 each) and the two level thresholds."""

    scale = weight_field("scale")
    interaction = weight_field("interaction")
    complaints = weight_field("complaints")
    satisfaction = weight_field("satisfaction")
    payment = weight_field("payment")
    trend = weight_field("trend")
    healthy = IntegerField(_l("健康（不低于）"), validators=[InputRequired(_l("请填写分数线")),
                                                         NumberRange(1, 100, _l("分数线应为1到100之间的整数"))])
    watch = IntegerField(_l("关注（不低于）"), validators=[InputRequired(_l("请填写分数线")),
                                                       NumberRange(0, 99, _l("分数线应为0到99之间的整数"))])

    def validate_watch(self, field):
        if field.data is not None and self.healthy.data is not None and field.data >= self.healthy.data:
            raise ValidationError(_l("关注分数线应低于健康分数线"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not any(getattr(self, code).data for code in FACTORS):
            self.scale.errors = [*self.scale.errors, _l("至少一个因素的权重应大于0")]
            return False
        return valid

    def weights(self) -> dict[str, int]:
        return {code: int(getattr(self, code).data) for code in FACTORS}

    def thresholds(self) -> dict[str, int]:
        return {"healthy": int(self.healthy.data), "watch": int(self.watch.data)}


class WarningFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(_l("状态"), choices=[("open", _l("待处理")), ("escalated", _l("已升级")),
                                             ("active", _l("未恢复")), ("all", _l("全部"))], default="open",
                         validators=[Optional()])
    owner = SelectField(_l("负责人"), choices=[("me", _l("我的")), ("all", _l("全部"))], default="me",
                        validators=[Optional()])


class AtRiskFilterForm(FlaskForm):
    class Meta:
        csrf = False

    level = SelectField(_l("等级"), choices=[("", _l("风险及预警中"))] + [(lv, _l(lv)) for lv in LEVELS],
                        validators=[Optional()])
