"""Logging set-up: one stderr handler whose records have personal numbers masked, stamped in Beijing time."""

from __future__ import annotations

import logging
import sys
from datetime import datetime

from bot.clock import SHANGHAI
from bot.privacy import MaskingFilter


class ShanghaiFormatter(logging.Formatter):
    """Record times as 2026-12-02T06:16:37.283+08:00, whatever the machine's time zone."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="milliseconds")


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(ShanghaiFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "jieba", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
