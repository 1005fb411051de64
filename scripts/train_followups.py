"""Train the follow-up model (bot/faq/models/followups.json) and measure it leave-one-writer-out.

Every message read in a context (a current topic or an out-of-scope topic) whose candidate readings
(bot.faq.followups.candidates) differ, and of which one is the topic the writer labelled, is an example:
each candidate a row, labelled yes when its topic is the labelled one. The rows are captured by reading each
writer's dialogues (bench/writers.py DIALOGUES) through the real dispatcher (the `chat --json` path the bench
uses). The model's own decisions change the contexts later messages are read in, so the capture runs twice:
first with the rules alone, then with, for each writer, a model trained on the others' first capture in
place; the model is trained on both. The table reads each writer through the same path with a model trained
on the other writers only (bench/dialogue_sets.py's figures). The dev sets in ../shared/eval are never read.

    .venv/bin/pip install -e ".[train]"
    .venv/bin/python scripts/train_followups.py            # the leave-one-writer-out table, then writes the model
    .venv/bin/python scripts/train_followups.py --no-write # the table only
    .venv/bin/python scripts/train_followups.py --grid     # C and margin, leave-one-writer-out, counted offline
"""

from __future__ import annotations

import argparse
import asyncio
import json
import pickle
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dialogue_bench import judged, load  # noqa: E402
from bench.dialogue_sets import Tally, tallied, tally  # noqa: E402
from bench.writers import DIALOGUES as SETS  # noqa: E402
from bot.chat_json import MakeReader, converse  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.content import ContentPack  # noqa: E402
from bot.faq import followups  # noqa: E402
from bot.faq.context import Context  # noqa: E402
from bot.faq.conversation import Reader, Reading  # noqa: E402
from bot.faq.decision import Match  # noqa: E402
from bot.faq.facets import Facet  # noqa: E402
from bot.faq.followups import YES, Followups, parts, rows, rules_only, topic  # noqa: E402
from bot.faq.linear import MODELS, from_coefficients  # noqa: E402
from bot.faq.matcher import FaqMatcher  # noqa: E402
from bot.services import build_matcher  # noqa: E402

DATA = ROOT / "bench" / "data"
SEED = 7
C = 0.3  # inverse L2 strength: the facet model's, not tuned here (--grid compares 0.1 to 1)
# the lead over the rules' reading needed to switch. The grid (--grid, offline, C=0.3, 37 writers) counts 734 fixed
# and 105 broken at 0.3, 601 and 52 at 0.5, and prefers lower margins with BROKEN at 2; through the real path 0.3
# reads 93.9% of follow-ups right pooled, 0.5 93.5%, with 149 and 146 wrong switches. Session 10 kept 0.5 because 0.3
# then overruled four of the rules' tests; with the prior topic and the likeliest choice as candidates it is 0.3.
MARGIN = 0.3
BROKEN = 2.0  # a reading the rules had right and the model breaks costs this many fixed ones (--grid): it moves
# the conversation's topic, and later follow-ups are read against the wrong one
MIN_COUNT = 2  # a feature seen in fewer rows is left out
DIGITS = 2  # weights rounded to this many decimals
# a feature none of whose weights exceeds one rounding step is dropped (as in train_facets.py): 66 writers, the file
# 1.21 MB with them and 0.95 MB without, the same readings of heldout31-32; two steps since 78 writers (one step
# left 1.00005 MB)
FLOOR = 2.5 * 10**-DIGITS
Rows = dict[str, dict[str, float]]


@dataclass(frozen=True, slots=True)
class Example:
    writer: str
    rows: Rows
    rules: str  # the rules' topic
    expected: frozenset[str]
    inputs: tuple[Any, ...]  # what `parts` read (normalised, facet, full, context, candidates): to re-read them


