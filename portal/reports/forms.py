"""Review filter form: period and scope, bound to request.args (CSRF off)."""
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal import clock
from portal.reports.periods import MONTH_NAMES, MONTHS_PER_KIND, PERIOD_LABELS, Period

# A custom range and the previous range of the same length must stay within date arithmetic's reach.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
NUMBER_CHOICES = {
    "month": [(str(n), _l(name)) for n, name in enumerate(MONTH_NAMES, start=1)],
    "quarter": [(str(n), _l("第%(n)s季度", n=n)) for n in range(1, 5)],
    "half": [("1", _l("上半年")), ("2", _l("下半年"))],
}


class ReviewFilterForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("统计周期"), choices=[(kind, _l(label)) for kind, label in PERIOD_LABELS.items()],
                       default="quarter")
    year = SelectField(_l("年份"), validators=[Optional()])
    number = SelectField(_l("期间"), validators=[Optional()])
    date_from = DateField(_l("起始日期"), validators=[Optional()])
    date_to = DateField(_l("截止日期"), validators=[Optional()])
    scope = SelectField(_l("考核范围"), choices=[])

    def __init__(self, formdata, scope_choices: list[tuple[str, str]], **kwargs):
        today = clock.today()
        super().__init__(formdata, **kwargs)
        self.year.choices = [(str(y), _l("%(year)s年", year=y)) for y in range(today.year, today.year - 6, -1)]
        kind = self.kind.data if self.kind.data in MONTHS_PER_KIND else "quarter"
        self.number.choices = NUMBER_CHOICES.get(kind, [("1", _l("全年"))])
        self.scope.choices = scope_choices
        current = Period.containing(kind, today)
        if not self.year.data or self.year.data == "None":
            self.year.data = str(today.year)
        if not self.number.data or self.number.data == "None":
            self.number.data = str(current.number)
        if not self.scope.data or self.scope.data == "None":
            self.scope.data = scope_choices[0][0] if scope_choices else ""

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the custom range (Optional() would skip a validate_date_to on empty dates)."""
        valid = super().validate(extra_validators)
        if self.kind.data != "custom":
            return valid
        problem = custom_range_problem(self.date_from.data, self.date_to.data)
        if problem:
            self.date_to.errors = [*self.date_to.errors, problem]
            return False
        return valid

    def period(self) -> Period:
        """The chosen period (the current quarter when the form is invalid)."""
        if self.errors or (self.kind.data == "custom" and custom_range_problem(self.date_from.data, self.date_to.data)):
            return Period.containing("quarter", clock.today())
        if self.kind.data == "custom":
            return Period.custom(self.date_from.data, self.date_to.data)
        return Period.of(self.kind.data, int(self.year.data), int(self.number.data or 1))


def custom_range_problem(first_day, last_day) -> str | None:
    """Why a custom range cannot be reported on, in the interface language, or None."""
    if not first_day or not last_day:
        return _("自定义周期请填写起始日期和截止日期")
    if not all(EARLIEST <= day <= LATEST for day in (first_day, last_day)):
        return _("日期应在2000-01-01至2099-12-31之间")
    if last_day < first_day:
        return _("截止日期不能早于起始日期")
    if (last_day - first_day).days > 366 * 3:
        return _("自定义周期不能超过三年")
    return None


class OutcomeForm(FlaskForm):
    """One employee's 奖惩 after an issued review: the measure and why."""

    version = HiddenField()
    measure = SelectField(_l("奖惩结果"), choices=[], validators=[InputRequired(_l("请选择奖惩结果"))])
    reason = TextAreaField(_l("理由"), validators=[DataRequired(_l("请填写理由")),
                                                 Length(max=2000, message=_l("不能超过2000个字符"))])

    def __init__(self, *args, **kwargs):
        from portal.models.reports import OUTCOME_MEASURES

        super().__init__(*args, **kwargs)
        self.measure.choices = [("", _l("（请选择）"))] + [
            (measure, _("%(kind)s：%(measure)s", kind=_(kind), measure=_(measure)))
            for measure, kind in OUTCOME_MEASURES.items()]
