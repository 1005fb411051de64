"""Train the facet model (bot/faq/models/facets.json) and measure it leave-one-writer-out.

Every labelled facet of the dialogue sets in bench/data (eight sets, each by another writer) is an example.
The features are those the bot computes where it decides a facet (bot.faq.facet_model.features): they are
captured by reading each set through the real dispatcher (the `chat --json` path the bench uses) with the
rules alone. Then, for each set, a model trained on the other seven reads that set through the same path,
and its facet figure is set beside the rules' own (bench/dialogue_bench.py's count). The shipped model is
trained on all eight. The dev sets in ../shared/eval are never read here.

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python scripts/train_facets.py            # the leave-one-writer-out table, then writes the model
    .venv/bin/python scripts/train_facets.py --no-write # the table only
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dialogue_bench import Turn, load, score  # noqa: E402
from bench.writers import DIALOGUES as SETS  # noqa: E402
from bot.chat_json import MakeReader, converse  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.faq import facet_model  # noqa: E402
from bot.faq.analyzer import Analyzer  # noqa: E402
from bot.faq.conversation import Reader  # noqa: E402
from bot.faq.facets import FACETS, Facet  # noqa: E402
from bot.faq.linear import LinearModel, from_coefficients  # noqa: E402
from bot.services import build_matcher  # noqa: E402

DATA = ROOT / "bench" / "data"
SEED = 7
C = 0.3  # inverse L2 strength, chosen leave-one-writer-out (--grid)
MIN_COUNT = 2  # a feature seen in fewer examples is left out
DIGITS = 2  # weights rounded to this many decimals; smaller ones dropped


EMPTY = LinearModel(FACETS, (0.0,) * len(FACETS), {})  # no weights: read where the rules alone decide


def reading_with(model: LinearModel) -> MakeReader:
    """The bot's Reader with `model` as its facet model."""
    return lambda matcher, content: Reader(matcher, content, facets=model)


@dataclass(frozen=True, slots=True)
class Example:
    normalised: str
    cue: Facet | None
    asked_last: Facet | None
    ruled: Facet | None
    answered: bool  # the bench counts an answer without a facet as "what"
    label: str


def labelled(turn: Turn) -> bool:
    return turn.facet != "*" and not turn.expected & {"-", "smalltalk"}


async def examples(config: Config, name: str, analyzer: Analyzer) -> list[Example]:
    """The labelled turns of one set that reach the facet decision, with what the bot sees there."""
    dialogues = load(DATA / f"{name}.tsv")
    seen: list[tuple[str, Facet | None, Facet | None, Facet | None]] = []

    def recorder(
        model: LinearModel, normalised: str, cue: Facet | None, asked_last: Facet | None, ruled: Facet | None
    ) -> Facet | None:
        seen.append((normalised, cue, asked_last, ruled))
        return ruled

    original = facet_model.choose
    facet_model.choose = recorder  # what the bot sees where it decides, recorded
    found: list[Example] = []
    try:
        turns = iter([t for d in dialogues for t in d])
        async for record in converse(config, ([t.message for t in d] for d in dialogues), reading_with(EMPTY)):
            turn = next(turns)
            mine = [s for s in seen if s[0] == analyzer.normalise(turn.message)]  # (转人工 re-reads an old one)
            seen.clear()
            if mine and labelled(turn):
                found.append(Example(*mine[-1], record["outcome"] == "answer", turn.facet))
    finally:
        facet_model.choose = original
    return found


def fit(train: Sequence[Example], c: float = C) -> LinearModel:
    """Multinomial logistic regression (L2) over the features of `train`, rounded and pruned."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([facet_model.features(e.normalised, e.cue, e.asked_last) for e in train])
    keep = np.asarray((matrix > 0).sum(axis=0)).ravel() >= MIN_COUNT
    names = vectorizer.get_feature_names_out()[keep]
    classifier = LogisticRegression(C=c, max_iter=5000, random_state=SEED)
    classifier.fit(matrix[:, keep], [e.label for e in train])
    return from_coefficients(
        [str(k) for k in classifier.classes_],
        np.round(classifier.intercept_, DIGITS).tolist(),
        np.round(classifier.coef_, DIGITS).tolist(),
        [str(n) for n in names],
        smallest=10**-DIGITS / 2,
    )


def shown(facet: Facet | None, example: Example) -> str | None:
    return facet or ("what" if example.answered else None)


def offline(model: LinearModel | None, test: Sequence[Example]) -> int:
    """How many of `test` the model and the rules together (None: the rules alone) get right, counted as the
    bench counts, without re-reading the set."""
    return sum(
        shown(e.ruled if model is None else facet_model.choose(model, e.normalised, e.cue, e.asked_last, e.ruled), e)
        == e.label
        for e in test
    )


def rules_only(
    model: LinearModel, normalised: str, cue: Facet | None, asked_last: Facet | None, ruled: Facet | None
) -> Facet | None:
    return ruled


async def bench_figure(config: Config, name: str, model: LinearModel | None) -> tuple[int, int]:
    """The set's facet figure (right, labelled) as bench/dialogue_bench.py counts it: with `model`, or with
    the rules alone (None)."""
    original = facet_model.choose
    if model is None:
        facet_model.choose = rules_only
    try:
        result = await score(config, load(DATA / f"{name}.tsv"), reading_with(model or EMPTY))
    finally:
        facet_model.choose = original
    return result.facet, result.facets


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--grid", action="store_true", help="leave-one-writer-out over C, counted offline")
    args = parser.parse_args()
    config = Config(content_dir=ROOT / "content")
    analyzer = build_matcher(ROOT / "content")[1].analyzer
    data = {name: await examples(config, name, analyzer) for name in SETS}
    if args.grid:
        for c in (0.1, 0.3, 1.0, 3.0):
            cells = [
                offline(fit([e for o in SETS if o != n for e in data[o]], c), data[n]) / len(data[n]) for n in SETS
            ]
            print(f"C={c:<4} mean {sum(cells) / len(cells):.3f}: " + " ".join(f"{x:.3f}" for x in cells), flush=True)
        return
    print(f"leave one writer out, facet right where labelled (bench/dialogue_bench.py's count), C={C}")
    print(f"{'set':22} {'rules':>15} {'rules+model':>15}")
    sums = [0.0, 0.0]
    rises = falls = 0
    for name in SETS:
        r, n = await bench_figure(config, name, None)
        m, _ = await bench_figure(config, name, fit([e for other in SETS if other != name for e in data[other]]))
        sums = [sums[0] + r / n, sums[1] + m / n]
        rises, falls = rises + (m > r), falls + (m < r)
        print(f"{name:22} {r:>4}/{n:<4} {r / n:6.1%} {m:>4}/{n:<4} {m / n:6.1%}", flush=True)
    k = len(SETS)
    print(f"{'mean':22} {sums[0] / k:>15.1%} {sums[1] / k:>15.1%}   rises on {rises}, falls on {falls} of {k}")
    if not args.no_write:
        model = fit([e for name in SETS for e in data[name]])
        path = facet_model.MODELS / f"{facet_model.NAME}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(model.to_json(), encoding="utf-8")
        assert facet_model.load(facet_model.NAME) == model
        print(f"wrote {path.relative_to(ROOT)}: {len(model.weights)} features, {path.stat().st_size} bytes")


if __name__ == "__main__":
    asyncio.run(main())
