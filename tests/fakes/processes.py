"""Real `python -m bot serve` processes for multi-process tests: each with its own port, log file and
environment, all on one database; started together, waited for until /readyz answers, stopped (SIGTERM) or
killed (SIGKILL) one by one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import ClientError, ClientSession

from tests.conftest import ROOT
from tests.fakes.net import free_port


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    port: int
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


async def _ready(session: ClientSession, bot: BotProcess, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if bot.process.returncode is not None:
            raise AssertionError(f"bot process {bot.pid} exited at start-up:\n{bot.log_text()[-3000:]}")
        with contextlib.suppress(ClientError, TimeoutError):
            async with session.get(f"http://127.0.0.1:{bot.port}/readyz") as response:
                if response.status == 200:
                    return
        await asyncio.sleep(0.2)
    raise AssertionError(f"bot process {bot.pid} not ready within {within} s:\n{bot.log_text()[-3000:]}")


@contextlib.asynccontextmanager
async def bot_processes(
    count: int, tmp_path: Path, env: Mapping[str, str], within: float = 90.0
) -> AsyncIterator[list[BotProcess]]:
    """`count` serve processes with `env` (plus a port and data directory each), ready when yielded."""
    bots: list[BotProcess] = []
    try:
        for n in range(count):
            port = free_port()
            home = tmp_path / f"bot{n}"
            home.mkdir()
            log = home / "serve.log"
            full = {
                "PATH": os.environ.get("PATH", ""),
                "PYTHONPATH": str(ROOT),
                "BOT_DATA_DIR": str(home / "data"),
                "BOT_CONTENT_DIR": str(ROOT / "content"),
                "BOT_HTTP_PORT": str(port),
                "BOT_CONSOLE": "false",
                **env,
            }
            with log.open("wb") as out:
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "serve", cwd=home, env=full, stdout=out, stderr=out
                )
            bots.append(BotProcess(process, port, log))
        async with ClientSession() as session:
            await asyncio.gather(*(_ready(session, bot, within) for bot in bots))
        yield bots
    finally:
        for bot in bots:
            if bot.process.returncode is None:
                bot.process.send_signal(signal.SIGTERM)
        for bot in bots:
            try:
                await asyncio.wait_for(bot.process.wait(), 20)
            except TimeoutError:
                bot.kill()
                await bot.process.wait()
