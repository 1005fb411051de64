"""Dialogue benchmark: whole conversations through the real dispatcher (the `chat --json` path) with a
throw-away SQLite file. Per set: topic right (all messages, and follow-ups: every message after the
first of a dialogue that is not small talk), facet right where one is labelled, small talk queued for
staff, anything queued at all; then per-message latency of the reading alone and of the whole dispatch.

Run by hand:  .venv/bin/python bench/dialogue_bench.py [files…]
(default: ../shared/eval/dialogues-dev.tsv, bench/data/dialogues-tune.tsv, bench/data/heldout-dialogues.tsv)
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.chat_json import MakeReader, converse  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.faq.context import Context  # noqa: E402
from bot.faq.conversation import Reader  # noqa: E402
from bot.services import build_matcher  # noqa: E402

DEFAULTS = (
    ROOT.parent / "shared" / "eval" / "dialogues-dev.tsv",
    ROOT / "bench" / "data" / "dialogues-tune.tsv",
    ROOT / "bench" / "data" / "heldout-dialogues.tsv",
)


@dataclass(frozen=True, slots=True)
class Turn:
    expected: frozenset[str]  # entry ids, "-" or "smalltalk"
    facet: str  # or "*"
    message: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """One message of a set as the bot answered it, judged against its labels."""

    dialogue: int  # the dialogue's index in its set
    position: int  # the message's index in its dialogue
    turn: Turn
    topic: str  # what the bot took as the topic (got_topic)
    facet: str | None
    answered: str | None  # the entry answered (or chosen), else None
    held: str | None  # the topic the bot held before this message (None at a dialogue's start)
    queued: bool  # an open question was created

    @property
    def right(self) -> bool:
        return self.topic in self.turn.expected

    @property
    def followup(self) -> bool:
        """Every message after the first of a dialogue that is not small talk."""
        return self.position > 0 and "smalltalk" not in self.turn.expected

    @property
    def labelled(self) -> bool:
        """A facet is labelled (and the message is neither out of scope nor small talk)."""
        return self.turn.facet != "*" and not self.turn.expected & {"-", "smalltalk"}

    @property
    def facet_right(self) -> bool:
        return self.facet == self.turn.facet

    @property
    def wrong_switch(self) -> bool:
        """A follow-up answered with an entry that is neither labelled nor the topic held before it."""
        switched = self.answered is not None and self.answered != self.held
        return self.followup and switched and not self.right and self.held is not None


@dataclass
class Score:
    messages: int = 0
    topic: int = 0
    followups: int = 0
    followup_topic: int = 0
    facets: int = 0
    facet: int = 0
    smalltalk_queued: int = 0
    queued: int = 0
    misses: list[str] = field(default_factory=list)

    def count(self, verdict: Verdict) -> None:
        """Add one message's verdict to the figures."""
        turn, right, labelled = verdict.turn, verdict.right, verdict.labelled
        self.messages += 1
        self.topic += right
        self.followups += verdict.followup
        self.followup_topic += verdict.followup and right
        self.facets += labelled
        self.facet += labelled and verdict.facet_right
        self.queued += verdict.queued
        self.smalltalk_queued += verdict.queued and "smalltalk" in turn.expected
        if not right or (labelled and not verdict.facet_right):
            got = f"{verdict.topic} {verdict.facet}"
            self.misses.append(f"{'|'.join(sorted(turn.expected)):30} {turn.facet:9} got {got}\t{turn.message}")

    def add(self, other: Score) -> None:
        """Pool another set's figures into these (every count; not the misses)."""
        for name in (f.name for f in fields(self) if f.type in (int, "int")):
            setattr(self, name, getattr(self, name) + getattr(other, name, 0))

    def line(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{a}/{b} = {a / b:.1%}" if b else "-"

        return (
            f"topic {pct(self.topic, self.messages)}; follow-up topic {pct(self.followup_topic, self.followups)}; "
            f"facet {pct(self.facet, self.facets)}; small talk queued {self.smalltalk_queued}; "
            f"queued at all {self.queued}"
        )


def load(path: Path) -> list[list[Turn]]:
    dialogues: list[list[Turn]] = []
    current: list[Turn] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if current:
                dialogues.append(current)
            current = []
            continue
        expected, facet, message = line.split("\t", 2)
        current.append(Turn(frozenset(expected.strip().split("|")), facet.strip(), message.strip()))
    if current:
        dialogues.append(current)
    return dialogues


def got_topic(record: dict[str, Any]) -> str:
    outcome = record["outcome"]
    if outcome == "smalltalk" or (outcome == "command" and not record["entry"]):
        return "smalltalk"  # the sets label control words (转人工) with small talk: neither is a topic
    if outcome in ("answer", "choice") and record["entry"]:
        return str(record["entry"])
    if outcome == "decline":
        return "-"
    return f"{outcome}:{','.join(record['suggestions'])}"


async def verdicts(config: Config, dialogues: list[list[Turn]], reader: MakeReader | None = None) -> list[Verdict]:
    """Every message of the dialogues through the real dispatcher (with `reader`: the Reader it makes), judged."""
    records = [r async for r in converse(config, ([t.message for t in d] for d in dialogues), reader)]
    return judged(dialogues, records)


def judged(dialogues: list[list[Turn]], records: list[dict[str, Any]]) -> list[Verdict]:
    """Each message's record (as `chat --json` prints it) judged against the message's labels."""
    flat = [(n, i, t) for n, d in enumerate(dialogues) for i, t in enumerate(d)]
    result: list[Verdict] = []
    held: str | None = None
    for (n, position, turn), record in zip(flat, records, strict=True):
        if position == 0:
            held = None
        facet = record["facet"] or ("what" if record["outcome"] == "answer" else None)
        answered = str(record["entry"]) if record["outcome"] in ("answer", "choice") and record["entry"] else None
        result.append(Verdict(n, position, turn, got_topic(record), facet, answered, held, bool(record["queued"])))
        if answered is not None:
            held = answered
        elif record["outcome"] == "suggest" and record["suggestions"]:
            held = str(record["suggestions"][0])
    return result


async def score(config: Config, dialogues: list[list[Turn]], reader: MakeReader | None = None) -> Score:
    result = Score()
    for verdict in await verdicts(config, dialogues, reader):
        result.count(verdict)
    return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def reading_latency(paths: list[Path]) -> str:
    content, matcher = build_matcher(ROOT / "content")
    reader = Reader(matcher, content)
    messages = [t.message for p in paths for d in load(p) for t in d]
    contexts = [Context(), Context("transport-subsidy"), Context("startup-subsidy", "pension")]
    for m in messages:
        reader.read(m, contexts[1])
    times: list[float] = []
    best: list[float] = []  # per message and context, the best of 3 runs: the cost without other processes
    for context in contexts:
        for m in messages:
            runs = []
            for _ in range(3):
                matcher.forget()  # every run reads the message for the first time
                tick = time.perf_counter_ns()
                reader.read(m, context)
                runs.append((time.perf_counter_ns() - tick) / 1e6)
            times += runs
            best.append(min(runs))
    return (
        f"reading (analysis + matching + context) warm, {len(times)} runs: p50 {statistics.median(times):.3f} ms, "
        f"p99 {percentile(times, 99):.3f} ms, max {max(times):.3f} ms; best of 3 per message: "
        f"p99 {percentile(best, 99):.3f} ms, max {max(best):.3f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--misses", action="store_true", help="print each miss")
    args = parser.parse_args()
    paths = [p for p in (args.files or DEFAULTS) if p.exists()]
    config = Config(content_dir=ROOT / "content")
    for path in paths:
        started = time.perf_counter()
        dialogues = load(path)
        result = await score(config, dialogues)
        elapsed = time.perf_counter() - started
        print(f"{path.name}: {len(dialogues)} dialogues, {result.line()} ({elapsed:.1f} s incl. start-up)")
        if args.misses:
            print("\n".join(f"  MISS {m}" for m in result.misses))
    print(reading_latency(paths))


if __name__ == "__main__":
    asyncio.run(main())
