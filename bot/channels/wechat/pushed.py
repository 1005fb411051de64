"""Answers that do not go back in the callback's response: pushed as customer-service messages, in the
background, once they are ready (the dispatcher outlasted the reply budget, the database failed, further
texts and images of an answer). A push the API cannot deliver goes through the outbox, which retries it;
each message's delivery record says how it was answered ("pushed", "silent"), for WeChat's retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any, Literal

from bot.channels.wechat.inbound import CHANNEL, Incoming
from bot.channels.wechat.outbound import WechatPush
from bot.channels.wechat.render import reply_texts
from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, PushTarget
from bot.outbox.types import Push
from bot.services import Services
from storage import StorageError
from storage.wechat import WechatStore

log = logging.getLogger(__name__)

ANSWER_ITEM = "wechat_answer"  # outbox item kind of answers a customer-service call could not deliver


class Pushed:
    """The channel's background answers: started with `spawn`, awaited with `drain`."""

    def __init__(self, services: Services, store: WechatStore, transport: WechatPush) -> None:
        self.services = services
        self.store = store
        self.transport = transport
        self.tasks: set[asyncio.Task[None]] = set()

    async def mark(self, incoming: Incoming, state: Literal["pushed", "silent"]) -> None:
        try:
            await self.store.mark(incoming.key, state)
        except StorageError as exc:  # the record only serves retries; the answer stands
            log.warning("WeChat %s: state %s not recorded (%s)", incoming.key, state, exc)

    def when_done(self, incoming: Incoming, task: asyncio.Task[list[Reply]]) -> None:
        """Push the dispatcher's answer once `task` is done (nothing to say: the message is marked silent)."""

        async def deliver() -> None:
            replies = await task
            if reply_texts(replies) or any(r.image for r in replies):
                await self.push(incoming, replies)
            else:
                await self.mark(incoming, "silent")

        self.spawn(deliver())

    def later(self, incoming: Incoming, replies: list[Reply], mark: bool = True) -> None:
        self.spawn(self.push(incoming, replies, mark))

    async def push(self, incoming: Incoming, replies: list[Reply], mark: bool = True) -> None:
        """Push the answer now; what a failed call could not deliver goes through the outbox (retried)."""
        target = PushTarget(CHANNEL, incoming.user_id, "user", incoming.user_id)
        for n, reply in enumerate(replies):
            try:
                result = await self.transport.deliver(incoming.user_id, [reply])
                await self.services.recipients.apply(target, result)
            except Exception as exc:  # the API or the database failed: the outbox tries again
                result = DeliveryResult(DeliveryStatus.RETRY, type(exc).__name__)
            if result.status is DeliveryStatus.RETRY:
                log.warning("answer for %s not delivered (%s): queued in the outbox", incoming.key, result.detail)
                user = incoming.user_id
                for later, rest in enumerate(replies[n:], start=n):
                    push = Push(CHANNEL, user, "user", rest, user_id=user)
                    await self.services.outbox.enqueue(ANSWER_ITEM, f"{incoming.key}#{later}", [push], urgent=True)
                break
            if result.status is not DeliveryStatus.SENT:
                log.warning("answer for %s not delivered: %s %s", incoming.key, result.status.value, result.detail)
        if mark:
            await self.mark(incoming, "pushed")

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("WeChat background delivery failed: %r", task.exception())

    async def drain(self) -> None:
        """Wait for the background answers (tests, shutdown)."""
        while self.tasks:
            with contextlib.suppress(Exception):
                await asyncio.gather(*self.tasks, return_exceptions=True)
