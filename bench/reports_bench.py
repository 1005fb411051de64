"""Report scaling: each report query behind 总览, the reach page and the exports, timed at several roster sizes,
and how much longer it takes at the largest size than at the smallest (linear growth = the size ratio).

The data is admin_bench.py's (N laborers over every township, 10 service events each, one campaign to all).
Each query runs uncached (the page cache is not involved) `--repeat` times after one warm-up run; the median
is reported. On SQLite (a file per size) or on PostgreSQL (`--database` a server DSN: a database per size is
created there, `bench_reports_<N>`, and dropped afterwards unless --keep).

Run by hand:  .venv/bin/python bench/reports_bench.py [--people 10000,100000] [--database postgresql://…]
              [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.admin_bench import fill  # noqa: E402
from bot.config import Config, RosterConfig  # noqa: E402
from bot.services import build_services, load_checked_content  # noqa: E402
from storage import Database  # noqa: E402
from storage.people import Scope  # noqa: E402
from storage.reports import ReportStore  # noqa: E402


def queries(store: ReportStore, township: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    county, one = Scope(), Scope(township)
    return {
        "reach, county": lambda: store.reach(1, county),
        "reach, township": lambda: store.reach(1, one),
        "1131 completion, county": lambda: store.completion(county, wants_work=True),
        "1131 completion, township by village": lambda: store.completion(one, by_village=True, wants_work=True),
        "answers, county": lambda: store.answers(1, county),
        "unreached first 100, county": lambda: store.unreached(1, county, limit=100),
        "roster export page (2000), township": lambda: store.status_page(county, township, None, 2000),
    }


async def admin_run(dsn: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def measure(people: int, database: str | None, folder: Path, repeat: int) -> dict[str, float]:
    target: str | Path = folder / f"reports-{people}.sqlite3"
    if database:
        name = f"bench_reports_{people}"
        await admin_run(database, f"DROP DATABASE IF EXISTS {name}")
        await admin_run(database, f"CREATE DATABASE {name}")
        target = urlunsplit(urlsplit(database)._replace(path=f"/{name}"))
    config = Config(data_dir=folder, roster=RosterConfig(id_key="bench-key"), console=False, database=str(target))
    content = load_checked_content(config.content_dir)
    db = await Database.open(config.database_path)
    try:
        started = time.perf_counter()
        await fill(build_services(config, content, db), people, people * 10)
        print(f"(generated {people} people, {people * 10} events in {time.perf_counter() - started:.0f} s)", flush=True)
        times: dict[str, float] = {}
        for label, run in queries(ReportStore(db), next(iter(content.townships))).items():
            await run()
            took = []
            for _ in range(repeat):
                begun = time.perf_counter()
                await run()
                took.append(time.perf_counter() - begun)
            times[label] = statistics.median(took)
        return times
    finally:
        await db.close()


async def bench(sizes: list[int], database: str | None, folder: Path, repeat: int, keep: bool) -> None:
    results = {n: await measure(n, database, folder, repeat) for n in sizes}
    if database and not keep:
        for n in sizes:
            await admin_run(database, f"DROP DATABASE IF EXISTS bench_reports_{n}")
    first, last = sizes[0], sizes[-1]
    engine = "PostgreSQL" if database else "SQLite"
    print(f"{engine}, median of {repeat} (ms); growth {first} -> {last} laborers (size ratio {last / first:g}):")
    print(f"{'query':40}" + "".join(f"{n:>10}" for n in sizes) + "    growth")
    for label in results[first]:
        cells = "".join(f"{results[n][label] * 1000:10.1f}" for n in sizes)
        growth = results[last][label] / max(results[first][label], 1e-6)
        print(f"{label:40}{cells}  {growth:7.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", default="10000,100000", help="roster sizes, comma-separated, smallest first")
    parser.add_argument("--database", help="a PostgreSQL server DSN (default: SQLite files)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the generated databases (SQLite files in this folder)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.people.split(",")]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        asyncio.run(bench(sizes, args.database, args.keep, args.repeat, True))
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(sizes, args.database, Path(folder), args.repeat, False))


if __name__ == "__main__":
    main()
