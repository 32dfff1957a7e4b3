"""Customer health 客户健康度 and churn warning 流失预警 (DESIGN.md "Customer health").

Plain functions: counts and dates in, factor values, words, scores, levels and warning reasons out.
Each factor gives a value between 0 and 1 (1 = healthy) or None when it has nothing to judge by
("does not apply"); the score is the weighted mean of the factors that apply, 0–100. A factor that
does not apply weighs zero and its words say why, so the customer page never hides a missing input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.rules import N_

FACTORS: dict[str, str] = {
    "scale": N_("合作规模"),
    "interaction": N_("互动频率"),
    "complaints": N_("投诉"),
    "satisfaction": N_("满意度"),
    "payment": N_("回款及时性"),
    "trend": N_("互动趋势"),
}
DEFAULT_HEALTH_WEIGHTS: dict[str, int] = {
    "scale": 20, "interaction": 30, "complaints": 15, "satisfaction": 15, "payment": 10, "trend": 10,
}
HEALTHY, WATCH, AT_RISK = N_("健康"), N_("关注"), N_("风险")
LEVELS = (HEALTHY, WATCH, AT_RISK)
DEFAULT_THRESHOLDS: dict[str, int] = {"healthy": 70, "watch": 40}

INTERACTION_WINDOW_DAYS = 90
COMPLAINT_WINDOW_DAYS = 180
SATISFACTION_WINDOW_DAYS = 180
SCALE_WINDOW_DAYS = 365
# How much of the complaints factor one complaint takes away, by ticket severity.
COMPLAINT_SEVERITY_WEIGHTS: dict[str, float] = {N_("重大"): 0.6, N_("一般"): 0.3, N_("轻微"): 0.1}

DROP_POINTS = 15
DROP_WINDOW_DAYS = 30
# "Interaction fell by half" needs a previous period with at least this many contacts, so one missed
# call (1 → 0) is not a churn signal.
HALVED_MIN_PREVIOUS = 2
ESCALATION_WORKDAYS = 5

# --- the words ------------------------------------------------------------------------------
# Factor words and warning reasons are stored as the 简体 text these msgids make (customer_health.factors,
# churn_warning.reasons). Each stored text is made from exactly one of them, so `translated_words` can
# match it again and show it in the reader's language; a text no msgid makes (older wording) stays as stored.
SCALE_NO_DEALS = N_("尚无成交，不计合作规模")
SCALE_NONE_12M = N_("近12个月无成交")
SCALE_WORDS = N_("近12个月成交 ¥%(amount)s，超过公司 %(percent)s%% 的成交客户")
INTERACTION_NEW = N_("建档 %(days)s 天，未满一个跟进周期，互动 %(count)s 次")
INTERACTION_NO_CADENCE = N_("%(grade)s类没有跟进周期，不计互动频率")
INTERACTION_90D = N_("近90天互动 %(count)s 次，%(grade)s类应有 %(expected)s 次")
INTERACTION_SINCE = N_("建档%(days)s天来互动 %(count)s 次，%(grade)s类应有 %(expected)s 次")
COMPLAINTS_NONE = N_("近180天无投诉")
COMPLAINTS_WORDS = N_("近180天投诉 %(total)s 次（%(detail)s）")
COMPLAINT_COUNT = N_("%(severity)s %(count)s")
LIST_SEPARATOR = N_("、")
SATISFACTION_NONE = N_("近180天无回访评分，不计满意度")
SATISFACTION_WORDS = N_("近180天回访 %(count)s 次，平均满意度 %(mean)s 分")
NO_ORDERS = N_("无订单，不计回款及时性")
NO_RECEIVABLE = N_("无应收款")
PAYMENT_WORDS = N_("逾期应收 ¥%(overdue)s，应收 ¥%(receivable)s")
TREND_TOO_NEW = N_("建档不足180天，不计趋势")
TREND_NO_CONTACT = N_("前后两期均无互动，不计趋势")
TREND_FROM_NONE = N_("近90天互动 %(last)s 次，前90天 0 次（上升）")
TREND_STEADY = N_("近90天互动 %(last)s 次，前90天 %(previous)s 次（持平或上升）")
TREND_FALLING = N_("近90天互动 %(last)s 次，前90天 %(previous)s 次（下降 %(percent)s%%）")
REASON_AT_RISK = N_("健康度 %(score)s 分，等级为风险")
REASON_BECAME_AT_RISK = N_("健康度 %(score)s 分，等级为风险（原为%(level)s）")
REASON_DROP = N_("30天内健康度从 %(peak)s 分降至 %(score)s 分（下降 %(points)s 分）")
REASON_HALVED = N_("近90天互动 %(last)s 次，前90天 %(previous)s 次，减少一半以上")
REASON_HALVED_EXPECTED = N_("近90天互动 %(last)s 次，前90天 %(previous)s 次，减少一半以上，%(grade)s类应有 %(expected)s 次")
LINE_NOT_WEIGHED = N_("%(factor)s：%(words)s（权重 0）")
LINE_WEIGHED = N_("%(factor)s：%(words)s，得 %(points)s / %(max)s 分")

WORDS = (SCALE_NO_DEALS, SCALE_NONE_12M, SCALE_WORDS, INTERACTION_NEW, INTERACTION_NO_CADENCE, INTERACTION_90D,
         INTERACTION_SINCE, COMPLAINTS_NONE, COMPLAINTS_WORDS, SATISFACTION_NONE, SATISFACTION_WORDS, NO_ORDERS,
         NO_RECEIVABLE, PAYMENT_WORDS, TREND_TOO_NEW, TREND_NO_CONTACT, TREND_FROM_NONE, TREND_STEADY, TREND_FALLING,
         REASON_AT_RISK, REASON_BECAME_AT_RISK, REASON_DROP, REASON_HALVED, REASON_HALVED_EXPECTED)
# What each placeholder may hold when a stored text is matched: numbers and amounts, a grade code, a level.
_PARAM_PATTERNS = {"grade": r"[^，、（）\s]+?", "level": r"[^，、（）\s]+?", "detail": r".+"}
_NUMBER = r"-?[0-9][0-9,]*(?:\.[0-9]+)?"
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def words(msgid: str, **params) -> str:
    """The stored (简体) text of one of WORDS."""
    return msgid % params if params else msgid


def _pattern(msgid: str) -> re.Pattern:
    parts, start = [], 0
    for match in _PLACEHOLDER.finditer(msgid):
        parts.append(re.escape(msgid[start:match.start()]))
        name = match.group(1)
        parts.append("%" if name is None else f"(?P<{name}>{_PARAM_PATTERNS.get(name, _NUMBER)})")
        start = match.end()
    parts.append(re.escape(msgid[start:]))
    return re.compile("".join(parts))


_WORD_PATTERNS = [(msgid, _pattern(msgid)) for msgid in WORDS]


def translated_words(text: str, gettext: Callable[..., str]) -> str:
    """A stored factor word or warning reason in the reader's language (`gettext` is flask_babel's):
    matched back to the msgid that made it, its level and severities translated too."""
    for msgid, pattern in _WORD_PATTERNS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        params = match.groupdict()
        if not params:
            return gettext(msgid)
        if "level" in params:
            params["level"] = gettext(params["level"])
        if "detail" in params:
            counts = []
            for item in params["detail"].split(LIST_SEPARATOR):
                severity, _space, count = item.rpartition(" ")
                counts.append(gettext(COMPLAINT_COUNT, severity=gettext(severity), count=count) if severity else item)
            params["detail"] = gettext(LIST_SEPARATOR).join(counts)
        return gettext(msgid, **params)
    return text


@dataclass(frozen=True)
class Factor:
    code: str
    value: float | None  # 0–1, None = does not apply (weighs zero)
    words: str

    @property
    def label(self) -> str:
        return FACTORS[self.code]

    @property
    def applies(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Contribution:
    factor: Factor
    weight: float  # share of the score, 0–1, after the factors that do not apply are left out
    points: float  # points this factor adds to the score

    @property
    def max_points(self) -> float:
        return self.weight * 100


@dataclass(frozen=True)
class Assessment:
    score: int | None
    level: str | None
    contributions: list[Contribution] = field(default_factory=list)


# --- the factors ----------------------------------------------------------------------------

def scale_factor(amount_12m, percentile: float | None, ever_bought: bool) -> Factor:
    """Cooperation scale: the customer's percentile (0–1] among the company's customers that bought in
    the last 12 months. A customer that never bought is not judged on it; one that stopped scores 0."""
    if percentile is None:
        if not ever_bought:
            return Factor("scale", None, words(SCALE_NO_DEALS))
        return Factor("scale", 0.0, words(SCALE_NONE_12M))
    value = min(1.0, max(0.0, float(percentile)))
    return Factor("scale", value, words(SCALE_WORDS, amount=f"{amount_12m:,.2f}", percent=round(value * 100)))


def percentile_rank(value, values: list) -> float | None:
    """Share of `values` at or below `value` (cumulative distribution); None when value is None or no values."""
    if value is None or not values:
        return None
    return sum(1 for other in values if other <= value) / len(values)


def expected_interactions(grade: str | None, cadence_days: Mapping[str, int], days_observed: int) -> int:
    """How many contacts the grade's cadence asks for in `days_observed` days (whole cadences only)."""
    days = cadence_days.get(grade or "", 0)
    if not days or days <= 0 or days_observed <= 0:
        return 0
    return days_observed // days


