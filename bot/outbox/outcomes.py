"""What one push attempt's result does, once the transport has classified it.

The delivery's new status is written first, and tried until it is written (left `sending`, it would be sent
again once its lease lapsed): sent; back to the queue after exponential back-off or the platform's
retry_after; moved to a migrated chat's new id; or final (a bad request fails only that delivery, the
message's defect). Then what a written outcome does beyond the delivery: a migrated chat's other deliveries
follow it, a push with buttons becomes the person's last offered choices, the item's callbacks run and the
item completes. A final outcome (and a migration) goes to the `on_outcome` hook, which alone decides what it
means for the recipient. The sender (bot/outbox/sender.py) hands every result here.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from typing import cast

from bot.outbox.delivery import DeliveryResult, DeliveryStatus, OutcomeHook, PushTarget, RecipientKind
from bot.outbox.items import ItemHooks
from storage.conversations import ConversationStore
from storage.outbox import Delivery, OutboxStore

log = logging.getLogger(__name__)


class Outcomes:
    """Records push results for one sender (`owner`); `finished` counts final outcomes by (channel, status)."""

    def __init__(
        self,
        store: OutboxStore,
        items: ItemHooks,
        owner: str,
        *,
        on_outcome: OutcomeHook | None,
        conversations: ConversationStore | None,
        max_attempts: int,
        backoff: float,
        max_backoff: float,
        lease: float,
    ) -> None:
        self.store = store
        self.items = items
        self.owner = owner
        self.on_outcome = on_outcome
        self.conversations = conversations
        self.max_attempts = max_attempts
        self.backoff = backoff  # seconds before the first retry, doubled for each further attempt
        self.max_backoff = max_backoff
        self.lease = lease
        self.finished: Counter[tuple[str, str]] = Counter()

    async def record(self, delivery: Delivery, result: DeliveryResult) -> None:
        """Write the result, apply it to the conversation and the item, and hand a final one to the hook."""
        await self._write_outcome(delivery, result)
        try:
            await self._apply(delivery, result)
        except Exception:
            log.exception("outbox: could not apply the outcome of delivery %d", delivery.id)
        if self.on_outcome is not None and (result.final or result.new_recipient):
            kind = cast(RecipientKind, delivery.kind)
            target = PushTarget(delivery.channel, delivery.recipient, kind, delivery.user_id)
            try:
                await self.on_outcome(target, result)
            except Exception:
                log.exception("outbox: the outcome hook failed for delivery %d", delivery.id)

    async def _write_outcome(self, delivery: Delivery, result: DeliveryResult) -> None:
        """Write the delivery's new status, trying until it is written: left `sending`, it would be sent
        again once the lease lapsed. The lease is renewed meanwhile (the task stays in flight)."""
        delay = 0.1
        while True:
            try:
                await self._write_status(delivery, result)
                return
            except Exception as exc:
                log.warning("outbox: writing the outcome of delivery %d failed (%s); trying again", delivery.id, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.lease / 4)

    async def _write_status(self, delivery: Delivery, result: DeliveryResult) -> None:
        final = await self._write_final(delivery, result)
        if final is not None:
            self.finished[(delivery.channel, final)] += 1

    async def _write_final(self, delivery: Delivery, result: DeliveryResult) -> str | None:
        """Write the outcome; the delivery's final status, or None when it goes back to the queue."""
        if result.status is DeliveryStatus.SENT:
            await self.store.mark_sent(delivery.id)
            return "sent"
        if result.new_recipient:
            await self.store.move(delivery.channel, delivery.recipient, result.new_recipient, time.time())
            return None
        if result.status is DeliveryStatus.RETRY:
            if delivery.attempts >= self.max_attempts:
                await self.store.mark_final(delivery.id, "failed", result.detail or "too many attempts")
                return "failed"
            delay = min(self.max_backoff, self.backoff * 2 ** (delivery.attempts - 1)) * random.uniform(0.75, 1)
            delay = max(delay, result.retry_after or 0.0)
            await self.store.mark_retry(delivery.id, time.time() + delay, result.detail, self.owner)
            return None
        if result.status is DeliveryStatus.BAD_REQUEST:  # the message's defect: failed, never retried
            await self.store.mark_final(delivery.id, "failed", f"bad request: {result.detail}")
            return "failed"
        await self.store.mark_final(delivery.id, result.status.value, result.detail)
        return result.status.value

    async def _apply(self, delivery: Delivery, result: DeliveryResult) -> None:
        """What an outcome (already written) does to the recipient, the conversation and the item."""
        if result.status is DeliveryStatus.SENT:
            if result.new_recipient:  # the transport followed a migration itself: the chat's other pushes follow
                await self.store.move(delivery.channel, delivery.recipient, result.new_recipient, time.time())
            await self._offer_choices(delivery)
            await self.items.notify(delivery)
        elif result.new_recipient:
            log.info("outbox: %s chat moved, sending to its new id", delivery.channel)
            return
        elif result.status is DeliveryStatus.RETRY and delivery.attempts < self.max_attempts:
            return
        await self.items.maybe_complete(delivery.item_kind, delivery.item_id)

    async def _offer_choices(self, delivery: Delivery) -> None:
        """A push with buttons to a person is the last thing they saw: on a channel without buttons,
        typing "1" picks its first choice (as after an interactive reply)."""
        buttons = delivery.reply.get("buttons") or []
        if self.conversations is None or delivery.kind != "user" or not delivery.user_id or not buttons:
            return
        choices = [str(data) for _, data in buttons]
        await self.conversations.save(delivery.channel, delivery.recipient, delivery.user_id, choices, None)
