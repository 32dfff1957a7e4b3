"""Attribution of leads, opportunities and orders to marketing activities, and the effect figures.

Plain functions, no Flask: attendances and outcomes in, the activity each outcome counts for out.

The rule (DESIGN.md "Marketing activities"): an outcome (a new lead, an opportunity, an order) counts
for at most one activity — the most recent one its customer attended on or before the outcome's date,
within the attribution window (default 90 days). An activity "happened" on its start date, so a lead
registered on the second day of a three-day fair still counts for that fair. A lead whose file was
opened at an activity (现场登记) counts for that activity when it is a candidate at all.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_WINDOW_DAYS = 90
LEAD, OPPORTUNITY, ORDER = "lead", "opportunity", "order"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Attendance:
    """A customer attended an activity that started on `on`."""

    customer_id: int
    activity_id: int
    on: date


@dataclass(frozen=True)
class Outcome:
    """Something an activity may have brought: a lead (a new customer file, dated when it was opened),
    an opportunity or an order (dated when first recorded), with its amount and gross profit."""

    kind: str
    key: int
    customer_id: int
    on: date
    amount: Decimal = Decimal("0")
    gross_profit: Decimal = Decimal("0")
    source_activity_id: int | None = None


def attribute(outcomes: Iterable[Outcome], attendances: Iterable[Attendance],
              window_days: int = DEFAULT_WINDOW_DAYS) -> dict[tuple[str, int], int]:
    """(kind, key) → the one activity the outcome counts for; outcomes with no candidate are left out."""
    by_customer: dict[int, list[Attendance]] = defaultdict(list)
    for attendance in attendances:
        by_customer[attendance.customer_id].append(attendance)
    result = {}
    for outcome in outcomes:
        candidates = [a for a in by_customer.get(outcome.customer_id, ())
                      if a.on <= outcome.on and (outcome.on - a.on).days <= window_days]
        if not candidates:
            continue
        chosen = next((a for a in candidates if a.activity_id == outcome.source_activity_id), None)
        if chosen is None:
            chosen = max(candidates, key=lambda a: (a.on, a.activity_id))
        result[(outcome.kind, outcome.key)] = chosen.activity_id
    return result


def cost_per_lead(cost: Decimal, leads: int) -> Decimal | None:
    """Cost ÷ new leads, to the cent; None without leads."""
    if not leads:
        return None
    return (Decimal(cost) / leads).quantize(CENT, ROUND_HALF_UP)


def roi(gross_profit: Decimal, cost: Decimal) -> Decimal | None:
    """ROI = (attributed gross profit − cost) ÷ cost, as a fraction to four places; None without cost."""
    if not cost:
        return None
    return ((Decimal(gross_profit) - Decimal(cost)) / Decimal(cost)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def conversion(orders_from_leads: int, leads: int) -> Decimal | None:
    """Lead-to-order conversion as a fraction; None without leads."""
    if not leads:
        return None
    return (Decimal(orders_from_leads) / leads).quantize(Decimal("0.0001"), ROUND_HALF_UP)


@dataclass
class Effect:
    """One activity's effect figures."""

    activity_id: int
    attendees: int = 0
    cost: Decimal = Decimal("0")
    leads: int = 0
    lead_customer_ids: list[int] = field(default_factory=list)
    opportunities: int = 0
    opportunity_amount: Decimal = Decimal("0")
    orders: int = 0
    order_amount: Decimal = Decimal("0")
    gross_profit: Decimal = Decimal("0")
    order_customer_ids: set[int] = field(default_factory=set)
    # Counted by the database when the figures come from the maintained table (no customer ids read).
    converted: int | None = None

    @property
    def converted_leads(self) -> int:
        """Leads of this activity whose customer also has an order attributed to it."""
        if self.converted is not None:
            return self.converted
        return len(set(self.lead_customer_ids) & self.order_customer_ids)

    @property
    def cost_per_lead(self) -> Decimal | None:
        return cost_per_lead(self.cost, self.leads)

    @property
    def roi(self) -> Decimal | None:
        return roi(self.gross_profit, self.cost)

    def add(self, kind: str, number: int, amount: Decimal = Decimal("0"), gross_profit: Decimal = Decimal("0")) -> None:
        """Add `number` outcomes of one kind attributed to this activity, with their total amount and profit."""
        if kind == LEAD:
            self.leads += number
        elif kind == OPPORTUNITY:
            self.opportunities += number
            self.opportunity_amount += amount
        elif kind == ORDER:
            self.orders += number
            self.order_amount += amount
            self.gross_profit += gross_profit


def effects(activity_ids: Iterable[int], attendees: dict[int, int], costs: dict[int, Decimal],
            outcomes: Iterable[Outcome], attendances: Iterable[Attendance],
            window_days: int = DEFAULT_WINDOW_DAYS) -> dict[int, Effect]:
    """Per activity: attendees and cost as given, plus the outcomes attributed to it."""
    outcomes = list(outcomes)
    result = {activity_id: Effect(activity_id, attendees.get(activity_id, 0), Decimal(costs.get(activity_id, 0)))
              for activity_id in activity_ids}
    owner = attribute(outcomes, attendances, window_days)
    for outcome in outcomes:
        effect = result.get(owner.get((outcome.kind, outcome.key)))
        if effect is None:
            continue
        effect.add(outcome.kind, 1, outcome.amount, outcome.gross_profit)
        if outcome.kind == LEAD:
            effect.lead_customer_ids.append(outcome.customer_id)
        elif outcome.kind == ORDER:
            effect.order_customer_ids.add(outcome.customer_id)
    return result


@dataclass
class StaffReview:
    """The marketing staff member's review figures over their activities in a period."""

    owner_id: int | None
    activities_held: int = 0
    attendees: int = 0
    leads: int = 0
    converted_leads: int = 0
    cost: Decimal = Decimal("0")
    activity_ids: list[int] = field(default_factory=list)

    @property
    def cost_per_lead(self) -> Decimal | None:
        return cost_per_lead(self.cost, self.leads)

    @property
    def conversion(self) -> Decimal | None:
        return conversion(self.converted_leads, self.leads)


def staff_reviews(rows: Iterable[tuple[int | None, bool, Effect]]) -> list[StaffReview]:
    """Per owner: activities held (finished ones), attendees, leads, lead-to-order conversion, cost and
    cost per lead, from (owner id, held?, effect) rows."""
    reviews: dict[int | None, StaffReview] = {}
    for owner_id, held, effect in rows:
        review = reviews.setdefault(owner_id, StaffReview(owner_id))
        review.activities_held += 1 if held else 0
        review.attendees += effect.attendees
        review.leads += effect.leads
        review.converted_leads += effect.converted_leads
        review.cost += effect.cost
        review.activity_ids.append(effect.activity_id)
    return list(reviews.values())
