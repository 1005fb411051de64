"""Logging set-up: one stderr handler whose records have personal numbers masked, libraries kept quiet.

Libraries log what they send and receive below WARNING: python-telegram-bot the raw updates, httpx the
request URLs (with the bot token), httpcore headers and bodies, asyncpg statements with their parameters,
wechatpy the API bodies. None of that may reach the log, whatever `log_level` says, so their
loggers are held at WARNING and the one handler drops their records below WARNING (should anything lower
a level again); the masking filter on that handler is the last line of defence.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime

from bot.clock import SHANGHAI
from bot.privacy import MaskingFilter

QUIET = (
    "aiohttp.client",
    "aiosqlite",  # logs every statement with its parameters at DEBUG
    "aiohttp.internal",
    "aiohttp.server",
    "aiohttp.web",
    "apscheduler",
    "asyncpg",
    "asyncio",
    "hpack",
    "httpcore",
    "httpx",
    "jieba",
    "matplotlib",
    "PIL",
    "telegram",
    "urllib3",
    "wechatpy",
)


class ShanghaiFormatter(logging.Formatter):
    """Record times as 2026-12-02T06:16:37.283+08:00 (Beijing time), whatever the machine's time zone."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="milliseconds")


class LibraryFilter(logging.Filter):
    """Drops library records below WARNING even if a library's logger level was lowered after set-up."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(record.name == name or record.name.startswith(f"{name}.") for name in QUIET)


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ShanghaiFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(LibraryFilter())
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