class Recorder:
    """A second look for the Reader that records the candidates it looks at (where the shipped one would) and
    decides with `inner` (None: the rules)."""

    def __init__(self, inner: Followups | None, entries: frozenset[str]) -> None:
        self.looking = inner or rules_only(entries)
        self.seen: list[tuple[str, Rows, str, tuple[Any, ...]]] = []

    def revised(
        self, reader: Reader, normalised: str, facet: Facet | None, full: Match, context: Context, rules: Reading
    ) -> Reading:
        looked = self.looking.looked(reader, normalised, facet, full, context, rules)
        if looked is None:
            return rules
        found, found_rows = looked
        self.seen.append((normalised, found_rows, topic(rules), (normalised, facet, full, context, found)))
        return found[self.looking.choose(found_rows, topic(rules))][0]


def use(second_look: Any) -> MakeReader:
    """Readers that read with this second look (a Followups or a Recorder), for the real dispatcher."""

    def reader(matcher: FaqMatcher, content: ContentPack) -> Reader:
        return Reader(matcher, content, followups=second_look)

    return reader


async def capture(config: Config, name: str, inner: Followups | None) -> tuple[list[Example], Tally]:
    """The examples of one writer's set read with `inner` deciding (None: the rules), and its figures: each
    message's record is paired with the rows the recorder saw while the dispatcher answered it."""
    dialogues = load(DATA / f"{name}.tsv")
    content, matcher = build_matcher(ROOT / "content")
    recorder = Recorder(inner, frozenset(content.entries))
    turns = [t for d in dialogues for t in d]
    found: list[Example] = []
    records: list[dict[str, Any]] = []
    async for record in converse(config, ([t.message for t in d] for d in dialogues), use(recorder)):
        turn = turns[len(records)]
        mine = [s for s in recorder.seen if s[0] == matcher.analyzer.normalise(turn.message)]  # (转人工 re-reads)
        recorder.seen.clear()
        if mine and "smalltalk" not in turn.expected:
            _, found_rows, rules, inputs = mine[-1]
            hits = [k in turn.expected for k in found_rows]
            if any(hits) and not all(hits):
                found.append(Example(name, found_rows, rules, turn.expected, inputs))
        records.append(record)
    return found, tallied(name, judged(dialogues, records))


