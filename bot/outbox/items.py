"""What features hang on the outbox's items: a guard before sending (is the item still wanted?), a
callback after each delivery is sent, and a callback once every delivery of an item is final.

The sender (bot/outbox/sender.py) calls these; features register them through `Outbox.guard`,
`Outbox.on_sent` and `Outbox.on_complete`. Callbacks may run again after a crash, so they must be
idempotent; completion is claimed in the database so that one sender of several completes an item.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import cast

from bot.outbox.delivery import RecipientKind
from bot.outbox.types import FAILED_STATUSES, CompleteCallback, Guard, Progress, SentCallback, SentPush
from storage.outbox import Delivery, OutboxStore

log = logging.getLogger(__name__)


async def item_progress(store: OutboxStore, item_kind: str, item_id: str) -> Progress:
    counts = await store.counts(item_kind, item_id)
    return Progress(
        total=sum(counts.values()),
        sent=counts.get("sent", 0),
        failed=sum(counts.get(s, 0) for s in FAILED_STATUSES),
        pending=counts.get("pending", 0) + counts.get("sending", 0),
        cancelled=counts.get("cancelled", 0),
        by_status=counts,
    )


class ItemHooks:
    def __init__(self, store: OutboxStore, owner: str, lease: float) -> None:
        self.store = store
        self.owner = owner
        self.lease = lease
        self.sent_callbacks: dict[str, list[SentCallback]] = {}
        self.complete_callbacks: dict[str, list[CompleteCallback]] = {}
        self.guards: dict[str, Guard] = {}
        self._completing: set[tuple[str, str]] = set()
        self._recheck: set[tuple[str, str]] = set()

    async def wanted(self, batch: list[Delivery]) -> list[Delivery]:
        """Drop (and cancel) deliveries of items their guard says are no longer wanted."""
        verdicts: dict[tuple[str, str], bool] = {}
        kept = []
        for delivery in batch:
            key = (delivery.item_kind, delivery.item_id)
            guard = self.guards.get(delivery.item_kind)
            if guard is not None and key not in verdicts:
                try:
                    verdicts[key] = await guard(delivery.item_id)
                except Exception:  # cannot tell: send (a withdrawn item sent is better than one stuck)
                    log.exception("outbox: the guard for %s failed", delivery.item_kind)
                    verdicts[key] = True
                if not verdicts[key]:
                    await self.store.cancel(*key, "expired or withdrawn")
                    await self.maybe_complete(*key)
            if verdicts.get(key, True):
                kept.append(delivery)
        return kept

    async def notify(self, delivery: Delivery) -> None:
        """The on_sent callbacks of a delivery just marked sent; marked notified once they all ran."""
        sent = SentPush(
            delivery.item_kind,
            delivery.item_id,
            delivery.channel,
            delivery.recipient,
            cast(RecipientKind, delivery.kind),
            delivery.person_id,
            delivery.user_id,
            delivery.id,
        )
        for callback in self.sent_callbacks.get(delivery.item_kind, []):
            try:
                await callback(sent)
            except Exception:
                log.exception("outbox: on_sent callback for %s failed", delivery.item_kind)
                return  # stays un-notified: run again at the next start
        await self.store.mark_notified(delivery.id)

    async def renotify(self, batch: int = 500) -> int:
        """Sent deliveries whose callbacks did not all run (a crash, a failing callback): run them, a batch
        at a time (the sender runs this beside sending, so a large backlog does not hold up new pushes).
        Each is tried once per call: one whose callback fails again waits for the next start. Deliveries
        this sender sent are left out: it runs their callbacks itself (outcomes.py), and one it has just
        marked sent would otherwise be notified twice. Returns how many were tried."""
        after, tried = 0, 0
        while rows := await self.store.unnotified(batch, after_id=after, besides=self.owner):
            for delivery in rows:
                await self.notify(delivery)
            tried += len(rows)
            after = rows[-1].id
            if len(rows) < batch:
                break
            await asyncio.sleep(0)  # the sender's other work goes on between batches
        return tried

    async def maybe_complete(self, item_kind: str, item_id: str) -> None:
        """Fire the on_complete callbacks once, when the last open delivery of an item became final."""
        key = (item_kind, item_id)
        if key in self._completing:
            self._recheck.add(key)  # the checker running now may have looked too early: it looks again
            return
        self._completing.add(key)  # before any await: concurrent deliveries of one item check in turn
        try:
            while True:
                self._recheck.discard(key)
                if await self._complete_once(item_kind, item_id) or key not in self._recheck:
                    return
        finally:
            self._completing.discard(key)

    async def _complete_once(self, item_kind: str, item_id: str) -> bool:
        if await self.store.has_open(item_kind, item_id):
            return False
        if await self.store.completed(item_kind, item_id):
            return True
        progress = await item_progress(self.store, item_kind, item_id)
        if not progress.done:
            return False
        # One sender completes an item: the others (or this one, again) find it claimed or completed.
        if not await self.store.claim_completion(item_kind, item_id, self.owner, time.time(), self.lease):
            return True
        for callback in self.complete_callbacks.get(item_kind, []):
            try:
                await callback(item_kind, item_id, progress)
            except Exception:
                log.exception("outbox: on_complete callback for %s failed", item_kind)
        await self.store.mark_completed(item_kind, item_id)
        return True

    async def complete_finished(self) -> None:
        """Items all of whose deliveries are final but that were never completed (a crash): complete them."""
        for item_kind, item_id in await self.store.finished_items():
            await self.maybe_complete(item_kind, item_id)
