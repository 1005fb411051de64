"""The bot side of bench/outbox_bench.py, a process of its own: the real services, the TelegramChannel polling
the fake Bot API server (answering questions) and the outbox sender with the TelegramPushTransport and the WeCom
group-robot transport, until SIGTERM (or SIGKILL). Also how the benchmark starts and stops it.

Run by outbox_bench.py:  python bench/outbox_worker.py '{"data": DIR, "tg": URL, "wx": URL, "scale": 8}'
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Config, OutboxConfig, TelegramConfig, WechatConfig  # noqa: E402
from bot.content import load_content  # noqa: E402
from tests.fakes import telegram_updates as tg  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.fakes.wechat import FakeWechat  # noqa: E402

CONCURRENCY = 32  # outbox deliveries in flight per channel


def worker_command(data_dir: Path, fake_tg: FakeTelegram, fake_wx: FakeWechat, scale: float) -> list[str]:
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        json.dumps({"data": str(data_dir), "tg": fake_tg.base_url, "wx": fake_wx.url, "scale": scale}),
    ]


def start_worker(command: list[str], log_file: Path) -> subprocess.Popen[bytes]:
    with log_file.open("ab") as log:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)


async def stop_worker(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
    for _ in range(100):
        if process.poll() is not None:
            return
        await asyncio.sleep(0.1)
    process.kill()


async def worker(spec: dict[str, str | float]) -> None:
    """The bot side: Telegram channel (answers questions) and the outbox sender, until SIGTERM/SIGKILL."""
    from bot.channels.telegram.channel import TelegramChannel
    from bot.channels.telegram.limits import PushLimits
    from bot.channels.wechat.wecom import WecomRobots
    from bot.services import open_services
    from handlers import build_dispatcher

    scale = float(spec["scale"])
    townships = load_content(ROOT / "content").townships
    config = Config(
        data_dir=Path(str(spec["data"])),
        content_dir=ROOT / "content",
        telegram=TelegramConfig(token=tg.TOKEN, base_url=str(spec["tg"])),
        wechat=WechatConfig(wecom_api_base_url=str(spec["wx"]), wecom_robots={t: f"key-{t}" for t in townships}),
        outbox=OutboxConfig(concurrency=CONCURRENCY),
    )
    services = await open_services(config)
    limits = PushLimits(
        push_per_second=25 * scale, group_per_window=20, group_window=60 / scale, chat_interval=1 / scale
    )
    channel = TelegramChannel(config.telegram, services, build_dispatcher(services), limits, poll_timeout=1)
    robots = WecomRobots(config.wechat, period=60 / scale)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    tasks = [
        asyncio.create_task(channel.run()),
        asyncio.create_task(services.outbox.run({"telegram": channel.push_transport, "wecom": robots})),
    ]
    profile = os.environ.get("OUTBOX_BENCH_PROFILE")  # a file: profile the bot side (cProfile)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    await stop.wait()
    if profiler is not None and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await robots.close()
    await services.db.close()


if __name__ == "__main__":
    asyncio.run(worker(json.loads(sys.argv[1])))
