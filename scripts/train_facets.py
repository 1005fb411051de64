"""Train the facet model (bot/faq/models/facets.json) and measure it leave-one-writer-out.

Every labelled facet of the dialogue sets in bench/data (bench/writers.py DIALOGUES, each by another writer)
is an example. What the bot sees where it decides a facet (bot.faq.facet_model.Asked) is captured by reading
each set through the real dispatcher (the `chat --json` path the bench uses) with the rules alone. Then, for
each set, a model trained on the other writers reads that set through the same path (passed to the Reader),
and its facet figure is set beside the rules' own (bench/dialogue_bench.py's count). The shipped model is
trained on all of them. The dev sets in ../shared/eval are never read here.

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python scripts/train_facets.py            # the leave-one-writer-out table, then writes the model
    .venv/bin/python scripts/train_facets.py --no-write # the table only
    .venv/bin/python scripts/train_facets.py --skip-table # the model only (66 writers: 2 minutes)
    .venv/bin/python scripts/train_facets.py --variants # what else was tried, counted offline (slow: ~1 min each)
"""

from __future__ import annotations

import argparse
import asyncio
import pickle
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dialogue_bench import Turn, load, score  # noqa: E402
from bench.writers import DIALOGUES as SETS  # noqa: E402
from bot.chat_json import MakeReader, converse  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.faq import facet_model, linear  # noqa: E402
from bot.faq.analyzer import Analyzer  # noqa: E402
from bot.faq.conversation import Reader  # noqa: E402
from bot.faq.facet_model import Asked  # noqa: E402
from bot.faq.facets import FACETS, Facet  # noqa: E402
from bot.faq.linear import MODELS, LinearModel, from_coefficients  # noqa: E402
from bot.services import build_matcher  # noqa: E402

DATA = ROOT / "bench" / "data"
# the sets no one studied while writing the cue rules: four early ones and every training writer's
UNSEEN = (*(f"heldout{n}-dialogues" for n in (5, 7, 8, 9)), *(n for n in SETS if n.startswith("train")))
SEED = 7
C = 0.3  # inverse L2 strength, chosen leave-one-writer-out (--variants)
BALANCED = True  # classes weighted by their inverse frequency, chosen leave-one-writer-out (--variants)
MIN_COUNT = 2  # a feature seen in fewer examples is left out
DIGITS = 2  # weights rounded to this many decimals
# a feature none of whose weights exceeds three rounding steps is dropped: it moves a class's score by 0.03 at most
# (28 writers: a seventh of the features within one step, the file 1.0 MB with them, 0.88 MB without, and the same
# leave-one-writer-out table; 66 writers: 1.15 MB within one step, 0.88 MB within three, the same readings of
# heldout31-34)
FLOOR = 3.5 * 10**-DIGITS


EMPTY = LinearModel(FACETS, (0.0,) * len(FACETS), {})  # no weights: read where the rules alone decide


def reading_with(model: LinearModel) -> MakeReader:
    """The bot's Reader with `model` as its facet model."""
    return lambda matcher, content: Reader(matcher, content, facets=model)


@dataclass(frozen=True, slots=True)
class Example:
    ask: Asked
    answered: bool  # the bench counts an answer without a facet as "what"
    label: str


def labelled(turn: Turn) -> bool:
    return turn.facet != "*" and not turn.expected & {"-", "smalltalk"}


async def examples(config: Config, name: str, analyzer: Analyzer) -> list[Example]:
    """The labelled turns of one set that reach the facet decision, with what the bot sees there."""
    dialogues = load(DATA / f"{name}.tsv")
    seen: list[Asked] = []

    def recorder(model: LinearModel, ask: Asked, groups: Collection[str] = ()) -> Facet | None:
        seen.append(ask)
        return ask.ruled

    original = facet_model.choose
    facet_model.choose = recorder  # what the bot sees where it decides, recorded
    found: list[Example] = []
    try:
        turns = iter([t for d in dialogues for t in d])
        async for record in converse(config, ([t.message for t in d] for d in dialogues), reading_with(EMPTY)):
            turn = next(turns)
            mine = [s for s in seen if s.normalised == analyzer.normalise(turn.message)]  # (转人工 re-reads one)
            seen.clear()
            if mine and labelled(turn):
                ask = replace(mine[-1], words=tuple(analyzer.words(mine[-1].normalised.strip()[-facet_model.TAIL :])))
                found.append(Example(ask, record["outcome"] == "answer", turn.facet))
    finally:
        facet_model.choose = original
    return found


@dataclass(frozen=True, slots=True)
class Variant:
    """A way to train and decide: the feature groups, C, class weights, which rules the model may overrule."""

    groups: frozenset[str] = facet_model.GROUPS
    c: float = C
    balanced: bool = BALANCED
    overrule: frozenset[str] = frozenset()  # "kept" (a proxy cue), "elided" ("那X呢")

    def __str__(self) -> str:
        parts = [",".join(sorted(self.groups)) or "base", f"C={self.c}"]
        return " ".join(parts + ["balanced"] * self.balanced + [f"overrule:{o}" for o in sorted(self.overrule)])


