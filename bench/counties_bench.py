"""Prefecture benchmark on PostgreSQL: 14 counties × ~70,000 laborers (1,000,000) and 10,000,000 service
events; import time, and each county's and the prefecture's reach and 1131 reports (targets: < 2 s per county,
< 10 s for the prefecture).

Everything is generated and fictional: a content tree of 14 counties (`c01`…`c14`, 15 townships each, the
shipped FAQ shared), one county's ledger imported through the real importer (CSV), the other counties' people
and every service event bulk-loaded with COPY (the 1131 counts then rebuilt once), 60% of people bound to a
chat account, one briefing campaign to everyone with outcomes set in bulk (85% sent, 30% confirmed).

Run by hand, against a server you started (scripts/postgres.sh starts a throwaway one for ./test.sh):
    .venv/bin/python bench/counties_bench.py --dsn postgresql://postgres@127.0.0.1:5432/postgres \
        [--counties 14] [--people 1000000] [--events 10000000]
It creates (and drops first) the database `counties_bench` on that server.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.counties_data import NOW, PEOPLE_COLUMNS, content_tree, event_records, people_records, write_ledger  # noqa: E402
from bot.content import ContentPack, load_content  # noqa: E402
from bot.reports.rollup import by_county, county_scope  # noqa: E402
from bot.reports.service import completion_text, reach_text  # noqa: E402
from bot.roster.importer import import_ledger  # noqa: E402
from storage import Database  # noqa: E402
from storage.ledger import rebuild_counts  # noqa: E402
from storage.people import Scope  # noqa: E402
from storage.reports import ReportStore  # noqa: E402

KEY = "bench-key"
CHUNK = 200_000
EVENT_INDEXES = (
    "CREATE UNIQUE INDEX service_events_once_person ON service_events (person_id, kind, ref) "
    "WHERE person_id IS NOT NULL",
    "CREATE UNIQUE INDEX service_events_once_user ON service_events (channel, user_id, kind, ref) "
    "WHERE person_id IS NULL",
    "CREATE INDEX service_events_kind ON service_events (kind, occurred_at)",
)


async def copy(conn: asyncpg.Connection, table: str, columns: list[str], records: Iterator[tuple[Any, ...]]) -> int:
    """COPY the records in chunks (memory stays flat)."""
    total = 0
    while True:
        chunk = [r for _, r in zip(range(CHUNK), records, strict=False)]
        if not chunk:
            return total
        await conn.copy_records_to_table(table, records=chunk, columns=columns)
        total += len(chunk)


async def timed(label: str, work: Awaitable[Any]) -> Any:
    started = time.perf_counter()
    result = await work
    print(f"{label:58} {time.perf_counter() - started:8.2f} s", flush=True)
    return result


async def repeated(label: str, work: Callable[[], Awaitable[Any]], runs: int = 3) -> Any:
    """Best and worst of `runs` (the first is often colder)."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = await work()
        times.append(time.perf_counter() - started)
    print(f"{label:58} {min(times):8.2f} s  (worst {max(times):.2f} s of {runs})", flush=True)
    return result


async def load(dsn: str, db: Database, content: ContentPack, folder: Path, people: int, events: int) -> int:
    counties = list(content.counties)
    per_county = people // len(counties)
    ledger = folder / "c01.csv"
    write_ledger(ledger, content, "c01", per_county)
    report = await timed(
        f"import one county's ledger through the importer ({per_county} rows, CSV)",
        import_ledger(ledger, _roster(db), content, KEY, county="c01"),
    )
    assert report.applied and not report.bad_count, report.summary()
    conn = await asyncpg.connect(dsn)
    try:
        rest = people - per_county
        await timed(
            f"bulk load the other {len(counties) - 1} counties ({rest} people, COPY)",
            copy(conn, "people", PEOPLE_COLUMNS, people_records(content, counties[1:], 0, rest)),
        )
        ids = [r[0] for r in await conn.fetch("SELECT person_id FROM people ORDER BY person_id")]
        rng = random.Random(3)
        bound = [(f"u{i}", pid) for i, pid in enumerate(ids) if rng.random() < 0.6]
        rows = (("bench", user, pid, "code", NOW) for user, pid in bound)
        await timed(
            f"bind {len(bound)} chat accounts (COPY)",
            copy(conn, "bindings", ["channel", "user_id", "person_id", "method", "bound_at"], rows),
        )
        for index in ("service_events_once_person", "service_events_once_user", "service_events_kind"):
            await conn.execute(f"DROP INDEX IF EXISTS {index}")
        columns = ["kind", "person_id", "channel", "user_id", "ref", "source", "occurred_at", "created_at"]
        users = [user for user, _ in bound]
        await timed(
            f"bulk load {events} service events (COPY)",
            copy(conn, "service_events", columns, event_records(ids, users, events)),
        )
        await timed("recreate the service_events indexes", _indexes(conn))
        await timed("rebuild the 1131 counts once", rebuild_counts(db))
        cid = await timed("one campaign to everyone (targets, outbox, outcomes)", _campaign(conn))
        await timed("ANALYZE", conn.execute("ANALYZE"))
        return int(cid)
    finally:
        await conn.close()


