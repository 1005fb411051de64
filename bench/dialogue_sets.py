"""Every dialogue set in bench/data, one line each, and the pooled figures: follow-up topic, all-message
topic, facet, small talk queued for staff, and wrong topic switches (a follow-up answered with an entry
that is neither labelled nor the topic the bot held before it: the reader left the topic for a wrong one).

Meant for A/B runs of a change to the conversation reader: `--save F` writes the per-message results,
`--against F` prints the messages whose result changed (fixed or broken) since that run.

Run by hand:  .venv/bin/python bench/dialogue_sets.py [--misses] [--save F] [--against F] [files…]
(default: every bench/data/*dialogues*.tsv; never the dev set in ../shared/eval)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dialogue_bench import Score, Turn, Verdict, load, verdicts  # noqa: E402
from bench.writers import DIALOGUES  # noqa: E402
from bot.chat_json import MakeReader  # noqa: E402
from bot.config import Config  # noqa: E402


@dataclass
class Tally(Score):
    """dialogue_bench's figures, plus wrong topic switches and each message's row (for --against)."""

    wrong_switches: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    def count(self, verdict: Verdict, name: str = "") -> None:
        super().count(verdict)
        self.wrong_switches += verdict.wrong_switch
        self.rows.append(
            {
                "key": f"{name}:{verdict.dialogue}:{verdict.position}",
                "message": verdict.turn.message,
                "expected": "|".join(sorted(verdict.turn.expected)),
                "facet_expected": verdict.turn.facet,
                "got": verdict.topic,
                "facet": verdict.facet,
                "held": verdict.held,
                "right": verdict.right,
                "followup": verdict.followup,
                "facet_right": (not verdict.labelled) or verdict.facet_right,
            }
        )

    def cells(self) -> str:
        def pct(a: int, b: int) -> str:
            return f"{a:4}/{b:<4} {a / b:6.1%}" if b else "-"

        return (
            f"{pct(self.followup_topic, self.followups)} | {pct(self.topic, self.messages)} | "
            f"{pct(self.facet, self.facets)} | {self.smalltalk_queued:3} | {self.wrong_switches:3}"
        )


async def tally(config: Config, name: str, dialogues: list[list[Turn]], reader: MakeReader | None = None) -> Tally:
    """The figures of one set read through the real dispatcher (with `reader`: the Reader it makes)."""
    return tallied(name, await verdicts(config, dialogues, reader))


def tallied(name: str, judged: list[Verdict]) -> Tally:
    result = Tally()
    for verdict in judged:
        result.count(verdict, name)
    return result


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--misses", action="store_true", help="print each follow-up topic miss with context")
    parser.add_argument("--save", type=Path, help="write the per-message results as JSON")
    parser.add_argument("--against", type=Path, help="compare with results saved by an earlier run")
    args = parser.parse_args()
    paths = args.files or [ROOT / "bench" / "data" / f"{s}.tsv" for s in DIALOGUES]
    config = Config(content_dir=ROOT / "content")
    pooled = Tally()
    print(f"{'set':22} | {'follow-up topic':17} | {'all-message topic':17} | {'facet':17} | st  | sw")
    rows: list[dict[str, Any]] = []
    for path in paths:
        result = await tally(config, path.stem, load(path))
        print(f"{path.stem:22} | {result.cells()}")
        pooled.add(result)
        rows += result.rows
    print(f"{'pooled':22} | {pooled.cells()}")
    if args.misses:
        previous: dict[str, Any] = {}
        for row in rows:
            if row["followup"] and not row["right"]:
                print(
                    f"MISS {row['key']:22} held {row['held']} want {row['expected']} {row['facet_expected']} "
                    f"got {row['got']} {row['facet']}\n     prev: {previous.get('message', '')}\n"
                    f"     msg:  {row['message']}"
                )
            previous = row
    if args.save:
        args.save.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    if args.against:
        before = {r["key"]: r for r in json.loads(args.against.read_text(encoding="utf-8"))}
        for row in rows:
            old = before.get(row["key"])
            if old is None or (old["right"], old["got"]) == (row["right"], row["got"]):
                continue
            mark = "FIXED" if row["right"] > old["right"] else "BROKE" if row["right"] < old["right"] else "moved"
            print(f"{mark} {row['key']:22} want {row['expected']} was {old['got']} now {row['got']}  {row['message']}")


if __name__ == "__main__":
    asyncio.run(main())
