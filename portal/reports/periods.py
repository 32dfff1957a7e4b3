"""Review periods (month, quarter, half-year, year, custom) and their previous period.

Labels are read in the interface language when asked for (flask_babel's gettext leaves them in 简体
outside a request); the dates stay YYYY-MM-DD in every language."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _

from portal.i18n import N_

PERIOD_LABELS = {"month": N_("月度"), "quarter": N_("季度"), "half": N_("半年度"), "year": N_("年度"),
                 "custom": N_("自定义")}
MONTH_NAMES = (N_("1月"), N_("2月"), N_("3月"), N_("4月"), N_("5月"), N_("6月"), N_("7月"), N_("8月"), N_("9月"),
               N_("10月"), N_("11月"), N_("12月"))
MONTHS_PER_KIND = {"month": 1, "quarter": 3, "half": 6, "year": 12}


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """[start, end): `end` is the first day after the period."""

    kind: str
    start: date
    end: date

    @classmethod
    def of(cls, kind: str, year: int, number: int = 1) -> "Period":
        """The `number`-th month/quarter/half of `year` (number ignored for a year)."""
        months = MONTHS_PER_KIND[kind]
        start = date(year, 1, 1) if kind == "year" else add_months(date(year, 1, 1), (number - 1) * months)
        return cls(kind, start, add_months(start, months))

    @classmethod
    def containing(cls, kind: str, day: date) -> "Period":
        months = MONTHS_PER_KIND[kind]
        return cls.of(kind, day.year, (day.month - 1) // months + 1)

    @classmethod
    def custom(cls, first_day: date, last_day: date) -> "Period":
        return cls("custom", first_day, last_day + timedelta(days=1))

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time())

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time())

    @property
    def number(self) -> int:
        return (self.start.month - 1) // MONTHS_PER_KIND.get(self.kind, 12) + 1

    @property
    def label(self) -> str:
        """"2026年第3季度", "Q3 2026": the period's name in the interface language."""
        year = self.start.year
        if self.kind == "month":
            return _("%(year)s年%(month)s", year=year, month=_(MONTH_NAMES[self.start.month - 1]))
        if self.kind == "quarter":
            return _("%(year)s年第%(quarter)s季度", year=year, quarter=self.number)
        if self.kind == "half":
            return _("%(year)s年上半年", year=year) if self.number == 1 else _("%(year)s年下半年", year=year)
        if self.kind == "year":
            return _("%(year)s年度", year=year)
        return self.range_text

    @property
    def range_text(self) -> str:
        return _("%(start)s 至 %(end)s", start=self.start.isoformat(), end=self.last_day.isoformat())

    @property
    def label_with_range(self) -> str:
        """"2026年第3季度（2026-07-01 至 2026-09-30）"; a custom period is its range alone."""
        if self.kind == "custom":
            return self.range_text
        return _("%(label)s（%(range)s）", label=self.label, range=self.range_text)

    def data_until(self, today: date) -> date | None:
        """None when the period has ended by `today`; else the last day its data can cover (today,
        or the day before the period when it has not started)."""
        if today >= self.end:
            return None
        return max(today, self.start - timedelta(days=1))

    def previous(self) -> "Period":
        """The period of the same kind just before; a custom range shifts back by its own length."""
        if self.kind in MONTHS_PER_KIND:
            start = add_months(self.start, -MONTHS_PER_KIND[self.kind])
            return Period(self.kind, start, self.start)
        return Period("custom", self.start - (self.end - self.start), self.start)
