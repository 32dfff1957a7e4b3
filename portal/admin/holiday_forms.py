"""Form of the 节假日安排 admin page: a range of days marked as holiday or make-up workday."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.i18n import N_

MAX_RANGE_DAYS = 31
KINDS = (("holiday", N_("放假")), ("workday", N_("调休上班")))


class HolidayRangeForm(FlaskForm):
    start = DateField(_l("开始日期"), validators=[InputRequired(_l("请填写开始日期"))])
    end = DateField(_l("结束日期（单日可不填）"), validators=[Optional()])
    kind = SelectField(_l("类型"), choices=[(value, _l(label)) for value, label in KINDS])
    note = StringField(_l("说明"), validators=[Optional(), Length(max=64, message=_l("说明不能超过64个字符"))])

    def validate_end(self, field):
        if field.data and self.start.data:
            if field.data < self.start.data:
                raise ValidationError(_("结束日期不能早于开始日期"))
            if (field.data - self.start.data).days >= MAX_RANGE_DAYS:
                raise ValidationError(_("一次最多录入%(n)s天", n=MAX_RANGE_DAYS))

    def days(self):
        from datetime import timedelta

        last = self.end.data or self.start.data
        return [self.start.data + timedelta(days=n) for n in range((last - self.start.data).days + 1)]
