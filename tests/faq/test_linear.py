"""bot.faq.linear: scoring, the binary form of scikit-learn's arrays, and refusing a malformed file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.faq.linear import LinearModel, char_ngrams, from_coefficients, load, present_ngrams


def test_char_ngrams_counts_each_size() -> None:
    grams = char_ngrams("补多少", sizes=(1, 2))
    assert grams == {"c:补": 1, "c:多": 1, "c:少": 1, "c:补多": 1, "c:多少": 1}
    assert char_ngrams("", sizes=(1, 2, 3)) == {}


@given(st.text(alphabet="补多少钱_^$", max_size=20))
def test_present_ngrams_are_the_counted_ones_present_in_the_same_order(text: str) -> None:
    counted = char_ngrams(text, prefix="l:")
    assert list(present_ngrams(text, prefix="l:").items()) == [(gram, 1.0) for gram in counted]


def test_scores_add_intercept_and_known_features_only() -> None:
    model = LinearModel(("what", "amount"), (0.5, -0.5), {"c:多少": (0.0, 2.0)})
    assert model.scores({"c:多少": 1.0, "c:从没见过": 3.0}) == {"what": 0.5, "amount": 1.5}
    probabilities = model.probabilities({"c:多少": 1.0})
    assert probabilities["amount"] == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert sum(probabilities.values()) == pytest.approx(1.0)


WEIGHT = st.floats(-50, 50, allow_nan=False)


@given(
    st.dictionaries(st.sampled_from("abcdef"), st.tuples(WEIGHT, WEIGHT, WEIGHT), max_size=6),
    st.dictionaries(st.sampled_from("abcdefgh"), st.floats(-5, 5, allow_nan=False), max_size=8),
)
def test_scores_are_the_intercept_plus_each_known_features_weighted_value(
    weights: dict[str, tuple[float, float, float]], features: dict[str, float]
) -> None:
    model = LinearModel(("x", "y", "z"), (0.1, -0.2, 0.3), weights)
    by_hand = [
        b + sum(weights[f][i] * v for f, v in features.items() if f in weights) for i, b in enumerate((0.1, -0.2, 0.3))
    ]
    assert list(model.scores(features).values()) == pytest.approx(by_hand, abs=1e-9)
    assert model.scores(features, only=("z", "unknown")) == pytest.approx({"z": by_hand[2]}, abs=1e-9)
    pair = LinearModel(("no", "yes"), (0.1, -0.2), {f: w[:2] for f, w in weights.items()})
    scores = pair.scores(features)
    assert pair.logit(features) == pytest.approx(scores["yes"] - scores["no"], abs=1e-9)
    assert pair.probability(features) == pytest.approx(pair.probabilities(features)["yes"], abs=1e-9)


def test_a_two_class_probability_saturates_without_overflow() -> None:
    model = LinearModel(("no", "yes"), (0.0, 0.0), {"x": (0.0, 1.0)})
    assert model.probability({"x": -1e6}) == pytest.approx(0.0) and model.probability({"x": 1e6}) == 1.0
    with pytest.raises(ValueError):
        LinearModel(("a", "b", "c"), (0.0, 0.0, 0.0), {}).logit({})


def test_binary_coefficients_score_the_second_class_against_the_first(tmp_path: Path) -> None:
    model = from_coefficients(["no", "yes"], [-1.0], [[2.0, 0.00001, -3.0]], ["a", "b", "c"])
    assert set(model.weights) == {"a", "c"}  # the negligible weight is dropped
    assert model.scores({"a": 1.0}) == {"no": 0.0, "yes": 1.0}
    (tmp_path / "m.json").write_text(model.to_json(), encoding="utf-8")
    assert load("m", tmp_path) == model


def test_a_rounded_model_written_in_whole_hundredths_loads_as_the_same_floats(tmp_path: Path) -> None:
    model = LinearModel(("a", "b", "c"), (0.07, -1.1, 0.0), {"x": (-0.38, 0.29, 0.0), "y": (2.01, -0.0, 0.57)})
    text = model.to_json(2)
    assert '"x":[-38,29,0]' in text and '"digits":2' in text
    (tmp_path / "m.json").write_text(text, encoding="utf-8")
    assert load("m", tmp_path) == model  # exactly: k / 100 is the float 0.kk parses to


def test_multiclass_coefficients_keep_one_weight_per_class() -> None:
    model = from_coefficients(["a", "b", "c"], [0.0, 1.0, 2.0], [[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]], ["x", "y"])
    assert model.weights == {"x": (1.0, 0.0, 0.0)}


@pytest.mark.parametrize(
    "text",
    [
        '{"classes": ["a"], "intercept": [0], "weights": {}}',
        '{"classes": ["a", "b"], "intercept": [0], "weights": {}}',
        '{"classes": ["a", "b"], "intercept": [0, 0], "weights": {"x": [1]}}',
        '{"classes": ["a", "b"], "intercept": [0, 0]}',
        '{"classes": ["a", "b"], "intercept": [0, 0], "weights": []}',
    ],
)
def test_a_malformed_model_is_refused(tmp_path: Path, text: str) -> None:
    (tmp_path / "bad.json").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError):
        load("bad", tmp_path)
