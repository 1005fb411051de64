"""`python -m bot serve` with a Telegram token: a real process polling the fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.fakes import telegram_updates as tg
from tests.fakes.net import free_port
from tests.fakes.telegram import FakeTelegram


async def test_serve_polls_answers_and_stops_on_sigterm(fake: FakeTelegram, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "BOT_HTTP_PORT": str(free_port()),
        "BOT_CONSOLE": "false",
        "BOT_TELEGRAM_TOKEN": tg.TOKEN,
        "BOT_TELEGRAM_BASE_URL": fake.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake.wait_until(lambda: fake.calls["getUpdates"] > 0, within=60)
        await fake.push_update(tg.private_text(4444, "交通补贴咋领"))
        [answer] = await fake.wait_sent(4444, within=60)
        assert "依据" in answer.text
        assert fake.commands["all_private_chats"]  # the command menu was set at start-up
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "telegram: @wuzhai_test_bot is polling" in log
    assert tg.TOKEN not in log and tg.TOKEN.split(":")[1] not in log  # the token never reaches the log


async def test_links_command_prints_a_link_per_township(fake: FakeTelegram, tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "BOT_TELEGRAM_TOKEN": tg.TOKEN,
        "BOT_TELEGRAM_BASE_URL": fake.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "telegram", "links", cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE
    )
    stdout, _ = await asyncio.wait_for(process.communicate(), 30)
    lines = stdout.decode().splitlines()
    assert process.returncode == 0
    assert "孙家坪乡\thttps://t.me/wuzhai_test_bot?start=t_sunjiaping" in lines