def fit(train: Sequence[Example], variant: Variant = Variant()) -> LinearModel:
    """Multinomial logistic regression (L2) over the features of `train`, rounded and pruned."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([facet_model.features(e.ask, variant.groups) for e in train])
    keep = np.asarray((matrix > 0).sum(axis=0)).ravel() >= MIN_COUNT
    names = vectorizer.get_feature_names_out()[keep]
    weight = "balanced" if variant.balanced else None
    classifier = LogisticRegression(C=variant.c, max_iter=5000, random_state=SEED, class_weight=weight)
    classifier.fit(matrix[:, keep], [e.label for e in train])
    return from_coefficients(
        [str(k) for k in classifier.classes_],
        np.round(classifier.intercept_, DIGITS).tolist(),
        np.round(classifier.coef_, DIGITS).tolist(),
        [str(n) for n in names],
        smallest=FLOOR,
    )


def shown(facet: Facet | None, example: Example) -> str | None:
    return facet or ("what" if example.answered else None)


def decided(model: LinearModel | None, ask: Asked, variant: Variant) -> Facet | None:
    """`facet_model.choose` with the variant's groups, letting the model overrule the rules it names."""
    if model is None:
        return ask.ruled
    ruled = (
        (ask.cue in facet_model.KEPT and "kept" not in variant.overrule)
        or (ask.elided and "elided" not in variant.overrule)
        or ask.proxy_talk
    )
    return ask.ruled if ruled else facet_model.predicted(model, ask, variant.groups)


def offline(model: LinearModel | None, test: Sequence[Example], variant: Variant = Variant()) -> int:
    """How many of `test` the model and the rules together (None: the rules alone) get right, counted as the
    bench counts, without re-reading the set (each message keeps the side asked last the rules saw)."""
    return sum(shown(decided(model, e.ask, variant), e) == e.label for e in test)


def rules_only(model: LinearModel, ask: Asked, groups: Collection[str] = ()) -> Facet | None:
    return ask.ruled


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


VARIANTS = (  # --variants: what else was tried, each chosen or rejected by its leave-one-writer-out figure
    Variant(frozenset(), balanced=False),
    *(Variant(frozenset({g}), balanced=False) for g in ("entry", "category", "sides", "outcome", "whole")),
    *(Variant(frozenset({g}), balanced=False) for g in ("words", "lastcue", "ruled")),
    Variant(frozenset()),
    *(Variant(facet_model.GROUPS, c=c) for c in (0.1, 1.0)),
    *(Variant(facet_model.GROUPS | {g}) for g in ("outcome", "sides", "category", "ruled")),
    Variant(facet_model.GROUPS, overrule=frozenset({"kept"})),
    Variant(facet_model.GROUPS, overrule=frozenset({"elided"})),
    Variant(facet_model.GROUPS),
)


def variants(data: dict[str, list[Example]], tried: Sequence[Variant]) -> None:
    """Each variant's facet figure leave-one-writer-out, counted offline: pooled over every set, over the
    sets no cue writer studied, and per set."""
    print(f"{'variant':44} {'pooled':>7} {'unseen':>7}  " + " ".join(n.split("-")[0][-9:] for n in SETS))
    for variant in (None, *tried):
        right = {
            n: offline(
                None if variant is None else fit([e for o in SETS if o != n for e in data[o]], variant),
                data[n],
                variant or Variant(),
            )
            for n in SETS
        }
        pooled = sum(right.values()) / sum(len(data[n]) for n in SETS)
        unseen = sum(right[n] for n in UNSEEN) / sum(len(data[n]) for n in UNSEEN)
        cells = " ".join(f"{right[n] / len(data[n]):.3f}" for n in SETS)
        print(
            f"{'rules alone' if variant is None else str(variant):44} {pooled:7.1%} {unseen:7.1%}  {cells}", flush=True
        )


async def table(config: Config, data: dict[str, list[Example]]) -> None:
    """Each writer's facet figure read with the rules alone and with a model trained on the other writers."""
    print(f"leave one writer out, facet right where labelled (bench/dialogue_bench.py's count), {Variant()}")
    print(f"{'set':22} {'rules':>15} {'rules+model':>15}")
    sums = [0.0, 0.0]
    pooled = [0, 0, 0]
    rises = falls = 0
    for name in SETS:
        r, n = await bench_figure(config, name, None)
        m, _ = await bench_figure(config, name, fit([e for other in SETS if other != name for e in data[other]]))
        pooled = [pooled[0] + r, pooled[1] + m, pooled[2] + n]
        sums = [sums[0] + r / n, sums[1] + m / n]
        rises, falls = rises + (m > r), falls + (m < r)
        print(f"{name:22} {r:>4}/{n:<4} {r / n:6.1%} {m:>4}/{n:<4} {m / n:6.1%}", flush=True)
    k = len(SETS)
    print(f"{'mean':22} {sums[0] / k:>15.1%} {sums[1] / k:>15.1%}   rises on {rises}, falls on {falls} of {k}")
    r, m, n = pooled
    print(f"{'pooled':22} {r:>4}/{n:<4} {r / n:6.1%} {m:>4}/{n:<4} {m / n:6.1%}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--variants", action="store_true", help="leave-one-writer-out of each variant, offline")
    parser.add_argument("--examples", type=Path, help="keep the captured examples in this file (re-runs)")
    parser.add_argument("--skip-table", action="store_true", help="write the model without the table")
    args = parser.parse_args()
    threadpool_limits(1)  # one thread fits three times faster on a loaded machine
    config = Config(content_dir=ROOT / "content")
    analyzer = build_matcher(ROOT / "content")[1].analyzer
    if args.examples and args.examples.exists():
        data = pickle.loads(args.examples.read_bytes())
    else:
        data = {name: await examples(config, name, analyzer) for name in SETS}
        if args.examples:
            args.examples.write_bytes(pickle.dumps(data))
    if args.variants:
        variants(data, VARIANTS)
        return
    if not args.skip_table:
        await table(config, data)
    if not args.no_write:
        model = fit([e for name in SETS for e in data[name]])
        path = MODELS / f"{facet_model.NAME}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(model.to_json(DIGITS), encoding="utf-8")
        assert linear.load(facet_model.NAME) == model
        print(f"wrote {path.relative_to(ROOT)}: {len(model.weights)} features, {path.stat().st_size} bytes")


if __name__ == "__main__":
    asyncio.run(main())
