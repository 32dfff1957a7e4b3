"""The opportunity funnel (DESIGN.md "Opportunities"): stage probabilities, weighted pipeline,
conversion between consecutive stages, 丢单率 and days to win. Values in, values out; no app."""
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

OPEN_STAGES = ("初步接洽", "需求确认", "方案报价", "商务谈判")
WON, LOST = "赢单", "输单"
STAGES = OPEN_STAGES + (WON, LOST)
DEFAULT_STAGE_PROBABILITIES: dict[str, int] = {
    "初步接洽": 10, "需求确认": 30, "方案报价": 50, "商务谈判": 70, WON: 100, LOST: 0,
}
CENT = Decimal("0.01")


def probability(stage: str, probabilities: Mapping[str, int | float] | None = None) -> Decimal:
    """Win probability of a stage as a fraction (0.5 for 50 %); admin settings over the defaults."""
    table = {**DEFAULT_STAGE_PROBABILITIES, **(probabilities or {})}
    if stage not in table:
        raise KeyError(stage)
    return Decimal(str(table[stage])) / 100


def weighted_amount(amount: Decimal, stage: str, probabilities: Mapping | None = None) -> Decimal:
    """Expected amount × the stage's probability, to the cent."""
    return (amount * probability(stage, probabilities)).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_pipeline(rows: Iterable[tuple[str, Decimal]], probabilities: Mapping | None = None) -> Decimal:
    """Σ expected amount × probability over (stage, expected amount) rows. Closed stages count at
    their probability too (赢单 100 %, 输单 0 %), so pass only the rows the caller means to forecast."""
    return sum((weighted_amount(amount, stage, probabilities) for stage, amount in rows), Decimal("0.00"))


def reached_counts(furthest_stage_counts: Mapping[str, int]) -> dict[str, int]:
    """How many opportunities reached each open stage or beyond, from counts by the furthest stage
    reached (a won one reached every stage; a lost one the stage it was lost at, passed in by the caller
    as that stage's count)."""
    reached = {}
    running = furthest_stage_counts.get(WON, 0)
    for stage in reversed(OPEN_STAGES):
        running += furthest_stage_counts.get(stage, 0)
        reached[stage] = running
    reached[WON] = furthest_stage_counts.get(WON, 0)
    return {stage: reached[stage] for stage in OPEN_STAGES + (WON,)}


def conversion_rates(reached: Mapping[str, int]) -> dict[str, Decimal | None]:
    """Conversion from each stage to the next (初步接洽→需求确认 … 商务谈判→赢单), keyed by the later
    stage; None where nobody reached the earlier stage."""
    order = OPEN_STAGES + (WON,)
    rates: dict[str, Decimal | None] = {}
    for earlier, later in zip(order, order[1:]):
        base = reached.get(earlier, 0)
        rates[later] = ratio(reached.get(later, 0), base)
    return rates


def loss_rate(won: int, lost: int) -> Decimal | None:
    """丢单率 = lost ÷ (won + lost) in the period; None when nothing closed."""
    return ratio(lost, won + lost)


def ratio(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def average_days_to_win(pairs: Iterable[tuple[date, date]]) -> Decimal | None:
    """Mean days from creation to winning over (created_on, won_on) pairs, one decimal; None if none."""
    days = [(won - created).days for created, won in pairs]
    if not days:
        return None
    return (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def ranked_loss_reasons(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Loss reasons, most frequent first; ties in the order of the reason list."""
    order = ("价格", "功能", "竞品", "关系", "时机", "其他")
    return sorted(((reason, n) for reason, n in counts.items() if n),
                  key=lambda pair: (-pair[1], order.index(pair[0]) if pair[0] in order else len(order)))
