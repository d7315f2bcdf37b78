"""The 13-factor rubric: hand-scored customers, bands, weights, files, AHP, bad input."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamcore import Portfolio
from kamcore._portfolio import CUSTOMER_FACT_COLUMNS
from kamcore.domain import (
    CooperationLength,
    CreditRecord,
    Customer,
    IndustryStanding,
    LossImpact,
    LoyaltyLevel,
    Money,
    ProductImportance,
    Prospects,
    RelationshipDepth,
    StrategicFit,
    SupplyShare,
)
from kamcore.errors import (
    CurrencyMismatchError,
    InvalidParameterError,
    SchemaError,
    ShapeMismatchError,
    UnknownNameError,
)
from kamcore.io import json as kjson
from kamcore.scoring import Factor, GradeScale, Rubric, RubricScorer, get_scorer, rubric_scorer
from kamcore.testing import check_scorer

AS_OF = "2025-12-31"


def _customers() -> list[Customer]:
    cny = "CNY"
    return [
        # levels: profit 1 (> 300k), sales 1 (> 1M), expected 2 (500k-1M), facts as listed
        Customer(
            "acme",
            "Acme",
            profit_last_year=Money.of(450_000, cny),
            sales_last_year=Money.of(2_500_000, cny),
            expected_sales=Money.of(800_000, cny),
            credit_record=CreditRecord.PAYS_PER_CONTRACT,  # 1
            loyalty=LoyaltyLevel.MOSTLY,  # 2
            product_importance=ProductImportance.KEY_COMPONENT,  # 1
            industry_standing=IndustryStanding.REGIONAL,  # 2
            cooperation=CooperationLength.OVER_5_YEARS,  # 1
            supply_share=SupplyShare.LARGEST_SHARE,  # 2
            relationship_depth=RelationshipDepth.MIDDLE_CLOSE,  # 2
            prospects=Prospects.TWO_OR_THREE,  # 2
            loss_impact=LossImpact.COSTLY,  # 2
            strategic_fit=StrategicFit.SUPPORTS_GROWTH,  # 1
        ),
        # profit 150k -> level 2 ("100k-300k"); sales exactly 500k -> level 3
        # (must be strictly above 500k for level 2); expected 40k -> level 4
        Customer(
            "bolt",
            "Bolt",
            profit_last_year=Money.of(150_000, cny),
            sales_last_year=Money.of(500_000, cny),
            expected_sales=Money.of(40_000, cny),
            credit_record=CreditRecord.HARD_TO_COLLECT,  # 3
            loyalty=LoyaltyLevel.OFTEN_SWITCHES,  # 3
            product_importance=ProductImportance.FUNCTIONAL,  # 3
            industry_standing=IndustryStanding.LOCAL,  # 3
            cooperation=CooperationLength.YEARS_1_TO_3,  # 3
            supply_share=SupplyShare.SIMILAR_SHARE,  # 3
            relationship_depth=RelationshipDepth.OPERATORS_ONLY,  # 4
            prospects=Prospects.ONE,  # 3
            loss_impact=LossImpact.SMALL,  # 3
            strategic_fit=StrategicFit.ROUGHLY_CONSISTENT,  # 3
        ),
        # a loss-making, tiny account: every factor at level 4
        Customer(
            "cord",
            "Cord",
            profit_last_year=Money.of(-5_000, cny),
            sales_last_year=Money.of(10_000, cny),
            expected_sales=Money.of(0, cny),
            credit_record=CreditRecord.UNCOLLECTABLE,
            loyalty=LoyaltyLevel.OCCASIONAL,
            product_importance=ProductImportance.MARGINAL,
            industry_standing=IndustryStanding.LITTLE,
            cooperation=CooperationLength.UNDER_1_YEAR,
            supply_share=SupplyShare.BACKUP,
            relationship_depth=RelationshipDepth.OPERATORS_ONLY,
            prospects=Prospects.NONE,
            loss_impact=LossImpact.NONE,
            strategic_fit=StrategicFit.INCONSISTENT,
        ),
    ]


def test_default_rubric_reproduces_hand_scored_customers() -> None:
    p = Portfolio.from_customers(_customers())
    r = get_scorer("rubric").score(p, as_of=AS_OF)
    # points = 5 - level, weights 1/13 each
    acme_levels = [1, 1, 2, 1, 2, 1, 2, 1, 2, 2, 2, 2, 1]
    bolt_levels = [2, 3, 4, 3, 3, 3, 3, 3, 3, 4, 3, 3, 3]
    acme = sum(5 - lv for lv in acme_levels) / 13  # 45 / 13 = 3.4615 -> A (>= 3.25)
    bolt = sum(5 - lv for lv in bolt_levels) / 13  # 25 / 13 = 1.9231 -> C (>= 1.75)
    cord = 13 / 13  # 1.0 -> D
    assert acme == pytest.approx(45 / 13)
    assert bolt == pytest.approx(25 / 13)
    np.testing.assert_allclose(r.scores, [acme, bolt, cord], rtol=1e-12)
    assert r.grades is not None
    assert r.grades.tolist() == ["A", "C", "D"]
    assert r.extras["levels"][0].tolist() == acme_levels
    assert r.extras["levels"][1].tolist() == bolt_levels
    assert r.strategy == "rubric"
    assert str(r.as_of) == AS_OF
    assert r.params["rubric"]["name"] == "kam-13"


def test_hand_scored_with_custom_weights_and_points() -> None:
    p = Portfolio.from_customers(_customers()[:2])
    rubric = Rubric.default()
    w = [0.2, 0.1, 0.1] + [0.06] * 10
    r = rubric_scorer(weights=w).score(p, as_of=AS_OF)
    acme = 0.2 * 4 + 0.1 * 4 + 0.1 * 3 + 0.06 * (4 + 3 + 4 + 3 + 4 + 3 + 3 + 3 + 3 + 4)
    bolt = 0.2 * 3 + 0.1 * 2 + 0.1 * 1 + 0.06 * (2 + 2 + 2 + 2 + 2 + 2 + 1 + 2 + 2 + 2)
    np.testing.assert_allclose(r.scores, [acme, bolt], rtol=1e-12)
    assert rubric.weights == Rubric.default().weights  # the default is untouched


@pytest.mark.parametrize(
    ("profit", "level"),
    [
        (300_000.01, 1),
        (300_000.0, 2),
        (100_000.01, 2),
        (100_000.0, 3),
        (99_999.0, 3),
        (30_000.01, 3),
        (30_000.0, 4),
        (-1.0, 4),
    ],
)
def test_band_edges_value_at_cutoff_goes_to_worse_band(profit: float, level: int) -> None:
    f = Rubric.default().factor("profit_last_year")
    assert f.levels([profit]).tolist() == [level]


def _portfolio(levels: np.ndarray, money: np.ndarray) -> Portfolio:
    n = levels.shape[0]
    cols: dict[str, object] = {
        "profit_last_year": money[:, 0],
        "sales_last_year": money[:, 1],
        "expected_sales": money[:, 2],
    }
    for j, c in enumerate(CUSTOMER_FACT_COLUMNS):
        cols[c] = levels[:, j].astype(np.int8)
    return Portfolio.from_columns([f"c{i}" for i in range(n)], cols)


def _scalar_score(rubric: Rubric, row_money: list[float], row_levels: list[int]) -> float:
    total = 0.0
    for k, (f, w) in enumerate(zip(rubric.factors, rubric.weights, strict=True)):
        if f.bands is not None:
            v = row_money[k]
            level = len(f.points)
            for i, cut in enumerate(f.bands):  # largest first
                if v > cut:
                    level = i + 1
                    break
        else:
            level = row_levels[k - 3]
        total += w * f.points[level - 1]
    return total


money_values = st.sampled_from(
    [
        0.0,
        29_999.0,
        30_000.0,
        50_000.0,
        60_000.0,
        100_000.0,
        300_000.0,
        500_000.0,
        500_001.0,
        1e6,
        2e6,
    ]
)


@given(
    st.integers(1, 20).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(1, 4), min_size=10, max_size=10), min_size=n, max_size=n),
            st.lists(st.lists(money_values, min_size=3, max_size=3), min_size=n, max_size=n),
        )
    ),
    st.lists(st.floats(0.01, 10.0), min_size=13, max_size=13),
)
def test_vectorised_equals_scalar_reference(data: tuple[list, list], raw_w: list[float]) -> None:
    levels, money = data
    rubric = Rubric.default().with_weights(raw_w, normalize=True)
    p = _portfolio(np.array(levels), np.array(money))
    r = RubricScorer(rubric=rubric).score(p, as_of=AS_OF)
    expected = [_scalar_score(rubric, m, lv) for m, lv in zip(money, levels, strict=True)]
    np.testing.assert_allclose(r.scores, expected, rtol=1e-12)
    # better levels never lower the score
    better = np.maximum(np.array(levels) - 1, 1)
    r2 = RubricScorer(rubric=rubric).score(_portfolio(better, np.array(money)), as_of=AS_OF)
    assert np.all(r2.scores >= r.scores - 1e-12)


def test_check_scorer_default_and_nan_last() -> None:
    check_scorer(get_scorer("rubric"))
    check_scorer(get_scorer("rubric", nan_policy="last"), Portfolio.from_customers(_customers()))


def test_missing_values_raise_or_rank_last() -> None:
    cs = _customers()
    blank = Customer("dusk", "Dusk", sales_last_year=Money.of(2_000_000, "CNY"))
    p = Portfolio.from_customers([*cs, blank])
    with pytest.raises(InvalidParameterError, match=r"column profit_last_year.*nan_policy='last'"):
        get_scorer("rubric").score(p, as_of=AS_OF)
    r = get_scorer("rubric", nan_policy="last").score(p, as_of=AS_OF)
    # only sales is recorded (level 1: 4 points); the other 12 factors score their minimum (1)
    assert r.scores[-1] == pytest.approx((4 + 12 * 1) / 13)
    assert r.extras["levels"][-1].tolist() == [0, 1] + [0] * 11


def test_level_code_out_of_range_is_rejected() -> None:
    f = Factor("loyalty", (4, 3, 2, 1))
    with pytest.raises(InvalidParameterError, match=r"level code 1\.\.4 .*first at index 1: 5"):
        f.levels(np.array([1, 5, 2], dtype=np.int8))
    with pytest.raises(SchemaError, match="numeric"):
        f.levels(np.array(["a"]))


def test_weights_must_sum_to_one_unless_normalised() -> None:
    r = Rubric.default()
    with pytest.raises(InvalidParameterError, match=r"sum to 1; got 1\.5.*normalize=True"):
        r.with_weights([0.5] * 3 + [0.0] * 10 + [])
    w = r.with_weights([2.0] * 13, normalize=True)
    assert sum(w.weights) == pytest.approx(1.0)
    with pytest.raises(InvalidParameterError, match=">= 0"):
        r.with_weights([-0.1, 1.1] + [0.0] * 11)


def test_unknown_factor_names_are_rejected() -> None:
    r = Rubric.default()
    with pytest.raises(
        UnknownNameError, match="no factor 'charm'; known factors: 'profit_last_year'"
    ):
        r.with_weights({"charm": 0.5})
    with pytest.raises(UnknownNameError):
        r.with_columns({"charm": "x"})
    with pytest.raises(UnknownNameError):
        r.factor("charm")


def test_missing_column_is_an_unknown_name_error() -> None:
    p = Portfolio.from_columns(["a"], {"profit_last_year": [1.0]})
    with pytest.raises(UnknownNameError, match="no column 'sales_last_year'"):
        get_scorer("rubric").score(p, as_of=AS_OF)


def test_dict_toml_round_trip(tmp_path) -> None:
    r = Rubric.default().with_weights([1.0 + i for i in range(13)], normalize=True)
    r = r.with_columns({"loyalty": "loyalty_code"}).with_grades(
        ("Gold", "Silver", "Bronze"), (3, 2)
    )
    assert Rubric.from_dict(r.to_dict()) == r
    # JSON goes through kamcore.io.json (tests/test_json_documents.py)
    path = tmp_path / "r.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"must end in \.toml.*kamcore\.io\.json\.loads"):
        Rubric.from_file(path)
    toml = tmp_path / "r.toml"
    toml.write_text(
        'name = "two"\n[grades]\nlabels = ["A", "B"]\ncutoffs = [2.5]\n'
        '[[factors]]\nname = "profit"\npoints = [3, 2, 1]\nbands = [100.0, 10.0]\nweight = 0.75\n'
        '[[factors]]\nname = "loyalty"\ncolumn = "loy"\npoints = [3, 1]\nweight = 0.25\n',
        encoding="utf-8",
    )
    two = Rubric.from_file(toml)
    assert two.factor_names == ("profit", "loyalty")
    assert two.weights == (0.75, 0.25)
    p = Portfolio.from_columns(["x", "y"], {"profit": [150.0, 10.0], "loy": [1, 2]})
    res = rubric_scorer(path=toml).score(p, as_of=AS_OF)
    assert res.scores.tolist() == [0.75 * 3 + 0.25 * 3, 0.75 * 1 + 0.25 * 1]
    assert res.grades is not None
    assert res.grades.tolist() == ["A", "B"]


def test_file_errors(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\ncolour = "red"\n[[factors]]\nname = "a"\npoints = [1, 0]\n')
    with pytest.raises(SchemaError, match=r"unknown keys \['colour'\]"):
        Rubric.from_file(bad)
    partial = {
        "factors": [{"name": "a", "points": [1, 0], "weight": 1.0}, {"name": "b", "points": [1, 0]}]
    }
    with pytest.raises(SchemaError, match="every factor or for none"):
        Rubric.from_dict(partial)
    with pytest.raises(SchemaError, match=r"must end in \.toml; got '.*r\.yaml'"):
        Rubric.from_file(tmp_path / "r.yaml")
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        Rubric.from_dict({"factors": [{"name": "a", "points": [1, 0], "weight": 0.4}]})
    assert Rubric.from_dict(
        {"factors": [{"name": "a", "points": [1, 0], "weight": 0.4}]}, normalize=True
    ).weights == (1.0,)


def test_factor_and_grade_validation() -> None:
    with pytest.raises(InvalidParameterError, match="strictly decreasing"):
        Factor("p", (3, 2, 1), bands=(10.0, 100.0))
    with pytest.raises(InvalidParameterError, match="2 cut-offs"):
        Factor("p", (3, 2, 1), bands=(10.0,))
    with pytest.raises(InvalidParameterError, match="at least 2 levels"):
        Factor("p", (3,))
    with pytest.raises(InvalidParameterError, match="strictly decreasing"):
        GradeScale(("A", "B", "C"), (1.0, 2.0))
    with pytest.raises(InvalidParameterError, match="distinct"):
        GradeScale(("A", "A"), (1.0,))
    with pytest.raises(InvalidParameterError, match="distinct"):
        Rubric.create([Factor("a", (1, 0)), Factor("a", (1, 0))])


def test_ahp_weights_in_the_rubric() -> None:
    r = Rubric.default()
    target = np.arange(13, 0, -1, dtype=float)
    matrix = target[:, None] / target[None, :]
    rw = r.with_ahp(matrix)
    np.testing.assert_allclose(rw.weights, target / target.sum(), rtol=1e-9)
    scorer = rubric_scorer(ahp=matrix)
    np.testing.assert_allclose(scorer.rubric.weights, rw.weights)
    bad = matrix.copy()
    bad[0, 12], bad[12, 0] = 1 / 9, 9.0
    bad[0, 1], bad[1, 0] = 1 / 9, 9.0
    bad[2, 0], bad[0, 2] = 9.0, 1 / 9
    with pytest.raises(InvalidParameterError, match="consistent"):
        r.with_ahp(bad)
    assert math.isclose(sum(r.with_ahp(bad, max_cr=None).weights), 1.0)
    with pytest.raises(ShapeMismatchError, match="13 x 13"):
        r.with_ahp(np.ones((3, 3)))
    with pytest.raises(InvalidParameterError, match="not both"):
        rubric_scorer(weights=[1 / 13] * 13, ahp=matrix)


def test_rubric_dict_is_plain() -> None:
    d = json.loads(json.dumps(Rubric.default().to_dict()))
    assert d["factors"][0] == {
        "name": "profit_last_year",
        "points": [4.0, 3.0, 2.0, 1.0],
        "bands": [300000.0, 100000.0, 30000.0],
        "currency": "CNY",
        "weight": 1 / 13,
    }


# ------------------------------------------------------------------ band currency and edges
def _band_rubric(edges: str = "lower", currency: str | None = "EUR") -> Rubric:
    f = Factor("sales", (3, 2, 1), bands=(100.0, 10.0), currency=currency)
    g = Factor("profit", (2, 1), bands=(0.0,), currency=currency)
    return Rubric.create([f, g], grades=GradeScale(("A", "B"), (2.0,)), edges=edges)


@pytest.mark.parametrize(
    ("edges", "sales_levels", "profit_levels"),
    [
        ("lower", [1, 2, 2, 3, 3], [1, 2, 2, 2, 2]),
        ("upper", [1, 1, 2, 2, 3], [1, 1, 2, 2, 2]),
    ],
)
def test_the_edge_rule_is_one_choice_applied_to_every_band_factor(
    edges: str, sales_levels: list[int], profit_levels: list[int]
) -> None:
    # values: above, exactly at the top edge, between, exactly at the low edge, below
    sales = [100.5, 100.0, 50.0, 10.0, 9.0]
    profit = [0.5, 0.0, -1.0, -10.0, -0.5]
    _, levels = _band_rubric(edges).evaluate({"sales": sales, "profit": profit})
    assert levels[:, 0].tolist() == sales_levels
    assert levels[:, 1].tolist() == profit_levels
    r = _band_rubric(edges)
    assert Rubric.from_dict(r.to_dict()) == r
    assert kjson.loads(kjson.dumps(r), Rubric) == r


def test_edges_must_be_lower_or_upper() -> None:
    with pytest.raises(InvalidParameterError, match="'edges' must be 'lower'"):
        _band_rubric("left")
    with pytest.raises(InvalidParameterError, match="'edges'"):
        Factor("s", (2, 1), bands=(1.0,)).levels([1.0], edges="right")


def test_a_band_currency_refuses_a_column_in_another_currency() -> None:
    r = _band_rubric()
    cols = {"sales": [50.0], "profit": [1.0]}
    with pytest.raises(CurrencyMismatchError) as info:
        r.evaluate(cols, currencies={"sales": "USD", "profit": "EUR"})
    message = str(info.value)
    assert "'sales'" in message
    assert "EUR" in message
    assert "USD" in message
    # same currency, or a column without one: taken as is
    assert r.evaluate(cols, currencies={"sales": "EUR"})[1].tolist() == [[2, 1]]
    # a rate table converts (1 USD = 2.5 EUR: 50 USD = 125 EUR -> level 1)
    _, levels = r.evaluate(cols, currencies={"sales": "USD"}, rates={"USD": 2.5})
    assert levels.tolist() == [[1, 1]]
    # a factor without a currency does not check
    assert _band_rubric(currency=None).evaluate(cols, currencies={"sales": "JPY"})[1].tolist() == [
        [2, 1]
    ]


@pytest.mark.parametrize(
    "rates", [{"USD": 0}, {"USD": -1.0}, {"USD": float("nan")}, {"usd": 1.0}, {"USD": True}, [1]]
)
def test_bad_rate_tables_are_refused(rates: Any) -> None:
    with pytest.raises(InvalidParameterError, match="'rates'"):
        _band_rubric().evaluate({"sales": [1.0], "profit": [1.0]}, rates=rates)


def test_the_default_rubric_bands_are_yuan_and_the_scorer_converts() -> None:
    assert {f.currency for f in Rubric.default().factors if f.bands is not None} == {"CNY"}
    ids = ["a"]
    cols: dict[str, Any] = {
        "profit_last_year": [50_000.0],
        "sales_last_year": [200_000.0],
        "expected_sales": [200_000.0],
    }
    cols.update({c: np.array([1], dtype=np.int8) for c in CUSTOMER_FACT_COLUMNS})
    p = Portfolio.from_columns(
        ids,
        cols,
        currencies=dict.fromkeys(("profit_last_year", "sales_last_year", "expected_sales"), "USD"),
    )
    with pytest.raises(CurrencyMismatchError, match="'profit_last_year' has bands in CNY"):
        RubricScorer().score(p, as_of="2025-01-01")
    converted = rubric_scorer(rates={"USD": 7.0}).score(p, as_of="2025-01-01")
    # 50k USD = 350k CNY > 300k: level 1; 200k USD = 1.4M CNY > 1M: level 1
    assert converted.extras["levels"][0, :3].tolist() == [1, 1, 1]
    assert converted.params["rates"] == {"USD": 7.0}


def test_a_currency_on_a_level_factor_is_refused() -> None:
    with pytest.raises(InvalidParameterError, match="band factors only"):
        Factor("loyalty", (2, 1), currency="EUR")
    with pytest.raises(InvalidParameterError, match="ISO 4217"):
        Factor("sales", (2, 1), bands=(1.0,), currency="eur")