def _roster(db: Database) -> Any:
    from storage.roster import RosterStore

    return RosterStore(db)


async def _indexes(conn: asyncpg.Connection) -> None:
    for statement in EVENT_INDEXES:
        await conn.execute(statement)


async def _campaign(conn: asyncpg.Connection) -> int:
    cid = await conn.fetchval(
        "INSERT INTO briefing_campaigns (briefing_id, target, created_by, created_at) "
        "VALUES ('transport-retention', '{}', 'bench', $1) RETURNING id",
        NOW,
    )
    await conn.execute(
        "INSERT INTO briefing_targets (campaign_id, person_id, channel, user_id, confirmed_at) "
        "SELECT $1, p.person_id, b.channel, b.user_id, CASE WHEN b.user_id IS NOT NULL AND random() < 0.3 "
        "THEN $2 END FROM people p LEFT JOIN bindings b ON b.person_id = p.person_id",
        cid,
        NOW,
    )
    await conn.execute(
        "INSERT INTO outbox (item_kind, item_id, channel, recipient, kind, reply, person_id, user_id, status, "
        "next_attempt_at, created_at, updated_at) SELECT 'briefing', $1, t.channel, t.user_id, 'user', '{}', "
        "t.person_id, t.user_id, CASE WHEN random() < 0.85 THEN 'sent' ELSE 'unreachable' END, 0, $2, $2 "
        "FROM briefing_targets t WHERE t.campaign_id = $3 AND t.channel IS NOT NULL",
        str(cid),
        NOW,
        cid,
    )
    return int(cid)


async def reports(db: Database, content: ContentPack, cid: int) -> None:
    store = ReportStore(db)
    first = county_scope(content, "c01")
    last = county_scope(content, list(content.counties)[-1])
    for name, scope in (("county c01 (imported)", first), (f"county {last.county_id}", last)):
        await repeated(f"reach report, {name}", partial(store.reach, cid, scope))
        await repeated(f"1131 report, {name}", partial(store.completion, scope))
        await repeated(f"1131 page, {name} (those who want work)", partial(store.completion, scope, wants_work=True))

    async def prefecture_reach() -> list[Any]:
        rows = await store.reach(cid, Scope())
        reach_text(rows, content, "全市")
        return by_county(rows, content)

    async def prefecture_1131() -> list[Any]:
        rows = await store.completion(Scope())
        completion_text(rows, content)
        return by_county(rows, content)

    rolled = await repeated("reach report, prefecture (rolled up per county)", prefecture_reach)
    print(f"  {len(rolled)} counties, {sum(r.targeted for r in rolled)} targeted")
    rolled = await repeated("1131 report, prefecture (rolled up per county)", prefecture_1131)
    print(f"  {len(rolled)} counties, {sum(r.people for r in rolled)} people")


async def bench(dsn: str, counties: int, people: int, events: int) -> None:
    admin = await asyncpg.connect(dsn)
    await admin.execute("DROP DATABASE IF EXISTS counties_bench")
    await admin.execute("CREATE DATABASE counties_bench")
    await admin.close()
    target = dsn.rsplit("/", 1)[0] + "/counties_bench"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        content = load_content(content_tree(folder, counties))
        print(f"{counties} counties, {len(content.townships)} townships, {people} people, {events} events")
        db = await Database.open(target)
        try:
            cid = await load(target, db, content, folder, people, events)
            await reports(db, content, cid)
        finally:
            await db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dsn", required=True, help="a PostgreSQL server (the bench creates counties_bench on it)")
    parser.add_argument("--counties", type=int, default=14)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    args = parser.parse_args()
    asyncio.run(bench(args.dsn, args.counties, args.people, args.events))


if __name__ == "__main__":
    main()
