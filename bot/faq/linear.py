"""Linear models trained offline and shipped with the code as JSON (`bot/faq/models/*.json`).

A model is a table of weights per named feature and class, plus one intercept per class; scoring a text is
a dot product over the features it has. Training happens by hand with scikit-learn (`scripts/train_*.py`,
the `train` extra); only the weights ship. Inference is hand-written on purpose: it is a dictionary look-up
per feature and one numpy product, while importing scikit-learn at run time costs about a second of start-up
and its models ship as pickles, which run code when loaded and break between library versions.

Features are strings ("c:交通", "facet:amount"); `char_ngrams` gives the character n-grams of a text, the
features every model here starts from. A feature the model has never seen weighs nothing.
"""

from __future__ import annotations

import json
import math
import operator
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np
import numpy.typing as npt

MODELS = Path(__file__).with_name("models")


@dataclass(frozen=True, slots=True)
class LinearModel:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]  # one per class
    weights: Mapping[str, tuple[float, ...]]  # feature -> one weight per class
    index: Mapping[str, int] = field(init=False, repr=False, compare=False)  # class -> its position
    # the weights as one matrix, a row per feature: a message's scores are one product over its features' rows
    # (a Python loop per feature and class took a fifth of the time of reading a message in context)
    rows: Mapping[str, int] = field(init=False, repr=False, compare=False)
    matrix: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    bias: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    # a two-class model's weights for its second class over its first, and the intercept's: one look-up a feature
    delta: Mapping[str, float] = field(init=False, repr=False, compare=False)
    offset: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.classes)
        if n < 2 or len(self.intercept) != n or any(len(w) != n for w in self.weights.values()):
            raise ValueError(f"a linear model needs two or more classes and {n} weights per feature")
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.classes)})
        object.__setattr__(self, "rows", {f: i for i, f in enumerate(self.weights)})
        matrix = np.array(list(self.weights.values()), dtype=np.float64).reshape(len(self.weights), n)
        object.__setattr__(self, "matrix", matrix)
        object.__setattr__(self, "bias", np.array(self.intercept, dtype=np.float64))
        binary = n == 2
        object.__setattr__(self, "delta", {f: w[1] - w[0] for f, w in self.weights.items()} if binary else {})
        object.__setattr__(self, "offset", self.intercept[1] - self.intercept[0] if binary else 0.0)

    def scores(self, features: Mapping[str, float], only: Iterable[str] | None = None) -> dict[str, float]:
        """The raw score of each class: intercept plus the weighted sum of the features' values. With `only`,
        of those classes alone (the ones the model has)."""
        count = len(features)
        rows = np.fromiter(map(self.rows.get, features, repeat(-1)), np.intp, count)
        known = rows >= 0  # the product over the known features alone: the same sums, rounded the same way
        totals = (
            self.bias + np.fromiter(features.values(), np.float64, count)[known] @ self.matrix[rows[known]]
        ).tolist()
        if only is not None:
            return {c: totals[self.index[c]] for c in only if c in self.index}
        return dict(zip(self.classes, totals, strict=True))

    def logit(self, features: Mapping[str, float]) -> float:
        """A two-class model's score of its second class over its first (the log-odds), in pure Python: for two
        classes a look-up a feature is faster than numpy's product."""
        if len(self.classes) != 2:
            raise ValueError("logit() needs a two-class model")
        return self.offset + dot(self.delta, features)

    def probability(self, features: Mapping[str, float]) -> float:
        """A two-class model's probability of its second class."""
        return logistic(self.logit(features))

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """Softmax over the classes' scores (for two classes, the logistic of their difference)."""
        scores = self.scores(features)
        top = max(scores.values())
        exps = {c: math.exp(s - top) for c, s in scores.items()}
        total = sum(exps.values())
        return {c: e / total for c, e in exps.items()}

    def to_json(self, digits: int | None = None) -> str:
        """The model as its file holds it; a zero weight is written 0 (half of a multi-class model's weights are
        zero once rounded, and "-0.0" made the facet model's file a fifth larger). With `digits`, for a model
        whose numbers are rounded to that many decimals: each is written as a whole number of 10^-digits
        ("-38" for -0.38), and `load` divides them back to the same floats (the facet model's file a fifth
        smaller again)."""
        scale = 10**digits if digits is not None else None

        def written(row: Iterable[float]) -> list[float] | list[int]:
            return [w or 0 for w in row] if scale is None else [round(w * scale) for w in row]

        document: dict[str, object] = {
            "classes": self.classes,
            "intercept": written(self.intercept),
            "weights": {f: written(row) for f, row in self.weights.items()},
        }
        if digits is not None:
            document["digits"] = digits
        return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def from_coefficients(
    classes: Iterable[str],
    intercept: Iterable[float],
    coefficients: Iterable[Iterable[float]],
    features: Iterable[str],
    smallest: float = 1e-4,
) -> LinearModel:
    """A model from a trained linear classifier's arrays, as scikit-learn holds them: `coefficients` has one
    row per class and one column per feature. A binary classifier's single row scores the second class
    against the first (which scores 0). Weights smaller than `smallest` are dropped."""
    names = tuple(classes)
    rows = [list(row) for row in coefficients]
    bias = list(intercept)
    if len(names) == 2 and len(rows) == 1:
        rows, bias = [[0.0] * len(rows[0]), rows[0]], [0.0, bias[0]]
    columns = zip(*rows, strict=True)
    weights = {f: tuple(col) for f, col in zip(features, columns, strict=True) if max(map(abs, col)) >= smallest}
    return LinearModel(names, tuple(bias), weights)


def load(name: str, directory: Path = MODELS) -> LinearModel:
    """The model `<directory>/<name>.json`; a malformed file raises ValueError."""
    data = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
    try:
        scale = 10 ** int(data.get("digits", 0))  # whole numbers of 10^-digits (`to_json`)
        return LinearModel(
            tuple(str(c) for c in data["classes"]),
            tuple(float(x) / scale for x in data["intercept"]),
            {str(f): tuple(float(x) / scale for x in row) for f, row in data["weights"].items()},
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise ValueError(f"{name}.json is not a linear model: {error}") from error


def dot(weights: Mapping[str, float], features: Mapping[str, float]) -> float:
    """The weighted sum of the features' values (a feature without a weight weighs nothing)."""
    return float(sum(map(operator.mul, map(weights.get, features, repeat(0.0)), features.values())))


def logistic(logit: float) -> float:
    """The probability a log-odds stands for."""
    return 1.0 / (1.0 + math.exp(-max(-700.0, logit)))  # e^709 is a float's largest power


def _ngrams(text: str, sizes: Iterable[int], prefix: str) -> list[str]:
    """Every character n-gram of text, size by size, in order (a list: counting and keying it is faster)."""
    return [prefix + text[i : i + n] for n in sizes for i in range(len(text) - n + 1)]


def present_ngrams(text: str, sizes: Iterable[int] = (1, 2, 3), prefix: str = "c:") -> dict[str, float]:
    """The character n-grams of text as features present (1.0), in the order `char_ngrams` counts them: the
    models that read n-grams read only whether each is there, which is cheaper to build than counts."""
    return dict.fromkeys(_ngrams(text, sizes, prefix), 1.0)


def char_ngrams(text: str, sizes: Iterable[int] = (1, 2, 3), prefix: str = "c:") -> Counter[str]:
    """The character n-grams of text, one feature per distinct n-gram, counted. Linear in len(text)."""
    return Counter(_ngrams(text, sizes, prefix))
