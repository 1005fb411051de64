"""Webhook mode: Telegram posts updates to a route on the bot's aiohttp server, with a secret token.

Calls without the right `X-Telegram-Bot-Api-Secret-Token` get 403, bodies that are no update (not JSON,
nested too deep to parse, no update_id) 400.
Authentic updates are queued for the Application and acknowledged at once; one that does not parse
is acknowledged too (and logged), or Telegram would deliver it again and again.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import urlparse

from aiohttp import web
from telegram import Bot, Update

from bot.config import ConfigError, TelegramConfig

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WebHandler = Callable[[web.Request], Awaitable[web.Response]]


def webhook_path(config: TelegramConfig) -> str:
    """The route: the path of the public webhook URL (the TLS proxy forwards it unchanged)."""
    return urlparse(config.webhook_url).path or "/telegram"


def check_config(config: TelegramConfig) -> None:
    """Fail at start-up, naming the setting, rather than when the first update arrives."""
    if not config.token:
        raise ConfigError("BOT_TELEGRAM_TOKEN / telegram.token: required for the Telegram channel")
    if config.mode == "webhook":
        if not config.webhook_url:
            raise ConfigError("BOT_TELEGRAM_WEBHOOK_URL / telegram.webhook_url: required in webhook mode")
        secret = config.webhook_secret
        if not secret or len(secret) > 256 or not all(c.isascii() and (c.isalnum() or c in "_-") for c in secret):
            raise ConfigError(
                "BOT_TELEGRAM_WEBHOOK_SECRET / telegram.webhook_secret: required in webhook mode, "
                "1-256 characters of A-Z a-z 0-9 _ -"
            )


def webhook_handler(secret: str, bot: Bot, queue: asyncio.Queue[object]) -> WebHandler:
    """The aiohttp handler that checks the secret and queues each update for the Application."""
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), expected):
            log.warning("telegram webhook: call with a wrong secret token from %s", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser recurses
            data = None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            log.warning("telegram webhook: rejected a body that is no update")
            return web.Response(status=400, text="bad update")
        try:
            update = Update.de_json(data, bot)
        except Exception as exc:  # authentic but unparsable: accept it, or Telegram resends it forever
            log.error(
                "telegram webhook: skipped update %s that did not parse: %s", data["update_id"], type(exc).__name__
            )
            return web.Response(text="skipped")
        await queue.put(update)
        return web.Response(text="ok")

    return receive
