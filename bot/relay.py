"""Passing staff answers to open questions back to the people who asked them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from bot.channels.base import Channel
from bot.messages import Reply
from storage import PendingRelay, QuestionStore

log = logging.getLogger(__name__)


def relay_text(relay: PendingRelay) -> str:
    return f"您之前问的「{relay.question}」，工作人员答复了：\n{relay.answer}"


async def relay_once(questions: QuestionStore, channels: Mapping[str, Channel]) -> int:
    """Send every pending staff answer once; a failed send stays pending for the next round."""
    sent = 0
    for relay in await questions.pending_relays(tuple(channels)):
        try:
            await channels[relay.channel].send(relay.chat_id, Reply(relay_text(relay)))
        except Exception as exc:  # the platform is down or the user unreachable: try again later
            log.warning("relaying answer %s on %s failed: %s", relay.question_id, relay.channel, exc)
            continue
        await questions.mark_relayed(relay)
        sent += 1
    return sent


async def relay_forever(questions: QuestionStore, channels: Mapping[str, Channel], interval: float = 10.0) -> None:
    while True:
        try:
            await relay_once(questions, channels)
        except Exception:
            log.exception("relaying staff answers failed")
        await asyncio.sleep(interval)
