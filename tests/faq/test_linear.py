"""bot.faq.linear: scoring, the binary form of scikit-learn's arrays, and refusing a malformed file."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.faq.linear import LinearModel, char_ngrams, from_coefficients, load


def test_char_ngrams_counts_each_size() -> None:
    grams = char_ngrams("补多少", sizes=(1, 2))
    assert grams == {"c:补": 1, "c:多": 1, "c:少": 1, "c:补多": 1, "c:多少": 1}
    assert char_ngrams("", sizes=(1, 2, 3)) == {}


def test_scores_add_intercept_and_known_features_only() -> None:
    model = LinearModel(("what", "amount"), (0.5, -0.5), {"c:多少": (0.0, 2.0)})
    assert model.scores({"c:多少": 1.0, "c:从没见过": 3.0}) == {"what": 0.5, "amount": 1.5}
    probabilities = model.probabilities({"c:多少": 1.0})
    assert probabilities["amount"] == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_binary_coefficients_score_the_second_class_against_the_first(tmp_path: Path) -> None:
    model = from_coefficients(["no", "yes"], [-1.0], [[2.0, 0.00001, -3.0]], ["a", "b", "c"])
    assert set(model.weights) == {"a", "c"}  # the negligible weight is dropped
    assert model.scores({"a": 1.0}) == {"no": 0.0, "yes": 1.0}
    (tmp_path / "m.json").write_text(model.to_json(), encoding="utf-8")
    assert load("m", tmp_path) == model


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
