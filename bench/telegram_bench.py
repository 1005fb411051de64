"""Telegram benchmark against the fake Bot API server (tests/fakes/telegram.py), real PTB client end to end.

1. Updates handled per second: a backlog of private questions fetched by long polling, answered by
   the real dispatcher (FAQ matching, SQLite) and sent back.
2. Reply latency (p50/p99) for private questions asked while a 2,000-message push runs through the
   real outbox and the TelegramPushTransport.
3. The push's achieved rate as a ratio of the configured limit, and the 429s the server returned
   (the fake enforces Telegram-like flood limits).

Telegram's real limits (25 pushes/s of ~30, 20/min per group, 1/s per chat) make a 2,000-message push
last 80 s; by default every limit is scaled by --scale (4: 100/s, 20 per 15 s per group, 0.25 s per chat).
The fake server runs in the same process, so above ~200 msg/s the CPU, not the limiter, is the cap.
Run by hand:  .venv/bin/python bench/telegram_bench.py [--scale 1] [--updates 1000] [--pushes 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.telegram.channel import TelegramChannel  # noqa: E402
from bot.channels.telegram.limits import PushLimits  # noqa: E402
from bot.config import Config, TelegramConfig  # noqa: E402
from bot.messages import Reply  # noqa: E402
from bot.outbox.sender import Outbox, Push  # noqa: E402
from bot.services import Services, open_services  # noqa: E402
from handlers import build_dispatcher  # noqa: E402
from tests.fakes import telegram_updates as tg  # noqa: E402
from tests.fakes.telegram import FakeTelegram, running  # noqa: E402
from tests.fakes.telegram_refusals import FloodLimits  # noqa: E402

QUESTIONS = ["交通补贴咋领", "稳岗补贴俺咋没领到", "创业贷款怎么贷", "公益岗咋报名", "老板不给工钱咋办", "/help"]
GROUPS = 5


def max_in_window(times: list[float], window: float) -> int:
    """The most events in any `window` seconds (two pointers over the sorted times)."""
    ordered, best, first = sorted(times), 0, 0
    for last, t in enumerate(ordered):
        while ordered[first] <= t - window:
            first += 1
        best = max(best, last - first + 1)
    return best


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def updates_per_second(fake: FakeTelegram, channel: TelegramChannel, count: int) -> float:
    """Queue `count` questions from many users at once; time until every one is answered."""
    before = len(fake.sent)
    started = time.perf_counter()
    for i in range(count):
        await fake.push_update(tg.private_text(100_000 + i % 400, QUESTIONS[i % len(QUESTIONS)]))
    await fake.wait_until(lambda: len(fake.sent) - before >= count, within=120)
    return count / (time.perf_counter() - started)


async def push_with_questions(
    fake: FakeTelegram, services: Services, channel: TelegramChannel, pushes: int, limits: PushLimits, every: float
) -> None:
    groups = [str(-7000 - g) for g in range(GROUPS)]
    per_group = min(limits.group_per_window, pushes // 50)  # one posting each: one delivery per recipient
    outbox = Outbox(services.db, on_outcome=services.recipients.apply, concurrency={"telegram": 64}, poll_interval=0.05)
    for n in range(per_group):
        await outbox.enqueue("posting", f"g{n}", [Push("telegram", g, "group", Reply(f"岗位快讯 {n}")) for g in groups])
    users = pushes - per_group * GROUPS
    items = [Push("telegram", str(500_000 + i), "user", Reply(f"岗位快讯：县城保洁员 {i}")) for i in range(users)]
    await outbox.enqueue("posting", "bench", items)
    pushed_before, rejected_before = len(fake.sent), fake.rejected[429]
    started, t0 = time.perf_counter(), time.monotonic()
    sender = asyncio.create_task(outbox.run({"telegram": channel.push_transport}, until_idle=True))
    latencies: list[float] = []
    asker = 900_000
    while not sender.done():
        asker += 1
        asked = time.monotonic()
        await fake.push_update(tg.private_text(asker, QUESTIONS[asker % len(QUESTIONS)]))
        [reply, *_] = await fake.wait_sent(asker, within=60)
        latencies.append(reply.at - asked)
        await asyncio.sleep(max(0.0, every - (time.monotonic() - asked)))
    await sender
    elapsed, t1 = time.perf_counter() - started, time.monotonic()
    progress = [await outbox.progress("posting", i) for i in ["bench", *(f"g{n}" for n in range(per_group))]]
    sent = sum(p.sent for p in progress)
    pushed = [m for m in fake.sent[pushed_before:] if int(m.chat_id) < 900_000]  # not the askers
    rate = sent / elapsed
    window = 10.0
    steady = max_in_window([m.at for m in pushed], window) / window
    busiest = max(max_in_window([m.at for m in pushed if m.chat_id == g], limits.group_window) for g in groups)
    print(f"push: {sent}/{pushes} sent ({per_group * GROUPS} to {GROUPS} groups) in {elapsed:.1f} s")
    print(
        f"push rate: {rate:.1f} msg/s on average = {rate / limits.push_per_second:.2f} of the configured "
        f"{limits.push_per_second:.0f}/s; busiest {window:.0f} s: {steady:.1f} msg/s = "
        f"{steady / limits.push_per_second:.2f}; busiest group window: {busiest} of {limits.group_per_window} allowed"
    )
    first = min(m.at for m in pushed)
    buckets = [0] * (int((max(m.at for m in pushed) - first) // window) + 1)
    for m in pushed:
        buckets[int((m.at - first) // window)] += 1
    print(f"pushes per {window:.0f} s: {buckets}")
    last = max(m.at for m in pushed)
    print(f"first push {first - t0:.1f} s after the sender started, last {t1 - last:.1f} s before it finished")
    print(
        f"429s received: {fake.rejected[429] - rejected_before} ({dict(fake.floods)}); "
        f"pushes delivered to the server: {len(pushed)}"
    )
    print(
        f"reply latency during the push ({len(latencies)} questions, one every {every:.2f} s): "
        f"p50 {percentile(latencies, 50) * 1000:.1f} ms, p99 {percentile(latencies, 99) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=4.0, help="multiply Telegram's limits (1 = real)")
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--pushes", type=int, default=2000)
    parser.add_argument("--ask-every", type=float, default=0.25, help="seconds between questions during the push")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    s = args.scale
    limits = PushLimits(push_per_second=25 * s, group_per_window=20, group_window=60 / s, chat_interval=1 / s)
    flood = FloodLimits(overall_per_second=30 * s, group_per_window=20, group_window=60 / s, chat_interval=0.9 / s)
    print(f"limits: {limits}\nfake server enforces: {flood}")
    with tempfile.TemporaryDirectory() as tmp:
        services = await open_services(Config(data_dir=Path(tmp), content_dir=ROOT / "content"))
        fake = await FakeTelegram(flood=flood).start()
        try:
            config = TelegramConfig(token=tg.TOKEN, base_url=fake.base_url)
            channel = TelegramChannel(config, services, build_dispatcher(services), limits, poll_timeout=1)
            async with running(channel):
                fake.flood = FloodLimits()  # measure handling capacity, not Telegram's 30/s cap
                rate = await updates_per_second(fake, channel, args.updates)
                await asyncio.sleep(1.1)  # the replies' last second must not count against the push phase
                fake.flood = flood
                print(f"updates handled end to end: {rate:.0f}/s ({args.updates} private questions, polling)")
                await push_with_questions(fake, services, channel, args.pushes, limits, args.ask_every)
        finally:
            await fake.stop()
            await services.db.close()


if __name__ == "__main__":
    asyncio.run(main())
