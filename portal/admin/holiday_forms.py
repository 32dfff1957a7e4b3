"""Form of the 节假日安排 admin page: a range of days marked as holiday or make-up workday."""
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

MAX_RANGE_DAYS = 31
KINDS = (("holiday", "放假"), ("workday", "调休上班"))


class HolidayRangeForm(FlaskForm):
    start = DateField("开始日期", validators=[InputRequired("请填写开始日期")])
    end = DateField("结束日期（单日可不填）", validators=[Optional()])
    kind = SelectField("类型", choices=KINDS)
    note = StringField("说明", validators=[Optional(), Length(max=64, message="说明不能超过64个字符")])

    def validate_end(self, field):
        if field.data and self.start.data:
            if field.data < self.start.data:
                raise ValidationError("结束日期不能早于开始日期")
            if (field.data - self.start.data).days >= MAX_RANGE_DAYS:
                raise ValidationError(f"一次最多录入{MAX_RANGE_DAYS}天")

    def days(self):
        from datetime import timedelta

        last = self.end.data or self.start.data
        return [self.start.data + timedelta(days=n) for n in range((last - self.start.data).days + 1)]