def observed_days(created_on: date, today: date, window_days: int = INTERACTION_WINDOW_DAYS) -> int:
    """Days of the window the customer has been on file (a new customer is judged on its own days)."""
    return max(0, min(window_days, (today - created_on).days))


def interaction_factor(count_90d: int, grade: str | None, cadence_days: Mapping[str, int], days_observed: int) -> Factor:
    """Follow-ups, revisits and care actions in the last 90 days against what the grade's cadence expects."""
    expected = expected_interactions(grade, cadence_days, days_observed)
    if expected == 0:
        if days_observed < INTERACTION_WINDOW_DAYS:
            return Factor("interaction", 1.0, words(INTERACTION_NEW, days=days_observed, count=count_90d))
        return Factor("interaction", None, words(INTERACTION_NO_CADENCE, grade=grade or "—"))
    value = min(1.0, count_90d / expected)
    if days_observed >= INTERACTION_WINDOW_DAYS:
        return Factor("interaction", value, words(INTERACTION_90D, count=count_90d, grade=grade, expected=expected))
    return Factor("interaction", value, words(INTERACTION_SINCE, days=days_observed, count=count_90d, grade=grade,
                                             expected=expected))


def complaint_load(counts_by_severity: Mapping[str, int]) -> float:
    return sum(COMPLAINT_SEVERITY_WEIGHTS.get(severity, COMPLAINT_SEVERITY_WEIGHTS["一般"]) * count
               for severity, count in counts_by_severity.items())


