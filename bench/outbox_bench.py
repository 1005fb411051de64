"""Outbox benchmark: one posting to 10,000 subscribed laborers and 200 groups, then a SIGKILL halfway.

The bot side runs as a separate process (bench/outbox_worker.py): the real services, the real dispatcher, the
TelegramChannel polling a fake Bot API server (answering questions), and the outbox sender with the
TelegramPushTransport and the WeCom group-robot transport. The fake servers (tests/fakes/telegram.py,
which enforces Telegram-like flood limits with 429s, and tests/fakes/wechat.py for WeCom robots) run in
this process and count every message they accept, so a killed worker cannot hide anything.

Phase 1: push the posting while a laborer asks a question every 50 ms; report the achieved push rate
as a ratio of the configured rate, the 429s, and reply latency p50/p99.
Phase 2: the same push from a fresh database; SIGKILL the worker when half the messages are out,
start it again, and report deliveries lost (recipients who never got it) and duplicated.

Telegram's real limits (25 pushes/s of ~30, 20/min per group, 1/s per chat) make 10,200 messages take
~7 minutes per phase; every limit is multiplied by --scale (default 8: 200/s) to compress time.
Run:  .venv/bin/python bench/outbox_bench.py [--scale 8] [--laborers 10000] [--groups 200]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.outbox_worker import start_worker, stop_worker, worker_command  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.outbox.sender import Outbox  # noqa: E402
from bot.postings.service import PostingService  # noqa: E402
from storage import Database, DirectoryStore, Staff  # noqa: E402
from storage.postings import PostingStore, SubscriptionStore  # noqa: E402
from tests.fakes import telegram_updates as tg  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.fakes.telegram_refusals import FloodLimits  # noqa: E402
from tests.fakes.wechat import FakeWechat  # noqa: E402

AUTHOR = "4242"  # the bureau staff member who publishes (gets the summary)
LABORER0 = 500_000
ASKER0 = 900_000
FIELDS = {
    "title": "电焊工",
    "employer": "五寨县鑫源建筑有限公司",
    "location": "砚城镇",
    "salary": "6000-8000元/月",
    "headcount": "5人",
    "contact_name": "王经理",
    "contact_phone": "13812345678",
    "valid_until": "2099-12-31",
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


async def until(condition: Callable[[], bool], within: float = 900.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark did not finish in time")
        await asyncio.sleep(0.02)


def group_id(n: int) -> str:
    return str(-1_000_000 - n)


async def seed(data_dir: Path, laborers: int, groups: int) -> tuple[set[str], set[str]]:
    """A fresh database with subscribers, bound groups and one published posting, enqueued."""
    content = load_content(ROOT / "content")
    townships = list(content.townships)
    robots = townships[: min(len(townships), groups)]
    async with await Database.open(data_dir / "bot.sqlite3") as db:
        directory = DirectoryStore(db)
        subs = SubscriptionStore(db)
        async with db.transaction():  # one unit of work: the stores below join it
            for i in range(laborers):
                user = str(LABORER0 + i)
                await subs.add("telegram", user, user, "township", townships[i % len(townships)])
            for n in range(groups - len(robots)):
                await directory.bind_group("telegram", group_id(n), f"群{n}", townships[n % len(townships)], "bench")
            for township in robots:
                await directory.bind_group("wecom", township, f"{township}企业微信群", township, "bench")
        boss = Staff("telegram", AUTHOR, "bureau", "县人社局", None, None)
        await directory.add_staff(boss)
        store = PostingStore(db)
        posting_id = await store.create(FIELDS, "job", townships, "bench", boss, "published")
        posting = await store.get(posting_id)
        assert posting is not None
        service = PostingService(db, directory, Outbox(db), content.townships)
        reach = await service.publish(posting)
        print(f"  enqueued posting #{posting_id} for {reach.text()}")
    telegram = {str(LABORER0 + i) for i in range(laborers)} | {group_id(n) for n in range(groups - len(robots))}
    return telegram, set(robots)


async def counts(data_dir: Path) -> Counter[str]:
    async with await Database.open(data_dir / "bot.sqlite3") as db:
        rows = await db.fetchall("SELECT status, count(*) FROM outbox WHERE item_kind = 'posting' GROUP BY status")
        return Counter({r[0]: int(r[1]) for r in rows})


class Tally:
    """Posting messages the fake platforms accepted, per recipient, counted incrementally."""

    def __init__(self, fake_tg: FakeTelegram, fake_wx: FakeWechat, telegram: set[str]) -> None:
        self.fake_tg, self.fake_wx, self.telegram = fake_tg, fake_wx, telegram
        self.got: Counter[str] = Counter()
        self.times: list[float] = []  # when each Telegram push was accepted
        self._tg = self._wx = 0

    def update(self) -> Counter[str]:
        for sent in self.fake_tg.sent[self._tg :]:
            if sent.chat_id in self.telegram and "电焊工" in sent.text:
                self.got[sent.chat_id] += 1
                self.times.append(sent.at)
        self._tg = len(self.fake_tg.sent)
        for path, payload in self.fake_wx.sent[self._wx :]:
            if path == "webhook/send":
                self.got[f"wecom:{payload['_key']}"] += 1
        self._wx = len(self.fake_wx.sent)
        return self.got

    def messages(self) -> int:
        return sum(self.update().values())


async def phase_push(args: argparse.Namespace, tmp: Path, flood: FloodLimits) -> None:
    fake_tg, fake_wx = FakeTelegram(flood=flood), FakeWechat()
    await fake_tg.start()
    fake_wx.robot_keys = {f"key-{t}" for t in load_content(ROOT / "content").townships}
    await fake_wx.start()
    data = tmp / "phase1"
    telegram, robots = await seed(data, args.laborers, args.groups)
    total = len(telegram) + len(robots)
    worker = start_worker(worker_command(data, fake_tg, fake_wx, args.scale), tmp / "worker1.log")
    tally = Tally(fake_tg, fake_wx, telegram)
    latencies: list[float] = []
    try:
        await until(lambda: tally.messages() > 0 or worker.poll() is not None)
        asker = ASKER0
        while tally.messages() < total and worker.poll() is None:
            asker += 1
            asked = time.monotonic()
            await fake_tg.push_update(tg.private_text(asker, "交通补贴咋领"))
            [reply, *_] = await fake_tg.wait_sent(asker, within=120)
            latencies.append(reply.at - asked)
            await asyncio.sleep(0.05)
    finally:
        await stop_worker(worker)
        await fake_tg.stop()
        await fake_wx.close()
    got = tally.update()
    pushes = tally.times
    elapsed = max(pushes) - min(pushes)
    rate = (len(pushes) - 1) / elapsed
    allowed = 25 * args.scale
    print(f"  delivered {sum(got.values())}/{total} ({len(pushes)} Telegram, {len(got) - len(pushes)} WeCom robots)")
    print(f"  Telegram push rate {rate:.1f}/s = {rate / allowed:.2f} of the configured {allowed:.0f}/s", end="")
    print(f" ({rate / (30 * args.scale):.2f} of the fake's 429 threshold {30 * args.scale:.0f}/s) over {elapsed:.1f} s")
    first, last = min(pushes), max(pushes)
    replies = sum(1 for s in fake_tg.sent if s.chat_id not in telegram and first <= s.at <= last)
    overall = (len(pushes) - 1 + replies) / elapsed
    print(
        f"  with the {replies} interactive replies in that time: {overall:.1f}/s = "
        f"{overall / allowed:.2f} of {allowed:.0f}/s"
    )
    print(f"  429s received: {fake_tg.rejected[429]} {dict(fake_tg.floods)}")
    print(
        f"  reply latency during the push ({len(latencies)} questions): p50 {percentile(latencies, 50) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 99) * 1000:.0f} ms, max {max(latencies, default=0) * 1000:.0f} ms"
    )


async def phase_kill(args: argparse.Namespace, tmp: Path, flood: FloodLimits) -> None:
    fake_tg, fake_wx = FakeTelegram(flood=flood), FakeWechat()
    await fake_tg.start()
    fake_wx.robot_keys = {f"key-{t}" for t in load_content(ROOT / "content").townships}
    await fake_wx.start()
    data = tmp / "phase2"
    telegram, robots = await seed(data, args.laborers, args.groups)
    total = len(telegram) + len(robots)
    command = worker_command(data, fake_tg, fake_wx, args.scale)
    worker = start_worker(command, tmp / "worker2.log")
    tally = Tally(fake_tg, fake_wx, telegram)
    try:
        await until(lambda: tally.messages() >= total // 2)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        at_kill = tally.messages()
        statuses = await counts(data)
        print(f"  SIGKILL after {at_kill} messages reached the platforms; database then: {dict(statuses)}")
        restarted = start_worker(command, tmp / "worker2.log")
        await until(lambda: len(tally.update()) >= total)
        for _ in range(50):  # let the restarted sender mark the last ones
            if (await counts(data))["sent"] >= total:
                break
            await asyncio.sleep(0.1)
        await stop_worker(restarted)
    finally:
        await stop_worker(worker)
        await fake_tg.stop()
        await fake_wx.close()
    got = tally.update()
    expected = telegram | {f"wecom:key-{t}" for t in robots}
    lost = expected - set(got)
    duplicated = {r: n for r, n in got.items() if n > 1}
    print(f"  after restart: {dict(await counts(data))}")
    print(
        f"  lost: {len(lost)}; duplicated: {len(duplicated)} recipients ({sum(duplicated.values()) - len(duplicated)} "
        f"extra messages); in flight at the kill (marked sending): {statuses['sending']}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=8.0, help="multiply Telegram's limits (1 = real)")
    parser.add_argument("--laborers", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=200, help="groups in all; 13 of them WeCom robots")
    parser.add_argument("--only", choices=["push", "kill"], help="run one phase only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    s = args.scale
    flood = FloodLimits(overall_per_second=30 * s, group_per_window=20, group_window=60 / s, chat_interval=0.9 / s)
    print(f"scale {s}: the sender paces Telegram at {25 * s:.0f}/s; the fake answers 429 above {flood}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if args.only in (None, "push"):
            print("phase 1: one posting, questions asked during the push")
            await phase_push(args, tmp, flood)
        if args.only in (None, "kill"):
            print("phase 2: the same push, SIGKILL halfway, restart")
            await phase_kill(args, tmp, flood)


if __name__ == "__main__":
    asyncio.run(main())
