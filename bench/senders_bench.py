"""Several outbox senders (separate processes) on one database: throughput, and deliveries lost or doubled
when one sender is killed with SIGKILL halfway.

Each sender process runs the real Outbox with its leases against the same database (an SQLite file, or
PostgreSQL with --postgres DSN: each run in a fresh schema) and a platform edge that takes `--latency`
seconds per push and writes every recipient it accepted to the process's own file, so a killed process
cannot hide a delivery. The parent enqueues `--deliveries` pushes (one per recipient), starts the senders,
and counts: lost = recipients nobody received, doubled = recipients received more than once.

Run:  .venv/bin/python bench/senders_bench.py [--deliveries 5000] [--senders 1 2 4] [--kill]
      [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.messages import Reply  # noqa: E402
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind  # noqa: E402
from bot.outbox.sender import Outbox, Push  # noqa: E402
from storage import Database  # noqa: E402

LEASE = 5.0


class FilePlatform:
    """The platform edge: every accepted push is appended (and flushed) to this process's file."""

    channel = "bench"

    def __init__(self, path: Path, latency: float) -> None:
        self.file = path.open("a", encoding="utf-8")
        self.latency = latency

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        await asyncio.sleep(self.latency)
        self.file.write(recipient + "\n")
        self.file.flush()
        return DeliveryResult(DeliveryStatus.SENT)


async def child(target: str, out: Path, latency: float) -> None:
    async with await Database.open(target) as db:
        box = Outbox(db, concurrency=32, lease=LEASE, poll_interval=0.05)
        await box.run({"bench": FilePlatform(out, latency)}, until_idle=True)


async def prepare(args: argparse.Namespace, tmp: Path, run: str) -> str:
    if args.postgres:
        import asyncpg

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        conn = await asyncpg.connect(args.postgres)
        await conn.execute(f"CREATE SCHEMA {schema}")
        await conn.close()
        target = f"{args.postgres}{'&' if '?' in args.postgres else '?'}search_path={schema}"
    else:
        target = str(tmp / f"{run}.sqlite3")
    async with await Database.open(target) as db:
        pushes = [Push("bench", f"r{i}", "user", Reply("招工信息")) for i in range(args.deliveries)]
        await Outbox(db).enqueue("posting", "1", pushes)
    return target


def received(files: list[Path]) -> Counter[str]:
    got: Counter[str] = Counter()
    for path in files:
        if path.exists():
            got.update(line for line in path.read_text(encoding="utf-8").splitlines() if line)
    return got


async def one_run(args: argparse.Namespace, tmp: Path, senders: int) -> None:
    run = f"n{senders}{'k' if args.kill else ''}"
    target = await prepare(args, tmp, run)
    files = [tmp / f"{run}-{i}.txt" for i in range(senders)]
    started = time.monotonic()
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--child",
            target,
            "--out",
            str(f),
            "--latency",
            str(args.latency),
            stderr=(tmp / f"{run}-{i}.log").open("w"),
        )
        for i, f in enumerate(files)
    ]
    in_flight = 0
    if args.kill:
        while sum(received(files).values()) < args.deliveries // 2:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        procs[0].send_signal(signal.SIGKILL)
        await procs[0].wait()
        async with await Database.open(target) as db:
            row = await db.fetchone(
                "SELECT count(*) FROM outbox WHERE status = 'sending' AND claimed_by LIKE ?", (f"%:{procs[0].pid}:%",)
            )
            in_flight = int(row[0]) if row else 0
    for proc in procs:
        await proc.wait()
    elapsed = time.monotonic() - started
    got = received(files)
    lost = args.deliveries - len(got)
    doubled = sum(1 for n in got.values() if n > 1)
    per_sender = [sum(received([f]).values()) for f in files]
    rate = args.deliveries / elapsed
    line = f"{senders} sender(s): {rate:7.0f} deliveries/s ({elapsed:5.1f} s incl. start-up), per sender {per_sender}"
    if args.kill:
        line += f"; killed one with {in_flight} in flight: lost {lost}, doubled {doubled}"
    else:
        line += f"; lost {lost}, doubled {doubled}"
    print(line, flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--senders", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the platform takes per push")
    parser.add_argument("--kill", action="store_true", help="SIGKILL the first sender halfway")
    parser.add_argument("--postgres", help="a PostgreSQL DSN (default: an SQLite file)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        await child(args.child, args.out, args.latency)
        return
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(
        f"{args.deliveries} deliveries on {engine}, platform latency {args.latency * 1000:.0f} ms, lease {LEASE:.0f} s"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for senders in args.senders:
            await one_run(args, Path(tmp), senders)


if __name__ == "__main__":
    asyncio.run(main())
