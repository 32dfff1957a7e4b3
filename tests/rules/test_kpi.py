"""KPI arithmetic against hand-computed figures."""

from decimal import Decimal

import pytest

from portal.rules.kpi import (
    DEFAULT_KPI_WEIGHTS,
    KPI_CODES,
    KPI_DEFINITIONS,
    format_percent,
    format_score,
    growth,
    mean,
    rank,
    ratio,
    score_points,
    weighted_score,
)

D = Decimal


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (5, 6, D(5) / D(6)),
        (3, 4, D("0.75")),
        (0, 7, D(0)),
        (4, 4, D(1)),
        (D("1.5"), 3, D("0.5")),
        (3, 0, None),
        (0, 0, None),
        (3, D("0.00"), None),
    ],
)
def test_ratio(numerator, denominator, expected):
    assert ratio(numerator, denominator) == expected


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (120, 100, D("0.2")),
        (80, 100, D("-0.2")),
        (100, 100, D(0)),
        (0, 100, D(-1)),
        (D("150000.00"), D("100000.00"), D("0.5")),
        (5, 0, None),
        (0, 0, None),
    ],
)
def test_growth(current, previous, expected):
    assert growth(current, previous) == expected


def test_mean():
    assert mean(13, 3) == D(13) / D(3)
    assert mean(D("17.5"), 5) == D("3.5")
    assert mean(0, 0) is None


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D(5) / D(6), 1, "83.3%"),
        (D(5) / D(6), 0, "83%"),
        (D(5) / D(6), 2, "83.33%"),
        (D("0.8335"), 1, "83.4%"),  # half up
        (D("0.8325"), 1, "83.3%"),
        (D("0.83249"), 2, "83.25%"),
        (D(1), 1, "100.0%"),
        (D(0), 1, "0.0%"),
        (D("-0.2"), 1, "-20.0%"),
        (D("-0.0001"), 1, "0.0%"),
        (D("1.5"), 1, "150.0%"),
        (None, 1, "—"),
    ],
)
def test_format_percent(value, places, text):
    assert format_percent(value, places) == text


def test_format_percent_default_places():
    assert format_percent(D(2) / D(3)) == "66.7%"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("86.45"), 1, "86.5"),
        (D("86.44"), 1, "86.4"),
        (D(100), 1, "100.0"),
        (D(13) / D(3), 2, "4.33"),
        (D("4.335"), 2, "4.34"),
        (D("76.4705"), 0, "76"),
        (D("-0.01"), 1, "0.0"),
        (None, 1, "—"),
    ],
)
def test_format_score(value, places, text):
    assert format_score(value, places) == text


def test_format_score_default_places():
    assert format_score(D(6500) / D(85)) == "76.5"


@pytest.mark.parametrize(
    ("code", "value", "points"),
    [
        ("satisfaction", D("4.5"), D(90)),
        ("satisfaction", D(5), D(100)),
        ("satisfaction", D(1), D(20)),
        ("retention", D("0.8"), D(80)),
        ("spot_check_pass", D(1), D(100)),
        ("complaint_rate", D("0.05"), D(95)),
        ("complaint_rate", D(0), D(100)),
        ("complaint_rate", D("1.5"), D(0)),  # more complaints than customers: floor at 0
        ("growth", D(0), D(50)),
        ("growth", D("0.2"), D(60)),
        ("growth", D("-0.5"), D(25)),
        ("growth", D(1), D(100)),
        ("growth", D("1.5"), D(100)),
        ("growth", D(-2), D(0)),
        ("completeness", None, None),
    ],
)
def test_score_points(code, value, points):
    assert score_points(code, value) == points


def test_weighted_score_simple():
    assert weighted_score({"a": D(80), "b": D(60)}, {"a": 3, "b": 1}) == D(75)
    assert weighted_score({"a": D(80), "b": D(60)}, {"a": 0.3, "b": 0.1}) == D(75)
    assert weighted_score({"a": D(80), "b": D(60)}, {"a": D("0.3"), "b": D("0.1")}) == D(75)


