"""FAQ benchmark: accuracy on the dev set (and the independent hold-out set), warm per-question latency,
questions per second through `python -m bot ask`, and process start to first answer.

Run by hand:  .venv/bin/python bench/faq_bench.py [--dev ../shared/eval/faq-dev-questions.tsv]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.faq.evaluation import evaluate, load_cases  # noqa: E402
from bot.services import build_matcher  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "faq-dev-questions.tsv")
    parser.add_argument("--holdout", type=Path, default=ROOT / "bench" / "data" / "faq-holdout.tsv")
    parser.add_argument("--heldout", type=Path, default=ROOT / "bench" / "data" / "heldout-questions.tsv")
    args = parser.parse_args()

    started = time.perf_counter()
    _, matcher = build_matcher(ROOT / "content")
    print(f"content + jieba + index built in {time.perf_counter() - started:.2f} s")

    for name, path in (("dev", args.dev), ("holdout", args.holdout), ("heldout", args.heldout)):
        if path.exists():
            print(f"{name:8} {evaluate(matcher, load_cases(path)).summary()}")

    questions = [c.question for c in load_cases(args.dev)] + [c.question for c in load_cases(args.holdout)]
    for q in questions:  # warm-up
        matcher.match(q)
    latencies = []
    best = []  # per question, the best of 5: its cost without other processes on a shared machine
    for q in questions:
        runs = []
        for _ in range(5):
            matcher.forget()  # every run reads the message for the first time
            tick = time.perf_counter_ns()
            matcher.match(q)
            runs.append((time.perf_counter_ns() - tick) / 1e6)
        latencies += runs
        best.append(min(runs))
    print(
        f"latency warm over {len(latencies)} runs: p50 {statistics.median(latencies):.3f} ms, "
        f"p99 {percentile(latencies, 99):.3f} ms, max {max(latencies):.3f} ms; best of 5 per question: "
        f"p99 {percentile(best, 99):.3f} ms"
    )

    lines = "\n".join(questions * 10) + "\n"
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    elapsed = time.perf_counter() - t0
    answered = len(done.stdout.splitlines())
    print(f"ask --json: {answered} questions in {elapsed:.2f} s = {answered / elapsed:.0f} q/s (including start-up)")

    starts = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "ask", "交通补贴咋领"], capture_output=True, cwd=ROOT, check=True)
        starts.append(time.perf_counter() - t0)
    print(f"process start to first answer: best {min(starts):.2f} s, median {statistics.median(starts):.2f} s")


if __name__ == "__main__":
    main()
