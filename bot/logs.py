"""Logging set-up: one stderr handler whose records have personal numbers masked."""

from __future__ import annotations

import logging
import sys

from bot.privacy import MaskingFilter


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "jieba", "asyncpg"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