def fit(train: Sequence[Example], c: float = C) -> Any:
    """Binary logistic regression (L2) over the candidates' rows: the fitted model and its feature names."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([row for e in train for row in e.rows.values()])
    labels = [int(k in e.expected) for e in train for k in e.rows]
    keep = np.asarray((matrix != 0).sum(axis=0)).ravel() >= MIN_COUNT
    names = vectorizer.get_feature_names_out()[keep]
    kept = matrix[:, keep].tocsr()
    kept.indices, kept.indptr = kept.indices.astype(np.int32), kept.indptr.astype(np.int32)  # for liblinear
    classifier = LogisticRegression(C=c, solver="liblinear", max_iter=5000, random_state=SEED)
    classifier.fit(kept, labels)
    return classifier, [str(n) for n in names]


def shipped(fitted: Any, margin: float, entries: frozenset[str]) -> Followups:
    classifier, names = fitted
    model = from_coefficients(
        ["no", YES],
        np.round(classifier.intercept_, DIGITS).tolist(),
        np.round(classifier.coef_, DIGITS).tolist(),
        names,
        smallest=FLOOR,
    )
    return Followups(model, entries, margin)


def offline(model: Followups, test: Sequence[Example]) -> int:
    """How many of `test` the model reads right, on the contexts they were captured in."""
    return sum(model.choose(e.rows, e.rules) in e.expected for e in test)


def cells(t: Tally) -> str:
    def pct(a: int, b: int) -> str:
        return f"{a / b:6.1%}" if b else "     -"

    return (
        f"{pct(t.followup_topic, t.followups)} {pct(t.topic, t.messages)} {t.wrong_switches:3} {pct(t.facet, t.facets)}"
    )


async def captures(
    config: Config, entries: frozenset[str]
) -> tuple[dict[str, list[Example]], dict[str, list[Example]], dict[str, Tally]]:
    """Each writer's examples read with the rules, then with a model trained on the other writers' first ones;
    and each writer's figures with the rules."""
    first: dict[str, list[Example]] = {}
    rules: dict[str, Tally] = {}
    for name in SETS:
        first[name], rules[name] = await capture(config, name, None)
    print(f"captured (rules): {sum(map(len, first.values()))} messages with candidates to choose from", flush=True)
    second: dict[str, list[Example]] = {}
    for name in SETS:
        model = shipped(fit([e for o in SETS if o != name for e in first[o]]), MARGIN, entries)
        second[name], _ = await capture(config, name, model)
    print(f"captured (with a model): {sum(map(len, second.values()))} more", flush=True)
    return first, second, rules


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--grid", action="store_true", help="leave-one-writer-out over C and margin, offline")
    parser.add_argument("--skip-table", action="store_true", help="write the model without the table")
    parser.add_argument("--cache", type=Path, help="keep the captured examples in this file between runs")
    args = parser.parse_args()
    config = Config(content_dir=ROOT / "content")
    content, _ = build_matcher(ROOT / "content")
    entries = frozenset(content.entries)
    if args.cache is not None and args.cache.exists():
        first, second, rules = pickle.loads(args.cache.read_bytes())
        content, matcher = build_matcher(ROOT / "content")
        reader = Reader(matcher, content, followups=rules_only())
        for examples in (*first.values(), *second.values()):  # the rows as the code at hand computes them
            examples[:] = [replace(e, rows=rows(e.inputs[-1], *parts(reader, *e.inputs))) for e in examples]
    else:
        first, second, rules = await captures(config, entries)
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps((first, second, rules)))
    data = {name: first[name] + second[name] for name in SETS}
    if args.grid:
        base = sum(sum(e.rules in e.expected for e in data[n]) for n in SETS)
        for c in (0.1, 0.3, 1.0):
            fitted = {n: fit([e for o in SETS if o != n for e in data[o]], c) for n in SETS}
            for margin in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6):
                gain = loss = 0
                for n in SETS:
                    model = shipped(fitted[n], margin, entries)
                    for e in data[n]:
                        right, was = model.choose(e.rows, e.rules) in e.expected, e.rules in e.expected
                        gain, loss = gain + (right and not was), loss + (was and not right)
                print(
                    f"C={c:<4} margin={margin:<4} right {base + gain - loss} (rules {base}): {gain} fixed, {loss} "
                    f"broken; fixed - {BROKEN:g} x broken = {gain - BROKEN * loss}",
                    flush=True,
                )
        return
    print(f"leave one writer out (C={C}, margin={MARGIN}): follow-up topic, all-message topic, wrong switches, facet")
    print(f"{'set':22} {'rules':>30} | {'model':>30}")
    pooled_rules, pooled_model = Tally(), Tally()
    for name in () if args.skip_table else SETS:
        model = shipped(fit([e for o in SETS if o != name for e in data[o]]), MARGIN, entries)
        mine = await tally(config, name, load(DATA / f"{name}.tsv"), use(model))
        pooled_rules.add(rules[name])
        pooled_model.add(mine)
        print(f"{name:22} {cells(rules[name]):>30} | {cells(mine):>30}", flush=True)
    print(f"{'pooled':22} {cells(pooled_rules):>30} | {cells(pooled_model):>30}")
    if not args.no_write:
        final = shipped(fit([e for name in SETS for e in data[name]]), MARGIN, entries)
        document = json.loads(final.model.to_json(DIGITS))
        document["entries"] = sorted(entries)
        document["margin"] = MARGIN
        path = MODELS / f"{followups.NAME}.json"
        path.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")), "utf-8")
        assert followups.load_followups() == final
        print(f"wrote {path.relative_to(ROOT)}: {len(final.model.weights)} features, {path.stat().st_size} bytes")


if __name__ == "__main__":
    asyncio.run(main())
