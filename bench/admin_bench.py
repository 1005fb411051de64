"""Workbench benchmark: 总览 and a campaign's reach page under 20 concurrent staff sessions while a push runs.

Generated data: N laborers over every township (20 villages each), 60% bound to a chat account, M service
events over the four 1131 kinds, one briefing campaign to everyone (85% delivered, the rest unreachable).
Then the real server on a loopback port, and while the outbox sends a new campaign through a fake
transport, 20 signed-in sessions request one page as fast as they can for a while. Reported per page and
scope: requests, p50 and p99 of the server's time per page (measured inside the server) and of the round trip
seen by the sessions (which run in a separate process), and the time of one request before anything was cached.

Run by hand:  .venv/bin/python bench/admin_bench.py [--people 100000] [--events 1000000] [--seconds 20]
              [--think 0] [--keep DIR] [--database postgresql://…]
              (--think: a session's pause between requests; 0 = back to back; --database: a PostgreSQL server)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.admin.accounts import WEB_CHANNEL  # noqa: E402
from bot.admin.security import SESSION_COOKIE  # noqa: E402
from bot.briefings.catalog import load_briefings  # noqa: E402
from bot.briefings.send import start_campaign  # noqa: E402
from bot.config import Config, RosterConfig, WebConfig  # noqa: E402
from bot.messages import Reply  # noqa: E402
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind  # noqa: E402
from bot.services import Services, build_services, load_checked_content  # noqa: E402
from bot.web import build_app, start_server  # noqa: E402
from storage import Database, Staff  # noqa: E402
from storage.ledger import rebuild_counts  # noqa: E402

KINDS = ("policy_briefing", "career_guidance", "job_recommendation", "training")
SESSIONS = 20


class SlowPlatform:
    """A platform edge that accepts every push after a short wait (the push that runs meanwhile)."""

    channel = "bench"

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        await asyncio.sleep(0.05)
        return DeliveryResult(DeliveryStatus.SENT)


async def fill(svc: Services, people: int, events: int) -> None:
    db = svc.db
    townships = list(svc.content.townships)
    rng = random.Random(1)
    rows = []
    for n in range(people):
        township = townships[n % len(townships)]
        status = "无就业意愿" if n % 11 == 0 else "务工" if n % 2 else "未就业"
        digest = f"{rng.getrandbits(256):064x}"
        rows.append(
            (
                digest[:16],
                digest,
                f"{n % 10000:04d}",
                f"劳{n}",
                f"13{rng.randrange(10**9):09d}",
                township,
                f"{n // len(townships) % 20}村",
                "脱贫户" if n % 3 else "监测户",
                status,
            )
        )
    await db.executemany(
        "INSERT INTO people (person_id, id_hash, id_last4, name, phone, township_id, village, categories, "
        "work_status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '2024-01-01', '2024-01-01')",
        rows,
    )
    ids = [r[0] for r in rows]
    bound = [(f"u{i}", pid) for i, pid in enumerate(ids) if rng.random() < 0.6]
    await db.executemany(
        "INSERT INTO bindings (channel, user_id, person_id, method, bound_at) VALUES ('bench', ?, ?, 'code', '')",
        bound,
    )
    event_rows = [
        (KINDS[n % 4] if n % 7 else "job_recommendation", ids[rng.randrange(len(ids))], f"r{n % 5000}")
        for n in range(events)
    ]
    async with db.transaction() as tx:
        for start in range(0, len(event_rows), 50_000):  # in chunks: each within PostgreSQL's command timeout
            await tx.executemany(
                "INSERT INTO service_events (kind, person_id, ref, source, occurred_at, created_at) "
                "VALUES (?, ?, ?, 'bot', '2024-01-01', '2024-01-01') ON CONFLICT DO NOTHING",
                event_rows[start : start + 50_000],
            )
        await rebuild_counts(tx)
    briefings = load_briefings(svc.content)
    first = await start_campaign(db, svc.outbox, svc.content, briefings["transport-retention"])
    await db.execute(
        "UPDATE outbox SET status = CASE WHEN id * 37 % 100 < 85 THEN 'sent' ELSE 'unreachable' END, "
        "sent_at = '2024-01-02', notified = 1 WHERE item_kind = 'briefing'"
    )
    await db.execute("ANALYZE")
    assert first.campaign_id == 1


async def session_cookie(svc: Services, login: str, staff: Staff) -> str:
    await svc.directory.add_staff(staff)
    account = await svc.accounts.store.create(login, staff.channel, staff.user_id, "bench")
    return await svc.accounts.open_session(account, "bench")


def percentiles(seconds: list[float]) -> str:
    ms = sorted(t * 1000 for t in seconds)
    if not ms:
        return "no requests"
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"p50 {statistics.median(ms):7.1f} ms  p99 {p99:7.1f} ms"


async def hammer(base: str, cookie: str, path: str, seconds: float, think: float) -> list[float]:
    times: list[float] = []
    async with aiohttp.ClientSession(base, cookies={SESSION_COOKIE: cookie}) as http:
        until = time.perf_counter() + seconds
        while time.perf_counter() < until:
            started = time.perf_counter()
            async with http.get(path, allow_redirects=False) as response:
                await response.read()
                assert response.status == 200, (path, response.status)
            times.append(time.perf_counter() - started)
            await asyncio.sleep(think)
    return times


async def load(base: str, cookie: str, path: str, seconds: float, think: float) -> None:
    """The staff side, in its own process (so the browsers' work is not counted as the server's)."""
    runs = await asyncio.gather(*(hammer(base, cookie, path, seconds, think) for _ in range(SESSIONS)))
    print(json.dumps([t for run in runs for t in run]))


@web.middleware
async def stopwatch(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Server time of each page: from the request reaching the app to the response being ready."""
    started = time.perf_counter()
    response = await handler(request)
    SERVER_TIMES.append(time.perf_counter() - started)
    return response


