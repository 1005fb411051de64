"""Train the small-talk model (bot/faq/models/smalltalk.json) and measure it leave-one-writer-out.

Examples: every message of the writers' dialogue sets (bench/writers.py) that the rules of bot.faq.smalltalk do
not already call small talk or a command, and that the model may read (short, naming no entry, asking no side);
labelled yes when the writer labelled it `smalltalk`. The same writers' single questions are examples labelled
no (each asks something). For each writer, a model trained on the others reads that writer's messages; the
table counts, pooled, the small talk found and the other messages taken for small talk at each cutoff. The
shipped model is trained on every writer. The dev sets in ../shared/eval are never read.

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python scripts/train_smalltalk.py            # the leave-one-writer-out table, then writes the model
    .venv/bin/python scripts/train_smalltalk.py --no-write # the table only
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dialogue_bench import load  # noqa: E402
from bench.writers import WRITERS  # noqa: E402
from bot.faq import smalltalk  # noqa: E402
from bot.faq.evaluation import load_cases  # noqa: E402
from bot.faq.linear import MODELS, LinearModel, from_coefficients  # noqa: E402
from bot.faq.signals import VAGUE  # noqa: E402
from bot.services import build_matcher  # noqa: E402

DATA = ROOT / "bench" / "data"
SEED = 7
C = 3.0  # inverse L2 strength (--grid, 42 writers, cutoff 0.8): 0.3 found 160 small talk, 1 199, 3 228; each took
# 3-5 other messages
MIN_COUNT = 2  # a feature seen in fewer examples is left out
DIGITS = 2  # weights rounded to this many decimals; smaller ones dropped
CUTOFFS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


@dataclass(frozen=True, slots=True)
class Example:
    writer: str
    text: str  # normalised
    chatter: bool  # labelled small talk


def examples() -> list[Example]:
    """The messages the model may read, of every writer (see the module docstring)."""
    _, matcher = build_matcher(ROOT / "content")
    found: list[Example] = []

    def add(writer: str, raw: str, chatter: bool, topic: str | None) -> None:
        text = matcher.analyzer.normalise(raw).strip()
        if not text or smalltalk.small_talk(text, raw) is not None or smalltalk.control(text) is not None:
            return
        if smalltalk.read_by_model(text, bool(matcher.naming(text, VAGUE)), topic):
            found.append(Example(writer, text, chatter))

    for questions, dialogues in WRITERS.items():
        for dialogue in load(DATA / f"{dialogues}.tsv"):
            for i, turn in enumerate(dialogue):  # after the first message there is (most likely) a topic
                add(dialogues, turn.message, "smalltalk" in turn.expected, None if i == 0 else "?")
        for case in load_cases(DATA / f"{questions}.tsv"):
            add(dialogues, case.question, False, None)
    return found


def fit(train: list[Example], c: float = C) -> tuple[LogisticRegression, list[str]]:
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([smalltalk.features(e.text) for e in train])
    keep = np.asarray((matrix != 0).sum(axis=0)).ravel() >= MIN_COUNT
    names = [str(n) for n in vectorizer.get_feature_names_out()[keep]]
    classifier = LogisticRegression(C=c, solver="liblinear", max_iter=5000, random_state=SEED)
    classifier.fit(matrix[:, keep].tocsr(), [e.chatter for e in train])
    return classifier, names


def model_of(fitted: tuple[LogisticRegression, list[str]]) -> LinearModel:
    """The fitted classifier as the bot reads it: weights rounded to DIGITS, smaller ones dropped."""
    classifier, names = fitted
    return from_coefficients(
        ["no", "yes"],
        np.round(classifier.intercept_, DIGITS).tolist(),
        np.round(classifier.coef_, DIGITS).tolist(),
        names,
        smallest=10**-DIGITS / 2,
    )


def table(data: list[Example], c: float) -> None:
    """Leave one writer out: small talk found and other messages taken for it, pooled, at each cutoff."""
    probabilities: list[tuple[Example, float]] = []
    for writer in sorted({e.writer for e in data}):
        model = model_of(fit([e for e in data if e.writer != writer], c))
        probabilities += [(e, model.probability(smalltalk.features(e.text))) for e in data if e.writer == writer]
    total = sum(e.chatter for e in data)
    for cutoff in CUTOFFS:
        found = sum(e.chatter and p >= cutoff for e, p in probabilities)
        taken = [e.text for e, p in probabilities if not e.chatter and p >= cutoff]
        print(
            f"C={c:<4} cutoff {cutoff:<4}: found {found} of {total} small talk; took {len(taken)} of "
            f"{len(data) - total} other messages {taken[:6]}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--grid", action="store_true", help="the table for C = 0.3, 1 and 3")
    args = parser.parse_args()
    data = examples()
    print(f"{len(data)} messages the model may read, {sum(e.chatter for e in data)} of them small talk")
    for c in (0.3, 1.0, 3.0) if args.grid else (C,):
        table(data, c)
    if not args.no_write:
        final = model_of(fit(data))
        path = MODELS / f"{smalltalk.MODEL}.json"
        path.write_text(final.to_json(DIGITS), "utf-8")
        assert smalltalk.shipped() == smalltalk.SmallTalk(final)
        print(f"wrote {path.relative_to(ROOT)}: {len(final.weights)} features, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
