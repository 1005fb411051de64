"""Reply latency under load: ordinary questions while heavy work runs in the same bot process.

The bot's real aiohttp app with the WeChat callback (plain mode) runs in a child process, with two extra
routes to start background work in it. Users ask ordinary questions through signed callbacks (each a new
MsgId: claim, dispatcher with the real FAQ, question log, passive reply), `--concurrency` at a time, while:

- nothing else happens (the baseline);
- (a) maximum-size messages arrive: a laborer's 30 KB texts and a staff member's notices at the posting
  size limit, one after another;
- (b) a 100,000-person roster import runs (a generated CSV ledger, bot/roster/importer.py);
- (c) a 10,000-delivery push runs through the outbox sender (a fake platform taking 2 ms per message,
  32 in flight).

For (b) and (c) the questions go on until the work is done. Reported: p50/p99/max of the questions'
latency, and how long the work took. Target: p99 < 200 ms in every case.

Run by hand:  .venv/bin/python bench/latency_bench.py [--people 100000] [--deliveries 10000] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import itertools
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.long_message_bench import LABORER_MAX, QUESTIONS, STAFF_MAX, ms, post  # noqa: E402
from bench.roster_bench import make_id  # noqa: E402
from bot.channels.wechat.channel import WechatChannel  # noqa: E402
from bot.config import Config, WechatConfig  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.messages import Reply  # noqa: E402
from bot.outbox.sender import Push  # noqa: E402
from bot.roster.importer import import_ledger  # noqa: E402
from bot.services import open_services  # noqa: E402
from bot.web import build_app, start_server  # noqa: E402
from handlers import build_dispatcher  # noqa: E402
from storage import Staff  # noqa: E402
from tests.fakes.transport import FakeTransport  # noqa: E402
from tests.fakes.wechat import TOKEN  # noqa: E402

KEY = "bench-key"


async def serve(data_dir: Path) -> None:
    """The child process: the bot's app with the WeChat callback, and routes that start background work."""
    wechat = WechatConfig(token=TOKEN, app_id="wx-bench", app_secret="unused")
    services = await open_services(Config(data_dir=data_dir, content_dir=ROOT / "content", wechat=wechat))
    await services.directory.add_staff(Staff("wechat", "boss", "bureau", "县局", None, None))
    channel = WechatChannel(services, build_dispatcher(services))
    app = build_app(services)
    channel.mount(app)
    work: dict[str, float] = {}
    running: set[asyncio.Task[None]] = set()

    def start(name: str, job: Callable[[], Awaitable[object]]) -> None:
        async def timed() -> None:
            started = time.perf_counter()
            await job()
            work[name] = time.perf_counter() - started

        task = asyncio.create_task(timed())
        running.add(task)
        task.add_done_callback(running.discard)

    async def begin_import(request: web.Request) -> web.Response:
        path = Path(await request.text())
        start("import", lambda: import_ledger(path, services.roster, services.content, KEY, actor="bench"))
        return web.Response(text="started")

    async def begin_push(request: web.Request) -> web.Response:
        count = int(await request.text())
        pushes = [Push("bench", f"r{n}", "user", Reply("招聘电焊工，日薪350元"), user_id=f"r{n}") for n in range(count)]

        async def push() -> None:
            await services.outbox.enqueue("bench", "1", pushes)  # an item kind without guards
            await services.outbox.run({"bench": FakeTransport("bench", delay=0.002)}, until_idle=True)

        start("push", push)
        return web.Response(text="started")

    async def status(request: web.Request) -> web.Response:
        name = request.query["work"]
        return web.json_response({"done": name in work and not running, "took": work.get(name, 0.0)})

    app.router.add_post("/bench/import", begin_import)
    app.router.add_post("/bench/push", begin_push)
    app.router.add_get("/bench/status", status)
    runner = await start_server(app, "127.0.0.1", 0)
    print(runner.addresses[0][1], flush=True)
    await asyncio.Event().wait()


def write_ledger(path: Path, people: int) -> None:
    """A generated CSV ledger over every township (fictional, checksum-valid ID numbers)."""
    townships = [t.name for t in load_content(ROOT / "content").townships.values()]
    rng = random.Random(1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["序号", "姓名", "身份证号码", "联系电话", "乡镇", "村", "户主", "人员类别", "务工状态"])
        for n in range(people):
            township = townships[n % len(townships)]
            out.writerow(
                [
                    n + 1,
                    f"劳{n}",
                    make_id(n),
                    f"13{rng.randrange(10**9):09d}",
                    township,
                    f"{n // len(townships) % 20}村",
                    f"户{n // 4}",
                    "脱贫户" if n % 3 else "监测户",
                    "务工" if n % 2 else "未就业",
                ]
            )


async def ask(
    session: aiohttp.ClientSession, base: str, concurrency: int, until: Callable[[int], Awaitable[bool]]
) -> list[float]:
    """Ordinary questions, `concurrency` at a time, until `until(asked)` says stop."""
    took: list[float] = []
    asked = itertools.count()

    async def worker() -> None:
        while not await until(len(took)):
            n = next(asked)
            took.append(await post(session, base, f"user-{n % 40}", QUESTIONS[n % len(QUESTIONS)]))

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return took


async def client(port: int, ledger: Path, deliveries: int, questions: int, concurrency: int) -> None:
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency + 2)) as session:

        async def count(n: int) -> bool:
            return n >= questions

        await ask(session, base, concurrency, lambda n: count(n * 4))  # warm-up
        rows: list[tuple[str, list[float], str]] = [("nothing else", await ask(session, base, concurrency, count), "")]

        flooding = True

        async def flood() -> int:
            sent = 0
            for n in itertools.count():
                if not flooding:
                    return sent
                user, text = (f"laborer-{n}", LABORER_MAX) if n % 2 else ("boss", STAFF_MAX)
                await post(session, base, user, text)
                sent += 1
            return sent

        heavy = asyncio.create_task(flood())
        took = await ask(session, base, concurrency, count)
        flooding = False
        rows.append(("(a) maximum-size messages", took, f"{await heavy} heavy messages meanwhile"))

        def until_done(work: str) -> Callable[[int], Awaitable[bool]]:
            async def done(n: int) -> bool:
                async with session.get(f"{base}/bench/status", params={"work": work}) as response:
                    return bool((await response.json())["done"]) and n >= 10

            return done

        for label, work, route, body in (
            (f"(b) import of {ledger.stem} people", "import", "/bench/import", str(ledger)),
            (f"(c) push of {deliveries} deliveries", "push", "/bench/push", str(deliveries)),
        ):
            async with session.post(f"{base}{route}", data=body) as response:
                await response.read()
            took = await ask(session, base, concurrency, until_done(work))
            async with session.get(f"{base}/bench/status", params={"work": work}) as response:
                seconds = (await response.json())["took"]
            rows.append((label, took, f"the work took {seconds:.1f} s"))

    print(f"ordinary questions through the WeChat callback, {concurrency} in flight, loopback, server apart")
    print(f"{'while':36} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label, took, note in rows:
        print(f"{label:36} {len(took):6d} {ms(took, 0.5):8.1f} {ms(took, 0.99):8.1f} {max(took) * 1000:8.1f}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=400, help="questions in the baseline and in (a)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve))
        return
    with tempfile.TemporaryDirectory() as tmp:
        ledger = Path(tmp) / f"{args.people}.csv"
        write_ledger(ledger, args.people)
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", tmp], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            asyncio.run(client(port, ledger, args.deliveries, args.questions, args.concurrency))
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
