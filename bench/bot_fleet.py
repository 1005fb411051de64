"""`python -m bot serve` processes on one database for bench/processes_bench.py (started, waited for, killed,
stopped), and the CPU time such processes and PostgreSQL's backends spent (from /proc)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storage import Database  # noqa: E402
from tests.fakes import telegram_updates as tg  # noqa: E402
from tests.fakes.net import free_port  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402
from tests.fakes.wechat import AES_KEY, APP_ID, TOKEN  # noqa: E402


class Fleet:
    """Bot processes on one database (started, killed, stopped)."""

    def __init__(self, dsn: str, fake: FakeTelegram, home: Path, rate: int) -> None:
        self.dsn, self.fake, self.home, self.rate = dsn, fake, home, rate
        self.processes: list[tuple[subprocess.Popen[bytes], int]] = []

    def start(self) -> int:
        port = free_port()
        n = len(self.processes)
        data = self.home / f"bot{n}"
        data.mkdir(parents=True, exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(ROOT),
            "BOT_DATABASE": self.dsn,
            "BOT_DATA_DIR": str(data),
            "BOT_CONTENT_DIR": str(ROOT / "content"),
            "BOT_HTTP_PORT": str(port),
            "BOT_CONSOLE": "false",
            "BOT_LOG_LEVEL": "WARNING",
            "BOT_TELEGRAM_TOKEN": tg.TOKEN,
            "BOT_TELEGRAM_BASE_URL": self.fake.base_url,
            "BOT_TELEGRAM_MODE": "webhook",  # no polling: pushes only
            "BOT_TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "BOT_TELEGRAM_WEBHOOK_SECRET": "bench-secret",
            "BOT_TELEGRAM_PUSH_PER_SECOND": str(self.rate),
            "BOT_WECHAT_TOKEN": TOKEN,
            "BOT_WECHAT_ENCODING_AES_KEY": AES_KEY,
            "BOT_WECHAT_APP_ID": APP_ID,
            "BOT_OUTBOX_LEASE_SECONDS": "5",
        }
        log = (data / "serve.log").open("wb")
        process = subprocess.Popen([sys.executable, "-m", "bot", "serve"], cwd=data, env=env, stdout=log, stderr=log)
        self.processes.append((process, port))
        return port

    @property
    def ports(self) -> list[int]:
        return [port for process, port in self.processes if process.poll() is None]

    async def ready(self) -> None:
        async with aiohttp.ClientSession() as session:
            for port in self.ports:
                for _ in range(600):
                    with contextlib.suppress(aiohttp.ClientError):
                        async with session.get(f"http://127.0.0.1:{port}/readyz") as response:
                            if response.status == 200:
                                break
                    await asyncio.sleep(0.2)
                else:
                    raise RuntimeError(f"bot on port {port} did not become ready")

    def kill_one(self) -> None:
        process, _ = next(p for p in self.processes if p[0].poll() is None)
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self) -> None:
        for process, _ in self.processes:
            if process.poll() is None:
                process.terminate()
        for process, _ in self.processes:
            process.wait()


def cpu_seconds(pids: set[int], children_of: int | None = None) -> float:
    """CPU time (user + system) of these processes, and of the children of `children_of` (PostgreSQL's backends),
    from /proc (Linux; 0 elsewhere)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        pid, ppid = int(entry.name), int(fields[1])
        if pid in pids or (children_of is not None and ppid == children_of):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def postmaster(db: Database) -> int | None:
    """The PostgreSQL server's pid when it runs on this machine (its backends are its children)."""
    row = await db.fetchone("SELECT pg_backend_pid()")
    try:
        return int((Path("/proc") / str(row[0]) / "stat").read_text().rpartition(")")[2].split()[1]) if row else None
    except OSError:
        return None
