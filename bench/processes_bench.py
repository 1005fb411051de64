"""Several `python -m bot serve` processes on one PostgreSQL: WeChat callbacks per second (next to bare aiohttp
processes on the same machine), push rate as a fraction of the platform's limit, and deliveries lost or doubled
when one process is killed with SIGKILL mid-push.

For each process count (default 1, 2, 4), in a fresh database:
1. WeChat: `--requests` safe-mode (AES) text callbacks (each a new MsgId and a real FAQ question: signature,
   decryption, XML, dedup claim, dispatcher, question log, encrypted passive reply), spread round-robin over the
   processes' ports with `--concurrency` in flight (no proxy: nginx would add its own cost), and the same requests
   against as many bare aiohttp processes answering "success".
2. Push: `--pushes` Telegram pushes (one per recipient) to the fake Bot API (tests/fakes/telegram.py) enforcing
   `--limit` messages a second with 429s; the bots pace at `--rate` in total (bot/pacing.py). Rate = sends / time
   from the first to the last send; floods = 429s the fake answered.
   Also the CPU time per callback spent in the bot processes and in PostgreSQL (its backends, from /proc): with
   the wall-clock rate this says whether the machine's cores or waiting (locks, round trips) bound the rate.
3. Kill: another push; once a third has arrived, one process is killed with SIGKILL (with one process, systemd's
   restart is imitated: a new process starts). Lost = recipients never reached; doubled = extra sends.

Run:  .venv/bin/python bench/processes_bench.py --postgres postgresql://postgres@127.0.0.1:5432/postgres
      [--processes 1 2 4] [--requests 1500] [--concurrency 16] [--pushes 300] [--limit 30] [--rate 25]
(or BOT_TEST_POSTGRES set, as ./test.sh does). Needs the CPU to itself to mean anything.

Measured 2026-12-02 on 2 cores shared with other jobs (--requests 800 --pushes 200):
processes 1/2/4: WeChat 222/266/131 callbacks/s (bare aiohttp 0.03-0.11 of that), CPU per callback 3.2/4.1/5.1 ms
in the bot + 2.1/2.4/2.5 ms in PostgreSQL: the two cores are the bottleneck (~6.5 ms CPU a callback caps them
near 300/s; more processes than cores only add switching). Pushes 24.9/25.1/24.9 a second = 0.83 of Telegram's 30
(the pacing's 25, kept below the limit on purpose), no 429; after SIGKILL mid-push 0 lost, 0 doubled (another
run: 4 doubled with 4 processes; the bound is the killed process's deliveries in flight, outbox.concurrency).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import asyncpg
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bot_fleet import Fleet, cpu_seconds, postmaster  # noqa: E402
from bench.wechat_bench import QUESTIONS, Request, run  # noqa: E402
from bot.messages import Reply  # noqa: E402
from bot.outbox.sender import Outbox, Push  # noqa: E402
from storage import Database  # noqa: E402
from tests.fakes.net import free_port  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.fakes.telegram_refusals import FloodLimits  # noqa: E402
from tests.fakes.wechat import encrypted, message_xml  # noqa: E402


async def bare(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text="success")


async def serve_bare(port: int) -> None:
    app = web.Application()
    app.router.add_post("/wechat", bare)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


def callbacks(count: int, offset: int) -> list[Request]:
    """Safe-mode (AES) text callbacks, as production is configured (see bench/wechat_bench.py for plain mode)."""
    requests: list[Request] = []
    for i in range(count):
        xml = message_xml(f"user-{i % 50}", "text", msg_id=offset + i, Content=QUESTIONS[i % len(QUESTIONS)])
        body, query = encrypted(xml, nonce=f"n{offset + i}")
        requests.append(("/wechat", query, body))
    return requests


async def spread(ports: list[int], requests: list[Request], concurrency: int) -> float:
    """Requests per second over all ports (each port gets its share, all at once)."""
    shares = [requests[n :: len(ports)] for n in range(len(ports))]
    per_port = max(1, concurrency // len(ports))
    started = time.perf_counter()
    await asyncio.gather(*(run(f"http://127.0.0.1:{p}", s, per_port) for p, s in zip(ports, shares, strict=True)))
    return len(requests) / (time.perf_counter() - started)


async def bare_rate(count: int, processes: int, concurrency: int) -> float:
    ports = [free_port() for _ in range(processes)]
    children = [await asyncio.create_subprocess_exec(sys.executable, __file__, "--bare", str(p)) for p in ports]
    try:
        for port in ports:  # up once it accepts a connection
            for _ in range(300):
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    break
                except OSError:
                    await asyncio.sleep(0.1)
        await spread(ports, callbacks(min(200, count), 8_000_000), concurrency)  # warm-up
        return await spread(ports, callbacks(count, 9_000_000), concurrency)
    finally:
        for child in children:
            child.terminate()
            await child.wait()


async def push(db: Database, item: str, recipients: list[int]) -> None:
    await Outbox(db).enqueue(
        "notice", item, [Push("telegram", str(r), "user", Reply(f"招工 {item}")) for r in recipients]
    )


async def until(predicate: object, within: float = 300) -> None:
    deadline = time.monotonic() + within
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise RuntimeError("timed out")
        await asyncio.sleep(0.05)


async def one_count(server: str, processes: int, args: argparse.Namespace) -> dict[str, float]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f"CREATE DATABASE {name}")
    dsn = server.rsplit("/", 1)[0] + f"/{name}"
    fake = await FakeTelegram(flood=FloodLimits(overall_per_second=args.limit)).start()
    db = await Database.open(dsn)
    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        fleet = Fleet(dsn, fake, Path(tmp), args.rate)
        try:
            for _ in range(processes):
                fleet.start()
            await fleet.ready()
            await spread(fleet.ports, callbacks(min(200, args.requests), 1_000_000), args.concurrency)  # warm-up
            pg_pid = await postmaster(db)
            pg = {pg_pid} if pg_pid else set()
            bots = {process.pid for process, _ in fleet.processes}
            bot_cpu, pg_cpu = cpu_seconds(bots), cpu_seconds(pg, pg_pid)
            result["wechat"] = await spread(fleet.ports, callbacks(args.requests, 2_000_000), args.concurrency)
            result["bot_ms"] = (cpu_seconds(bots) - bot_cpu) * 1000 / args.requests
            result["pg_ms"] = (cpu_seconds(pg, pg_pid) - pg_cpu) * 1000 / args.requests
            first = list(range(10_000, 10_000 + args.pushes))
            await push(db, "rate", first)
            await until(lambda: len({s.chat_id for s in fake.sent}) >= len(first))
            times = sorted(s.at for s in fake.sent)
            result["push_rate"] = (len(times) - 1) / (times[-1] - times[0])
            result["floods"] = sum(fake.floods.values())
            second = list(range(20_000, 20_000 + args.pushes))
            await push(db, "kill", second)
            wanted = {str(r) for r in second}
            await until(lambda: sum(1 for s in fake.sent if s.chat_id in wanted) >= len(second) // 3)
            fleet.kill_one()
            if processes == 1:
                fleet.start()  # systemd's Restart=on-failure
            await until(lambda: {s.chat_id for s in fake.sent} >= wanted)
            await asyncio.sleep(2 * 5)  # a lapsed claim sent late would show as a double
            got = Counter(s.chat_id for s in fake.sent if s.chat_id in wanted)
            result["lost"] = len(wanted - set(got))
            result["doubled"] = sum(n - 1 for n in got.values())
        finally:
            fleet.stop()
            await db.close()
            await fake.stop()
            await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
            await admin.close()
    result["bare"] = await bare_rate(args.requests, processes, args.concurrency)
    return result


async def main_async(args: argparse.Namespace) -> None:
    print(f"{args.requests} WeChat callbacks ({args.concurrency} in flight), {args.pushes} pushes per run, platform")
    print(f"limit {args.limit}/s, pacing {args.rate}/s in total, {os.cpu_count()} CPUs; one fresh database per row")
    print(
        f"{'processes':>9} {'wechat/s':>9} {'bare/s':>8} {'ratio':>6} {'bot ms':>7} {'pg ms':>6} {'push/s':>7} "
        f"{'of limit':>8} {'429s':>5} {'lost':>5} {'doubled':>7}"
    )
    for count in args.processes:
        r = await one_count(args.postgres, count, args)
        print(
            f"{count:>9} {r['wechat']:9.0f} {r['bare']:8.0f} {r['wechat'] / r['bare']:6.2f} {r['bot_ms']:7.1f} "
            f"{r['pg_ms']:6.1f} {r['push_rate']:7.1f} {r['push_rate'] / args.limit:8.2f} {r['floods']:5.0f} "
            f"{r['lost']:5.0f} {r['doubled']:7.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("BOT_TEST_POSTGRES"))
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--pushes", type=int, default=300)
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--rate", type=int, default=25)
    parser.add_argument("--bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        asyncio.run(serve_bare(args.bare))
        return
    if not args.postgres:
        parser.error("--postgres DSN (or BOT_TEST_POSTGRES) is required")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
