"""Attribution of leads/opportunities/orders to activities, and the effect arithmetic, on a hand-built fixture."""
from datetime import date
from decimal import Decimal

from portal.rules.attribution import (
    LEAD,
    OPPORTUNITY,
    ORDER,
    Attendance,
    Outcome,
    attribute,
    conversion,
    cost_per_lead,
    effects,
    roi,
)

FAIR, SALON, WEBINAR = 1, 2, 3
# Customer 10 went to the fair (03-01) and the salon (04-10); customer 11 only to the fair;
# customer 12 only to the webinar (01-05).
ATTENDED = [
    Attendance(10, FAIR, date(2026, 3, 1)),
    Attendance(10, SALON, date(2026, 4, 10)),
    Attendance(11, FAIR, date(2026, 3, 1)),
    Attendance(12, WEBINAR, date(2026, 1, 5)),
]


def test_most_recent_attended_activity_before_the_outcome_wins():
    before_salon = Outcome(ORDER, 1, 10, date(2026, 4, 1), Decimal("1000"))
    after_salon = Outcome(ORDER, 2, 10, date(2026, 4, 20), Decimal("1000"))
    assert attribute([before_salon, after_salon], ATTENDED) == {(ORDER, 1): FAIR, (ORDER, 2): SALON}


def test_one_outcome_counts_for_one_activity_only():
    outcome = Outcome(ORDER, 1, 10, date(2026, 5, 1), Decimal("500"))
    result = effects([FAIR, SALON], {}, {}, [outcome], ATTENDED)
    assert (result[FAIR].orders, result[SALON].orders) == (0, 1)


def test_window_edges():
    on_last_day = Outcome(ORDER, 1, 11, date(2026, 5, 30), Decimal("1"))  # 90 days after 03-01
    one_day_late = Outcome(ORDER, 2, 11, date(2026, 5, 31), Decimal("1"))
    same_day = Outcome(LEAD, 11, 11, date(2026, 3, 1))
    before_activity = Outcome(ORDER, 3, 11, date(2026, 2, 28), Decimal("1"))
    assert attribute([on_last_day, one_day_late, same_day, before_activity], ATTENDED) == {
        (ORDER, 1): FAIR, (LEAD, 11): FAIR}
    # A shorter window (admin setting) drops the late order.
    assert attribute([on_last_day], ATTENDED, window_days=30) == {}


def test_an_outcome_of_a_customer_who_attended_nothing_is_not_attributed():
    assert attribute([Outcome(ORDER, 1, 99, date(2026, 3, 2), Decimal("1"))], ATTENDED) == {}


def test_a_walk_in_lead_counts_for_the_activity_where_its_file_was_opened():
    # Customer 10 registered on the salon day but the file was opened at the fair's follow-up stand:
    # the source activity is a candidate, so it wins over the more recent one.
    lead = Outcome(LEAD, 10, 10, date(2026, 4, 10), source_activity_id=FAIR)
    assert attribute([lead], ATTENDED) == {(LEAD, 10): FAIR}
    # A source that is not a candidate (outside the window) does not force attribution.
    late = Outcome(LEAD, 12, 12, date(2026, 6, 1), source_activity_id=WEBINAR)
    assert attribute([late], ATTENDED) == {}


def test_effect_arithmetic_on_a_hand_built_fixture():
    outcomes = [
        Outcome(LEAD, 11, 11, date(2026, 3, 1)),
        Outcome(LEAD, 10, 10, date(2026, 3, 2)),
        Outcome(OPPORTUNITY, 7, 11, date(2026, 3, 10), Decimal("50000.00")),
        Outcome(ORDER, 1, 11, date(2026, 3, 20), Decimal("30000.00"), Decimal("9000.00")),
        Outcome(ORDER, 2, 10, date(2026, 3, 25), Decimal("20000.00"), Decimal("7000.00")),
    ]
    result = effects([FAIR, SALON, WEBINAR], {FAIR: 40, SALON: 12}, {FAIR: Decimal("12000.00")}, outcomes, ATTENDED)
    fair = result[FAIR]
    assert (fair.attendees, fair.leads, fair.opportunities, fair.orders) == (40, 2, 1, 2)
    assert fair.opportunity_amount == Decimal("50000.00")
    assert fair.order_amount == Decimal("50000.00")
    assert fair.gross_profit == Decimal("16000.00")
    assert fair.cost_per_lead == Decimal("6000.00")
    # (16,000 − 12,000) ÷ 12,000 = 0.3333
    assert fair.roi == Decimal("0.3333")
    assert result[SALON].roi is None and result[SALON].cost_per_lead is None
    assert sorted(fair.lead_customer_ids) == [10, 11]


def test_roi_and_cost_per_lead_functions():
    assert roi(Decimal("30000"), Decimal("10000")) == Decimal("2.0000")
    assert roi(Decimal("5000"), Decimal("10000")) == Decimal("-0.5000")
    assert roi(Decimal("5000"), Decimal("0")) is None
    assert cost_per_lead(Decimal("100.00"), 3) == Decimal("33.33")
    assert cost_per_lead(Decimal("100.00"), 0) is None
    assert conversion(1, 4) == Decimal("0.2500")
    assert conversion(1, 0) is None


def test_staff_review_adds_up_activities_leads_conversion_and_cost_per_lead():
    from portal.rules.attribution import Effect, staff_reviews

    fair = Effect(1, attendees=40, cost=Decimal("12000"), leads=3, lead_customer_ids=[10, 11, 12],
                  order_customer_ids={11, 99})
    salon = Effect(2, attendees=10, cost=Decimal("3000"), leads=2, lead_customer_ids=[20, 21], order_customer_ids={21})
    planned = Effect(3)
    [mine, theirs] = staff_reviews([(7, True, fair), (7, False, planned), (8, True, salon)])
    assert (mine.owner_id, mine.activities_held, mine.attendees, mine.leads, mine.converted_leads) == (7, 1, 40, 3, 1)
    assert mine.cost_per_lead == Decimal("4000.00") and mine.conversion == Decimal("0.3333")
    assert mine.activity_ids == [1, 3]
    assert (theirs.cost_per_lead, theirs.conversion) == (Decimal("1500.00"), Decimal("0.5000"))