def complaints_factor(counts_by_severity: Mapping[str, int]) -> Factor:
    """Complaint tickets received in the last 180 days, weighted by severity."""
    total = sum(counts_by_severity.values())
    if not total:
        return Factor("complaints", 1.0, words(COMPLAINTS_NONE))
    value = max(0.0, 1.0 - complaint_load(counts_by_severity))
    detail = LIST_SEPARATOR.join(words(COMPLAINT_COUNT, severity=severity, count=counts_by_severity[severity])
                                 for severity in COMPLAINT_SEVERITY_WEIGHTS if counts_by_severity.get(severity))
    return Factor("complaints", round(value, 4), words(COMPLAINTS_WORDS, total=total, detail=detail))


def satisfaction_factor(mean_score: float | None, scored: int) -> Factor:
    """Mean satisfaction (1–5) of the revisits of the last 180 days; none scored: does not apply."""
    if mean_score is None or not scored:
        return Factor("satisfaction", None, words(SATISFACTION_NONE))
    value = min(1.0, max(0.0, (float(mean_score) - 1) / 4))
    return Factor("satisfaction", value, words(SATISFACTION_WORDS, count=scored, mean=f"{float(mean_score):.1f}"))


def payment_factor(overdue_amount=None, receivable=None) -> Factor:
    """Overdue receivables against what is receivable; a customer without orders has no payment record to judge."""
    if receivable is None:
        return Factor("payment", None, words(NO_ORDERS))
    if not receivable:
        return Factor("payment", 1.0, words(NO_RECEIVABLE))
    value = max(0.0, 1.0 - float(overdue_amount or 0) / float(receivable))
    return Factor("payment", value, words(PAYMENT_WORDS, overdue=f"{overdue_amount:,.2f}", receivable=f"{receivable:,.2f}"))


def trend_factor(last_90d: int, previous_90d: int, days_on_file: int) -> Factor:
    """Interactions of the last 90 days against the 90 before; steady or rising is full marks."""
    if days_on_file < 2 * INTERACTION_WINDOW_DAYS:
        return Factor("trend", None, words(TREND_TOO_NEW))
    if previous_90d == 0:
        if last_90d == 0:
            return Factor("trend", None, words(TREND_NO_CONTACT))
        return Factor("trend", 1.0, words(TREND_FROM_NONE, last=last_90d))
    ratio = last_90d / previous_90d
    if ratio >= 1:
        return Factor("trend", 1.0, words(TREND_STEADY, last=last_90d, previous=previous_90d))
    return Factor("trend", ratio, words(TREND_FALLING, last=last_90d, previous=previous_90d,
                                        percent=round((1 - ratio) * 100)))


# --- score and level ------------------------------------------------------------------------

def normalized_weights(weights: Mapping[str, float], factors: list[Factor]) -> dict[str, float]:
    """Each applying factor's share of the score; factors that do not apply (or weigh 0) get 0."""
    usable = {f.code: max(0.0, float(weights.get(f.code, 0))) for f in factors if f.applies}
    total = sum(usable.values())
    return {f.code: (usable.get(f.code, 0.0) / total if total else 0.0) for f in factors}


