"""Review periods (month, quarter, half-year, year, custom) and their previous period; no Flask here."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

PERIOD_LABELS = {"month": "月度", "quarter": "季度", "half": "半年度", "year": "年度", "custom": "自定义"}
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
        year = self.start.year
        if self.kind == "month":
            return f"{year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{year}年第{self.number}季度"
        if self.kind == "half":
            return f"{year}年{'上' if self.number == 1 else '下'}半年"
        if self.kind == "year":
            return f"{year}年度"
        return f"{self.start:%Y-%m-%d} 至 {self.last_day:%Y-%m-%d}"

    @property
    def range_text(self) -> str:
        return f"{self.start:%Y-%m-%d} 至 {self.last_day:%Y-%m-%d}"

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
