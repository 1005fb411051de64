"""WeChat callback benchmark: signed callback requests per second on loopback, plain and safe (AES)
mode, with p50/p99 latency, next to a bare aiohttp handler served by the same server process.

Every callback request is a new text question (its own MsgId), so each one goes the whole way:
signature and XML checks, (decryption,) wechatpy parsing, deduplication claim, the dispatcher with
the real FAQ matcher, the question log and a passive reply. The server runs in a child process;
requests are built and signed before timing, so the client's work is only sending them.

Two more rows bound what any callback could reach on this machine and interpreter. "FAQ reading alone" is
a bare aiohttp handler that reads the posted question with the real FAQ reader and renders the answer (no
WeChat layer, no database). "+ the callback's rows" also writes and reads what a callback must — the
replay record, the claim, the conversation state, the question log, the passive answer — as the same eight
statements, synchronously on the event loop with the standard sqlite3 module in one transaction: storage
with no thread, no batching and no error handling, which a real bot cannot afford but nothing can beat.

Run by hand:  .venv/bin/python bench/wechat_bench.py [--requests 2000] [--concurrency 16] [--rounds 3]
              [--postgres postgresql://…]  (the bot's database on that server; SQLite otherwise)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.wechat.channel import WechatChannel  # noqa: E402
from bot.config import Config, WechatConfig  # noqa: E402
from bot.faq.answers import render_entry  # noqa: E402
from bot.faq.context import Context  # noqa: E402
from bot.messages import Inbound  # noqa: E402
from bot.services import Services, open_services  # noqa: E402
from bot.web import build_app, start_server  # noqa: E402
from handlers import build_dispatcher  # noqa: E402
from handlers.faq import reader  # noqa: E402
from storage.database import utc_now  # noqa: E402
from tests.fakes.wechat import AES_KEY, APP_ID, TOKEN, encrypted, message_xml, signed_query  # noqa: E402

QUESTIONS = [
    "交通补贴咋领",
    "稳岗补贴俺咋没领到",
    "开店租门面有补助没",
    "老板不给工钱咋办",
    "公益岗咋报名",
    "想学个手艺",
]
Request = tuple[str, dict[str, str], str]  # path, query, body


async def bare(request: web.Request) -> web.Response:
    await request.read()
    return web.Response(text="success")


def floor_handler(services: Services) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The FAQ reading alone: the posted question read (no conversation) and its answer rendered."""
    read = reader(services).read

    async def floor(request: web.Request) -> web.Response:
        reading = read((await request.read()).decode("utf-8"), Context())
        entry = services.content.entries.get(reading.entry or "")
        return web.Response(text=render_entry(services.content, entry).text if entry else "")

    return floor


# What one answered callback writes and reads (storage/wechat.py, storage/directory.py, storage/conversations.py,
# storage/questions.py), reduced to its statements.
CALLBACK_ROWS = (
    "INSERT INTO wechat_nonces (timestamp, nonce, body_hash, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT "
    "(timestamp, nonce) DO UPDATE SET seen_at = wechat_nonces.seen_at WHERE wechat_nonces.body_hash = "
    "excluded.body_hash RETURNING 1",
    "INSERT INTO recipients (channel, user_id, chat_id, status, last_inbound_at, updated_at) VALUES ('wechat', ?, ?, "
    "'active', ?, ?) ON CONFLICT (channel, user_id) DO UPDATE SET last_inbound_at = excluded.last_inbound_at",
    "INSERT INTO wechat_inbound (key, user_id, state, claimed_at, received_at) VALUES (?, ?, 'processing', 0, ?) "
    "ON CONFLICT (key) DO UPDATE SET retried = 1 RETURNING state, reply",
    "SELECT c.choices, c.topic, c.topic_at, s.role FROM conversations c LEFT JOIN staff s ON s.channel = c.channel "
    "AND s.user_id = c.user_id WHERE c.channel = 'wechat' AND c.chat_id = ? AND c.user_id = ?",
    "INSERT INTO conversations (channel, chat_id, user_id, topic, topic_at, updated_at) VALUES ('wechat', ?, ?, ?, "
    "?, ?) ON CONFLICT (channel, chat_id, user_id) DO UPDATE SET topic = excluded.topic, topic_at = excluded.topic_at",
    "INSERT INTO question_log (asked_at, channel, user_id, question, outcome, entry_id, score) VALUES (?, 'wechat', "
    "?, ?, 'answer', ?, 1.0)",
    "INSERT INTO conversations (channel, chat_id, user_id, choices, last_question, updated_at) VALUES ('wechat', ?, "
    "?, '[]', ?, ?) ON CONFLICT (channel, chat_id, user_id) DO UPDATE SET last_question = excluded.last_question",
    "UPDATE wechat_inbound SET state = 'passive', reply = ?, answered_at = ? WHERE key = ?",
)


