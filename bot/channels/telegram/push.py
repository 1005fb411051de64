"""The Telegram PushTransport: rate-limited sends for the outbox, each outcome classified.

Pushes use their own Bot (its own HTTP connection pool), so a broadcast never occupies the
connections interactive replies use, and the SendLimiter only ever delays pushes. The transport
changes no recipient's state: `classify` names what happened, bot/recipients.py decides what it means.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram.limits import SendLimiter
from bot.channels.telegram.polling_bot import TolerantBot
from bot.channels.telegram.render import render, send_outgoing
from bot.channels.telegram.updates import CHANNEL
from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind

log = logging.getLogger(__name__)


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter's wait in seconds (PTB 22 warns about the int/timedelta change on access)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_group(chat_id: str, kind: RecipientKind) -> bool:
    return kind == "group" or chat_id.startswith("-")


NO_SUCH_CHAT = ("chat not found", "user not found", "peer_id_invalid", "chat_id is empty")


def classify_bad_request(exc: BadRequest) -> DeliveryResult:
    """A 400 names either a chat that does not exist (the recipient is invalid) or a defect of the
    message itself, e.g. "can't parse entities" (the recipient is fine: never stop them for it)."""
    detail = f"400: {exc.message}"
    if any(words in exc.message.lower() for words in NO_SUCH_CHAT):
        return DeliveryResult(DeliveryStatus.INVALID, detail)
    return DeliveryResult(DeliveryStatus.BAD_REQUEST, detail)


class TelegramPushTransport:
    """push(recipient, kind, reply) -> DeliveryResult, honouring Telegram's limits (see SendLimiter)."""

    channel = CHANNEL

    def __init__(self, token: str, base_url: str, limiter: SendLimiter) -> None:
        self.limiter = limiter
        self.bot = TolerantBot(
            token, base_url=base_url, request=HTTPXRequest(connection_pool_size=64, pool_timeout=30.0)
        )
        self._ready = asyncio.Lock()
        self._started = False
        self.stats = dict.fromkeys(("sent", "retry_after", "forbidden", "invalid", "bad_request", "network"), 0)

    async def start(self) -> None:
        async with self._ready:
            if not self._started:
                await self.bot.initialize()
                self._started = True

    async def close(self) -> None:
        await self.bot.shutdown()  # also after a failed start: its connections are open
        self._started = False

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        """Send one push, waiting for the limiter, and classify the outcome for the outbox."""
        if not self._started:
            try:
                await self.start()
            except InvalidToken:  # PTB's message quotes the token: never let it reach a log or the outbox
                log.error("telegram push: Telegram rejected the token (BOT_TELEGRAM_TOKEN)")
                return DeliveryResult(DeliveryStatus.RETRY, "telegram: token rejected")
            except TelegramError as exc:  # network down: keep the push for later
                return DeliveryResult(DeliveryStatus.RETRY, f"network: {exc.message}")
        result = await self._send(recipient, kind, reply)
        if result.new_recipient is not None:  # migrated: send at the new id now (the hook moves the binding)
            moved = await self._send(result.new_recipient, kind, reply)
            return DeliveryResult(moved.status, moved.detail, moved.retry_after, result.new_recipient)
        return result

    async def _send(self, chat_id: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        group = is_group(chat_id, kind)
        try:
            for item in render(reply):
                async with self.limiter.push(chat_id, group):
                    await send_outgoing(self.bot, chat_id, item)
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            self.limiter.pause(chat_id, wait)
            self.stats["retry_after"] += 1
            return DeliveryResult(DeliveryStatus.RETRY, f"429: {exc.message}", retry_after=wait)
        except ChatMigrated as exc:
            return DeliveryResult(DeliveryStatus.RETRY, "chat migrated", new_recipient=str(exc.new_chat_id))
        except Forbidden as exc:
            self.stats["forbidden"] += 1
            return DeliveryResult(DeliveryStatus.UNREACHABLE, f"403: {exc.message}")
        except BadRequest as exc:  # before NetworkError: BadRequest is a subclass of it
            result = classify_bad_request(exc)
            self.stats[result.status.value] += 1
            return result
        except NetworkError as exc:  # timeouts, connection errors, 5xx: the outbox backs off
            self.stats["network"] += 1
            return DeliveryResult(DeliveryStatus.RETRY, f"network: {exc.message}")
        except TelegramError as exc:  # e.g. a wrong token: keep the push, an operator must act
            log.error("telegram push failed: %s", exc.message)
            return DeliveryResult(DeliveryStatus.RETRY, f"telegram: {exc.message}")
        self.stats["sent"] += 1
        return DeliveryResult(DeliveryStatus.SENT)
