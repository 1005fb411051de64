"""Linear models trained offline and shipped with the code as JSON (`bot/faq/models/*.json`).

A model is a table of weights per named feature and class, plus one intercept per class; scoring a text is
a dot product over the features it has. Training happens by hand with scikit-learn (`scripts/train_*.py`,
the `train` extra); only the weights ship. Inference is hand-written on purpose: it is a dictionary look-up
per feature, while importing scikit-learn at run time costs about a second of start-up and its models ship
as pickles, which run code when loaded and break between library versions.

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
from pathlib import Path

MODELS = Path(__file__).with_name("models")


@dataclass(frozen=True, slots=True)
class LinearModel:
    classes: tuple[str, ...]
    intercept: tuple[float, ...]  # one per class
    weights: Mapping[str, tuple[float, ...]]  # feature -> one weight per class
    index: Mapping[str, int] = field(init=False, repr=False, compare=False)  # class -> its position

    def __post_init__(self) -> None:
        n = len(self.classes)
        if n < 2 or len(self.intercept) != n or any(len(w) != n for w in self.weights.values()):
            raise ValueError(f"a linear model needs two or more classes and {n} weights per feature")
        object.__setattr__(self, "index", {c: i for i, c in enumerate(self.classes)})

    def scores(self, features: Mapping[str, float], only: Iterable[str] | None = None) -> dict[str, float]:
        """The raw score of each class: intercept plus the weighted sum of the features' values. With `only`,
        of those classes alone (the ones the model has), which costs a share of the time of all."""
        if only is not None:
            wanted = [(c, self.index[c]) for c in only if c in self.index]
            subset = {c: self.intercept[i] for c, i in wanted}
            for feature, value in features.items():
                row = self.weights.get(feature)
                if row is not None:
                    for c, i in wanted:
                        subset[c] += row[i] * value
            return subset
        totals = list(self.intercept)
        for feature, value in features.items():
            row = self.weights.get(feature)
            if row is None:
                continue
            if value == 1.0:  # present or not, as n-grams are: one pass in C
                totals = list(map(operator.add, totals, row))
            else:
                totals = [t + w * value for t, w in zip(totals, row, strict=True)]
        return dict(zip(self.classes, totals, strict=True))

    def probabilities(self, features: Mapping[str, float]) -> dict[str, float]:
        """Softmax over the classes' scores (for two classes, the logistic of their difference)."""
        scores = self.scores(features)
        top = max(scores.values())
        exps = {c: math.exp(s - top) for c, s in scores.items()}
        total = sum(exps.values())
        return {c: e / total for c, e in exps.items()}

    def to_json(self) -> str:
        return json.dumps(
            {"classes": self.classes, "intercept": self.intercept, "weights": self.weights},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )


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
        return LinearModel(
            tuple(str(c) for c in data["classes"]),
            tuple(float(x) for x in data["intercept"]),
            {str(f): tuple(float(x) for x in row) for f, row in data["weights"].items()},
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{name}.json is not a linear model: {error}") from error


def char_ngrams(text: str, sizes: Iterable[int] = (1, 2, 3), prefix: str = "c:") -> Counter[str]:
    """The character n-grams of text, one feature per distinct n-gram, counted. Linear in len(text)."""
    grams: Counter[str] = Counter()
    for n in sizes:
        grams.update(prefix + text[i : i + n] for i in range(len(text) - n + 1))
    return grams