SERVER_TIMES: list[float] = []
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def scenario(base: str, label: str, cookie: str, path: str, seconds: float, think: float) -> str:
    """One request alone first (nothing cached for it yet), then SESSIONS sessions at once from another process."""
    async with aiohttp.ClientSession(base, cookies={SESSION_COOKIE: cookie}) as http:
        started = time.perf_counter()
        async with http.get(path) as response:
            await response.read()
        cold = time.perf_counter() - started
    SERVER_TIMES.clear()
    process = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--load", base, cookie, path, str(seconds), str(think), stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    client = json.loads(out)
    return (
        f"{label:34} {len(client):6d} req  server {percentiles(SERVER_TIMES)}  "
        f"round trip {percentiles(client)}  cold {cold * 1000:7.0f} ms"
    )


async def bench(people: int, events: int, seconds: float, think: float, folder: Path, database: str | None) -> None:
    config = Config(
        data_dir=folder,
        roster=RosterConfig(id_key="bench-key"),
        web=WebConfig(password_memory_kib=8192, password_time_cost=1),
        console=False,
        database=database,
    )
    content = load_checked_content(config.content_dir)
    db = await Database.open(config.database_path)
    svc = build_services(config, content, db)
    try:
        started = time.perf_counter()
        if await svc.briefings.campaign(1) is None:
            await fill(svc, people, events)
            print(f"(generated {people} people, {events} events, 2 campaigns in {time.perf_counter() - started:.0f} s)")
        else:
            print("(reusing the database kept from an earlier run)")
        campaign, township = 1, next(iter(svc.content.townships))
        # a new campaign to every bound laborer is the push that runs while staff look at the pages
        briefing = load_briefings(svc.content)["training-allowance"]
        pushed = str((await start_campaign(db, svc.outbox, svc.content, briefing)).campaign_id)
        bureau = await session_cookie(svc, "boss", Staff(WEB_CHANNEL, "boss", "bureau", "局", None, None))
        station = await session_cookie(svc, "zhan", Staff(WEB_CHANNEL, "zhan", "station", "站", township, None))
        app = build_app(svc)
        app.middlewares.append(stopwatch)
        runner = await start_server(app, "127.0.0.1", 0)
        host, port = runner.addresses[0][:2]
        base = f"http://{host}:{port}"
        push = asyncio.create_task(svc.outbox.run({"bench": SlowPlatform()}))
        try:
            plan = [
                ("总览, bureau (county)", bureau, "/admin/overview"),
                (f"总览, station ({township})", station, "/admin/overview"),
                ("reach page, bureau (county)", bureau, f"/admin/briefings/{campaign}"),
                (f"reach page, station ({township})", station, f"/admin/briefings/{campaign}"),
            ]
            print(
                f"{SESSIONS} concurrent sessions ({think:g} s between a session's requests), {seconds:.0f} s per page, "
                "while a push runs:"
            )
            for label, cookie, path in plan:
                before = await svc.outbox.progress("briefing", pushed)
                line = await scenario(base, label, cookie, path, seconds, think)
                after = await svc.outbox.progress("briefing", pushed)
                print(f"{line}  (push: {after.sent - before.sent} sent meanwhile)", flush=True)
        finally:
            push.cancel()
            await asyncio.gather(push, return_exceptions=True)
            await runner.cleanup()
    finally:
        await db.close()


def main() -> None:
    if sys.argv[1:2] == ["--load"]:
        base, cookie, path, seconds, think = sys.argv[2:7]
        asyncio.run(load(base, cookie, path, float(seconds), float(think)))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think", type=float, default=0.0, help="seconds a session waits between its requests")
    parser.add_argument("--keep", type=Path, help="keep the generated database in this folder (and reuse it)")
    parser.add_argument("--database", help="a PostgreSQL server DSN: the data goes to its database bench_admin_<N>")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    database = asyncio.run(postgres_database(args.database, args.people, bool(args.keep))) if args.database else None
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        asyncio.run(bench(args.people, args.events, args.seconds, args.think, args.keep, database))
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(args.people, args.events, args.seconds, args.think, Path(folder), database))


async def postgres_database(server: str, people: int, keep: bool) -> str:
    """The DSN of database bench_admin_<people> on the server: made afresh, or reused when kept."""
    import asyncpg

    name = f"bench_admin_{people}"
    conn = await asyncpg.connect(server)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists and not keep:
            await conn.execute(f"DROP DATABASE {name}")
        if not exists or not keep:
            await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


if __name__ == "__main__":
    main()
