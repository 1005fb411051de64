"""Logging set-up: one stderr handler whose records have personal numbers masked, libraries kept quiet.

Libraries log what they send and receive below WARNING: python-telegram-bot the raw updates, httpx the
request URLs (with the bot token), httpcore headers and bodies, aiosqlite every statement with its
parameters, wechatpy the API bodies. None of that may reach the log, whatever `log_level` says, so their
loggers are held at WARNING; the masking filter on the one handler is the second line of defence.
"""

from __future__ import annotations

import logging
import sys

from bot.privacy import MaskingFilter

QUIET = (
    "aiohttp.client",
    "aiohttp.internal",
    "aiohttp.server",
    "aiohttp.web",
    "aiosqlite",
    "apscheduler",
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


def setup_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
