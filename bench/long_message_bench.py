"""Long-message benchmark: reply latency of ordinary questions while maximum-size messages arrive.

The bot's real aiohttp app with the WeChat callback (plain mode) runs in a child process. Other users ask
ordinary questions through signed callbacks while one sender keeps posting the largest bodies the
callback accepts: a laborer's 30 KB text (digit runs, the input that made the old posting extractor
quadratic) or a staff member's notices at the posting size limit, and notices over it. Reported: p50/p99
of the ordinary questions in each case, and how long the heavy messages themselves took.

First, the posting extractor alone on the inputs that made its old patterns quadratic (the shapes of
tests/security/test_long_messages.py): seconds at 15 000 and 30 000 characters and their ratio (about 2 when
linear, about 4 when quadratic). The tests only guard against hanging; the seconds are measured here.

Run by hand:  .venv/bin/python bench/long_message_bench.py [--questions 400] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.wechat.channel import WechatChannel  # noqa: E402
from bot.config import Config, WechatConfig  # noqa: E402
from bot.postings.extract import MAX_NOTICE, extract  # noqa: E402
from bot.services import open_services  # noqa: E402
from bot.web import build_app, start_server  # noqa: E402
from handlers import build_dispatcher  # noqa: E402
from storage import Staff  # noqa: E402
from tests.fakes.wechat import TOKEN, message_xml, signed_query  # noqa: E402

QUESTIONS = ["交通补贴咋领", "稳岗补贴俺咋没领到", "公益岗咋报名", "老板不给工钱咋办", "想学个手艺"]
LABORER_MAX = "招聘1" + "1" * 30_000  # with the XML around it: just under the 32 KiB body limit
NOTICE = "招聘电焊工 日薪350元 联系电话13812345678 截止6月30日 1111 三三三 "
STAFF_MAX = (NOTICE * (MAX_NOTICE // len(NOTICE) + 1))[:MAX_NOTICE]
STAFF_OVER = (NOTICE * 300)[:9_000]
_ids = itertools.count(1)
ADVERSARIAL: dict[str, Callable[[int], str]] = {  # n characters (about) of each shape
    "digits": lambda n: "1" * n,
    "digits then 元": lambda n: "3" * n + "元",
    "numerals": lambda n: "三" * n,
    "spaces": lambda n: "招" + " " * n + "工",
    "newlines": lambda n: "\n \n" * (n // 3),
    "deadline": lambda n: "我" * n + "截止",
    "commas": lambda n: "电话13812345678" + "，" * n + "x",
    "mixed": lambda n: "招聘电焊工 日薪350元 联系电话13812345678 截止6月30日 " * (n // 37),
    "han": lambda n: "招部有" * (n // 3),
}


def extraction() -> None:
    """Seconds the extractor takes on each adversarial shape at n and 2n characters (best of three)."""
    print(f"{'extraction of':16} {'15k s':>8} {'30k s':>8} {'ratio':>6}")
    for name, make in ADVERSARIAL.items():
        took = []
        for n in (15_000, 30_000):
            text = make(n)
            runs = []
            for _ in range(3):
                started = time.perf_counter()
                extract(text)
                runs.append(time.perf_counter() - started)
            took.append(min(runs))
        print(f"{name:16} {took[0]:8.3f} {took[1]:8.3f} {took[1] / max(took[0], 1e-9):6.2f}")
    print()


async def serve(data_dir: Path) -> None:
    """The child process: the bot's app with the WeChat callback; "boss" is a registered bureau staff member."""
    wechat = WechatConfig(token=TOKEN, app_id="wx-bench", app_secret="unused")
    services = await open_services(Config(data_dir=data_dir, content_dir=ROOT / "content", wechat=wechat))
    await services.directory.add_staff(Staff("wechat", "boss", "bureau", "县局", None, None))
    channel = WechatChannel(services, build_dispatcher(services))
    app = build_app(services)
    channel.mount(app)
    runner = await start_server(app, "127.0.0.1", 0)
    print(runner.addresses[0][1], flush=True)
    await asyncio.Event().wait()


async def post(session: aiohttp.ClientSession, base: str, user: str, text: str) -> float:
    xml = message_xml(user, "text", msg_id=next(_ids), Content=text)
    started = time.perf_counter()
    async with session.post(f"{base}/wechat", params=signed_query(), data=xml.encode("utf-8")) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
    return time.perf_counter() - started


async def scenario(
    base: str, questions: int, concurrency: int, heavy: Callable[[int], tuple[str, str]] | None
) -> tuple[list[float], list[float]]:
    """(latencies of the ordinary questions, latencies of the heavy messages sent meanwhile)."""
    asked: list[float] = []
    heavy_took: list[float] = []
    done = asyncio.Event()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency + 2)) as session:

        async def ask(worker: int) -> None:
            for i in range(worker, questions, concurrency):
                asked.append(await post(session, base, f"user-{i % 40}", QUESTIONS[i % len(QUESTIONS)]))

        async def flood() -> None:
            assert heavy is not None
            for n in itertools.count():
                if done.is_set():
                    return
                user, text = heavy(n)
                heavy_took.append(await post(session, base, user, text))

        flooding = asyncio.create_task(flood()) if heavy else None
        await asyncio.sleep(0.05 if heavy else 0)
        await asyncio.gather(*(ask(w) for w in range(concurrency)))
        done.set()
        if flooding is not None:
            await flooding
    return asked, heavy_took


def ms(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1] * 1000


async def client(port: int, questions: int, concurrency: int) -> None:
    base = f"http://127.0.0.1:{port}"
    await scenario(base, 50, concurrency, None)  # warm-up
    cases: dict[str, Callable[[int], tuple[str, str]] | None] = {
        "no heavy messages": None,
        "laborers' 30 KB texts": lambda n: (f"laborer-{n}", LABORER_MAX),
        f"staff notices, {MAX_NOTICE} chars": lambda n: ("boss", STAFF_MAX),
        "staff notices over the limit": lambda n: ("boss", STAFF_OVER),
    }
    print(f"{questions} ordinary questions per case, {concurrency} in flight, one heavy sender, loopback")
    print(f"{'while':32} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'heavy n':>8} {'heavy p50':>10}")
    for name, heavy in cases.items():
        asked, took = await scenario(base, questions, concurrency, heavy)
        print(
            f"{name:32} {ms(asked, 0.5):8.1f} {ms(asked, 0.99):8.1f} {max(asked) * 1000:8.1f} "
            f"{len(took):8d} {ms(took, 0.5):10.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve))
        return
    extraction()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", tmp], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            asyncio.run(client(port, args.questions, args.concurrency))
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