def test_missing_kpis_drop_out_and_weights_renormalise():
    assert weighted_score({"a": D(80), "b": None}, {"a": 3, "b": 1}) == D(80)
    assert weighted_score({"a": D(80)}, {"a": 3, "b": 1}) == D(80)
    assert weighted_score({"a": D(80), "b": D(60)}, {"a": 0, "b": 1}) == D(60)
    assert weighted_score({"a": D(80), "c": D(10)}, {"a": 1}) == D(80)  # unweighted KPI ignored
    assert weighted_score({"a": None, "b": None}, {"a": 3, "b": 1}) is None
    assert weighted_score({}, {}) is None


def test_weighted_score_with_default_weights_by_hand():
    values = {
        "satisfaction": D(90),
        "retention": D(80),
        "complaint_rate": D(95),
        "growth": D(60),
        "completeness": D(70),
        "revisit_completion": D(100),
        "resolution_rate": D(50),
        "timeliness_sla": None,
        "conversion": D(40),
        "followup_timeliness": D(75),
        "spot_check_pass": None,
    }
    # 90×15 + 80×10 + 95×10 + 60×10 + 70×5 + 100×10 + 50×10 + 40×5 + 75×10 = 6500 over weight 85.
    score = weighted_score(values, DEFAULT_KPI_WEIGHTS)
    assert score == D(6500) / D(85)
    assert format_score(score) == "76.5"


def test_perfect_scores_give_100():
    assert weighted_score({code: D(100) for code in KPI_CODES}, DEFAULT_KPI_WEIGHTS) == D(100)


def test_negative_weight_is_rejected():
    with pytest.raises(ValueError, match="negative weight"):
        weighted_score({"a": D(80)}, {"a": -1})


def test_rank_is_competition_ranking():
    scores = {"a": D(90), "b": D(85), "c": D("85.0"), "d": D(70), "e": None, "f": D(95)}
    assert rank(scores) == {"a": 2, "b": 3, "c": 3, "d": 5, "e": None, "f": 1}
    assert list(rank(scores)) == list(scores)


def test_rank_edge_cases():
    assert rank({}) == {}
    assert rank({1: None, 2: None}) == {1: None, 2: None}
    assert rank({1: D(50), 2: D(50), 3: D(50)}) == {1: 1, 2: 1, 3: 1}
    assert rank({1: D("85.04"), 2: D("84.96")}) == {1: 1, 2: 2}  # exact, not display, comparison
    assert rank({1: D(0), 2: D(-1), 3: None}) == {1: 1, 2: 2, 3: None}


def test_kpi_catalogue():
    assert KPI_CODES == (
        "satisfaction",
        "retention",
        "complaint_rate",
        "growth",
        "completeness",
        "revisit_completion",
        "resolution_rate",
        "timeliness_sla",
        "conversion",
        "followup_timeliness",
        "spot_check_pass",
        "collection_rate",
        "target_completion",
    )
    names = [KPI_DEFINITIONS[code][0] for code in KPI_CODES]
    assert names == [
        "客户满意度",
        "客户留存率",
        "客户投诉率",
        "业务增长率",
        "信息完整率",
        "回访完成率",
        "问题解决率",
        "处理及时率",
        "业务转化率",
        "跟进及时率",
        "抽查合格率",
        "回款率",
        "目标完成率",
    ]
    assert all(definition.endswith("。") for _, definition in KPI_DEFINITIONS.values())


def test_default_weights_cover_every_kpi_and_sum_to_100():
    assert set(DEFAULT_KPI_WEIGHTS) == set(KPI_CODES)
    assert sum(DEFAULT_KPI_WEIGHTS.values()) == 100
    # The selling KPIs (issue 13) start unweighted: the admin weighs them in, so no existing score moves.
    selling = {"collection_rate", "target_completion"}
    assert all(weight > 0 for code, weight in DEFAULT_KPI_WEIGHTS.items() if code not in selling)
    assert all(DEFAULT_KPI_WEIGHTS[code] == 0 for code in selling)