def assess(factors: list[Factor], weights: Mapping[str, float], thresholds: Mapping[str, int]) -> Assessment:
    """The weighted score 0–100 (half rounds up) and its level; None when no weighted factor applies."""
    shares = normalized_weights(weights, factors)
    contributions = [Contribution(f, shares[f.code], shares[f.code] * 100 * (f.value or 0.0)) for f in factors]
    if not any(shares.values()):
        return Assessment(None, None, contributions)
    score = int(math.floor(sum(c.points for c in contributions) + 0.5 + 1e-9))
    return Assessment(score, level_for(score, thresholds), contributions)


def level_for(score: int | None, thresholds: Mapping[str, int] = DEFAULT_THRESHOLDS) -> str | None:
    """健康 at or above the healthy threshold, 关注 at or above the watch threshold, else 风险."""
    if score is None:
        return None
    if score >= thresholds["healthy"]:
        return HEALTHY
    if score >= thresholds["watch"]:
        return WATCH
    return AT_RISK


def _as_stored(message: str, **params) -> str:
    return words(message, **params)


def contribution_words(contribution: Contribution, gettext: Callable[..., str] = _as_stored) -> str:
    """One factor's line on the customer page: what it counted and what it added (in the reader's
    language when `gettext` is flask_babel's)."""
    factor = contribution.factor
    shown = factor.words if gettext is _as_stored else translated_words(factor.words, gettext)
    if not factor.applies or not contribution.weight:
        return gettext(LINE_NOT_WEIGHED, factor=gettext(factor.label), words=shown)
    return gettext(LINE_WEIGHED, factor=gettext(factor.label), words=shown, points=f"{contribution.points:.0f}",
                   max=f"{contribution.max_points:.0f}")


# --- churn warning --------------------------------------------------------------------------

def roll_peak(peak: int | None, peak_on: date | None, score: int | None, today: date) -> tuple[int | None, date | None]:
    """The highest score of the last 30 days, kept on the customer's health row.

    When the kept peak is older than the window it restarts from today's score (the scores between are
    not stored), so a fall is measured against a peak at most 30 days old."""
    if score is None:
        return peak, peak_on
    if peak is None or peak_on is None or peak_on < today - timedelta(days=DROP_WINDOW_DAYS) or score >= peak:
        return score, today
    return peak, peak_on


def warning_reasons(*, level: str | None, previous_level: str | None, score: int | None, peak_30d: int | None,
                    last_90d: int, previous_90d: int, grade: str | None = None, expected_90d: int = 0) -> list[str]:
    """Why this customer is at risk of churning, in words; empty when no trigger holds.

    Triggers: the level is 风险 (it became so, or stays so in the same episode), the score fell 15+
    points from its peak of the last 30 days, interaction fell by half against the previous 90 days."""
    reasons = []
    if level == AT_RISK:
        if previous_level and previous_level != AT_RISK:
            reasons.append(words(REASON_BECAME_AT_RISK, score=score, level=previous_level))
        else:
            reasons.append(words(REASON_AT_RISK, score=score))
    if score is not None and peak_30d is not None and peak_30d - score >= DROP_POINTS:
        reasons.append(words(REASON_DROP, peak=peak_30d, score=score, points=peak_30d - score))
    if previous_90d >= HALVED_MIN_PREVIOUS and last_90d * 2 <= previous_90d:
        if grade and expected_90d:
            reasons.append(words(REASON_HALVED_EXPECTED, last=last_90d, previous=previous_90d, grade=grade,
                                 expected=expected_90d))
        else:
            reasons.append(words(REASON_HALVED, last=last_90d, previous=previous_90d))
    return reasons


def became_at_risk(previous_level: str | None, level: str | None) -> bool:
    return level == AT_RISK and previous_level != AT_RISK


def escalation_due_on(raised_on: date, add_workdays, workdays: int = ESCALATION_WORKDAYS) -> date:
    """Last working day the owner has to handle a warning; `add_workdays` is WorkCalendar.add_workdays."""
    return add_workdays(raised_on, workdays)


def is_escalated(raised_on: date, handled: bool, today: date, add_workdays, workdays: int = ESCALATION_WORKDAYS) -> bool:
    """Unhandled after 5 working days (holidays and 调休 counted by the calendar) it reaches the supervisor."""
    return not handled and today > escalation_due_on(raised_on, add_workdays, workdays)


def level_moves(current: Mapping[int, int | None], thresholds_now: Mapping[str, int],
                thresholds_new: Mapping[str, int]) -> dict[tuple[str | None, str | None], int]:
    """How many customers would move between levels if the thresholds changed (the 规则设置 preview)."""
    moves: dict[tuple[str | None, str | None], int] = {}
    for score in current.values():
        before, after = level_for(score, thresholds_now), level_for(score, thresholds_new)
        if before != after:
            moves[(before, after)] = moves.get((before, after), 0) + 1
    return moves