def floor_rows_handler(services: Services, path: Path) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The FAQ reading plus the callback's rows, on a plain sqlite3 connection on the event loop."""
    read = reader(services).read
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=NORMAL")
    count = itertools.count()

    async def floor(request: web.Request) -> web.Response:
        question = (await request.read()).decode("utf-8")
        key, user, now = f"floor:{next(count)}", f"user-{len(question)}", utc_now()
        reading = read(question, Context())
        entry = services.content.entries.get(reading.entry or "")
        text = render_entry(services.content, entry).text if entry else ""
        nonce, recipient, claim, state, topic, log, choices, answer = CALLBACK_ROWS
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(nonce, (key, key, key, now)).fetchall()
        conn.execute(recipient, (user, user, now, now))
        conn.execute(claim, (key, user, now)).fetchall()
        conn.execute(state, (user, user)).fetchall()
        conn.execute(topic, (user, user, reading.entry, now, now))
        conn.execute(log, (now, user, question, reading.entry))
        conn.execute(choices, (user, user, question, now))
        conn.execute(answer, (text, now, key))
        conn.execute("COMMIT")
        return web.Response(text=text)

    return floor


async def fresh_postgres(server: str) -> str:
    """A new empty database on the PostgreSQL server `server` (a DSN); its DSN."""
    import asyncpg

    name = f"bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(server)
    try:
        await conn.execute(f"CREATE DATABASE {name}")
    finally:
        await conn.close()
    return urlunsplit(urlsplit(server)._replace(path=f"/{name}"))


async def serve(data_dir: Path, postgres: str | None = None) -> None:
    """The child process: the bot's real app with the WeChat channel and a bare handler."""
    wechat = WechatConfig(token=TOKEN, encoding_aes_key=AES_KEY, app_id=APP_ID, app_secret="unused", compat_mode=True)
    database = await fresh_postgres(postgres) if postgres else None
    config = Config(data_dir=data_dir, content_dir=ROOT / "content", wechat=wechat, database=database)
    services = await open_services(config)
    channel = WechatChannel(services, build_dispatcher(services))
    app = build_app(services)
    channel.mount(app)
    app.router.add_post("/bare", bare)
    app.router.add_post("/floor", floor_handler(services))
    if database is None:
        app.router.add_post("/floor-rows", floor_rows_handler(services, data_dir / "bot.sqlite3"))
    runner = await start_server(app, "127.0.0.1", 0)
    port = runner.addresses[0][1]
    print(port, flush=True)
    await asyncio.Event().wait()


def build(mode: str, count: int, offset: int) -> list[Request]:
    requests: list[Request] = []
    for i in range(count):
        xml = message_xml(f"user-{i % 50}", "text", msg_id=offset + i, Content=QUESTIONS[i % len(QUESTIONS)])
        if mode.startswith("floor"):
            requests.append((f"/{mode}", {}, QUESTIONS[i % len(QUESTIONS)]))
        elif mode == "aes":
            body, query = encrypted(xml, nonce=f"n{offset + i}")
            requests.append(("/wechat", query, body))
        else:
            requests.append(("/wechat" if mode == "plain" else "/bare", signed_query(nonce=f"n{offset + i}"), xml))
    return requests


