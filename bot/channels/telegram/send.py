"""Sending replies and relayed answers on the channel's bot: at once, in order, never behind pushes.

Replies do not wait for the push limiter; they are only counted in it, so pushes make room. A short
429 or a gateway error is waited out (interactive replies only: a relay raises and is tried later),
a group that became a supergroup is followed to its new id. What a refusal means for the chat (blocked,
no such chat, a malformed message) is classified here and decided by the outcome hook
(bot/recipients.py), like a push's.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram.limits import SendLimiter
from bot.channels.telegram.push import classify_bad_request, is_group, retry_seconds
from bot.channels.telegram.render import render, send_outgoing
from bot.channels.telegram.updates import CHANNEL
from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, OutcomeHook, PushTarget

log = logging.getLogger(__name__)

MAX_REPLY_WAIT = 30.0  # an interactive reply waits out a 429 up to this long (three times at most)


class ReplySender:
    def __init__(self, bot: Bot, limiter: SendLimiter, on_outcome: OutcomeHook) -> None:
        self.bot = bot
        self.limiter = limiter
        self.on_outcome = on_outcome

    async def deliver(self, chat_id: str, replies: Sequence[Reply], interactive: bool) -> None:
        """Send replies in order; a short 429 or a gateway error is waited out, a migrated group
        followed; a refusal is classified and handed to the outcome hook."""
        target = chat_id
        for item in (o for r in replies for o in render(r)):
            for attempt in range(4):
                try:
                    with self.limiter.reply():
                        await send_outgoing(self.bot, target, item)
                    break
                except RetryAfter as exc:
                    wait = retry_seconds(exc)
                    if attempt == 3 or wait > MAX_REPLY_WAIT or not interactive:
                        raise
                    await asyncio.sleep(wait)
                except ChatMigrated as exc:
                    moved = DeliveryResult(DeliveryStatus.RETRY, "chat migrated", new_recipient=str(exc.new_chat_id))
                    await self._outcome(target, moved)
                    target = str(exc.new_chat_id)
                except Forbidden as exc:
                    log.info("telegram: chat %s cannot be written to: %s", target, exc.message)
                    await self._outcome(target, DeliveryResult(DeliveryStatus.UNREACHABLE, f"403: {exc.message}"))
                    return
                except BadRequest as exc:
                    log.warning("telegram: chat %s rejected a message: %s", target, exc.message)
                    refused = classify_bad_request(exc)
                    await self._outcome(target, refused)
                    if refused.status is DeliveryStatus.INVALID:
                        return
                    break  # this message was malformed: the next one may go through
                except TimedOut:
                    raise  # it may have arrived: sending again could say it twice
                except NetworkError as exc:  # refused connection, 5xx: nothing arrived, try again shortly
                    if attempt == 3 or not interactive:
                        raise
                    log.info("telegram: sending to %s failed (%s); trying again", target, exc.message)
                    await asyncio.sleep(0.5 * (attempt + 1))

    async def _outcome(self, chat_id: str, result: DeliveryResult) -> None:
        group = is_group(chat_id, "user")
        target = PushTarget(CHANNEL, chat_id, "group" if group else "user", None if group else chat_id)
        await self.on_outcome(target, result)