async def run(base: str, requests: list[Request], concurrency: int) -> tuple[float, list[float]]:
    """Requests per second and each request's latency (s), with `concurrency` requests in flight."""
    latencies: list[float] = []
    queue = list(reversed(requests))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            while queue:
                path, query, body = queue.pop()
                started = time.perf_counter()
                async with session.post(base + path, params=query, data=body.encode("utf-8")) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{path}: HTTP {response.status}")
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return len(requests) / elapsed, latencies


def quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1] if len(values) > 1 else 0.0


async def client(port: int, count: int, concurrency: int, rounds: int, postgres: bool) -> None:
    """Each round runs every mode once, one after the other, so a change in the machine's load (it is
    shared) touches all modes alike; the ratios are taken per round and their median reported."""
    base = f"http://127.0.0.1:{port}"
    modes = ("bare", "floor", *(() if postgres else ("floor-rows",)), "plain", "aes")
    for offset, mode in enumerate(modes):
        await run(base, build(mode, min(200, count), 9_000_000 + offset * 1000), concurrency)  # warm-up
    rates: dict[str, list[float]] = {mode: [] for mode in modes}
    latencies: dict[str, list[float]] = {mode: [] for mode in modes}
    for n in range(rounds):
        for offset, mode in enumerate(modes):
            rate, took = await run(base, build(mode, count, (n * 10 + offset) * 1_000_000), concurrency)
            rates[mode].append(rate)
            latencies[mode] += took
    print(f"{count} requests per mode and round, {rounds} rounds, {concurrency} in flight, loopback, server apart")
    print(f"{'handler':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs bare':>8}  (median of the rounds' ratios)")
    names = {
        "bare": "bare aiohttp handler",
        "floor": "FAQ reading alone (floor)",
        "floor-rows": "+ the callback's rows (floor)",
        "plain": "WeChat callback, plain",
        "aes": "WeChat callback, safe (AES)",
    }
    for mode in modes:
        ratio = statistics.median(r / b for r, b in zip(rates[mode], rates["bare"], strict=True))
        p50, p99 = quantile(latencies[mode], 0.5) * 1000, quantile(latencies[mode], 0.99) * 1000
        print(f"{names[mode]:28} {statistics.median(rates[mode]):8.0f} {p50:8.2f} {p99:8.2f} {ratio:8.2f}")


async def dispatcher_alone(count: int) -> float:
    """Messages per second through the dispatcher alone (same questions, fresh database, sequential):
    the part of a callback's cost every channel pays, for reading the table above."""
    with tempfile.TemporaryDirectory() as tmp:
        services = await open_services(Config(data_dir=Path(tmp), content_dir=ROOT / "content"))
        dispatcher = build_dispatcher(services)
        started = time.perf_counter()
        for i in range(count):
            user = f"user-{i % 50}"
            await dispatcher.dispatch(Inbound("wechat", user, user, text=QUESTIONS[i % len(QUESTIONS)]))
        elapsed = time.perf_counter() - started
        await services.db.close()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--postgres", help="a PostgreSQL server's DSN (e.g. $BOT_TEST_POSTGRES): the bot's database there"
    )
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve, args.postgres))
        return
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", tmp, *(["--postgres", args.postgres] if args.postgres else [])],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            asyncio.run(client(port, args.requests, args.concurrency, args.rounds, bool(args.postgres)))
        finally:
            server.terminate()
            server.wait()
    rate = asyncio.run(dispatcher_alone(args.requests))
    print(f"{'dispatcher alone, in-process':28} {rate:8.0f}  (one message at a time: FAQ match + SQLite writes)")


if __name__ == "__main__":
    main()
