"""One crash-safe outbox for every push (postings, briefings, notices to staff).

`enqueue` writes the deliveries to the database before anything is sent; re-enqueueing the same
(item, channel, recipient) never adds a second delivery. `run` is a sender: it claims due deliveries
with a lease (marking them `sending` under its own id first; storage/outbox.py), hands each to its
channel's PushTransport with several in flight per channel (one per recipient), renews its leases while
they are in flight, and hands every result to bot/outbox/outcomes.py: sent; retried later with exponential
back-off or the platform's retry_after; or a final failure that is never retried. Every final outcome goes
to the `on_outcome` hook, which alone decides what it means for the recipient (the outbox imports no feature
store); a bad request is the message's defect and fails only that delivery. Any number of senders (processes)
share one outbox. When a sender dies (crash, SIGKILL), its claims lapse after the lease and any sender
takes them over: those few in flight are the only deliveries that can repeat. An outcome that cannot be
written is retried until it is (the lease stays renewed meanwhile), so a database hiccup never turns one
delivery into two. Interactive replies never come through here. The features' guards and callbacks
around each item run in bot/outbox/items.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import cast

from bot.outbox.channels import ChannelPushTransport, transports_of
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, OutcomeHook, PushTransport, RecipientKind
from bot.outbox.items import ItemHooks, item_progress
from bot.outbox.outcomes import Outcomes
from bot.outbox.types import (
    CompleteCallback,
    Guard,
    Progress,
    Push,
    SentCallback,
    SentPush,
    reply_from_json,
    reply_to_json,
)
from storage.conversations import ConversationStore
from storage.database import Database
from storage.outbox import Delivery, NewDelivery, OutboxStore

__all__ = ["ChannelPushTransport", "Outbox", "Progress", "Push", "SentPush", "transports_of"]

log = logging.getLogger(__name__)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Outbox:
    """The queue (`enqueue`, `cancel`, `progress`), the features' hooks on it, and a sender (`run`)."""

    def __init__(
        self,
        db: Database,
        *,
        on_outcome: OutcomeHook | None = None,
        conversations: ConversationStore | None = None,
        concurrency: int | Mapping[str, int] = 8,
        max_attempts: int = 8,
        backoff: float = 2.0,
        max_backoff: float = 900.0,
        poll_interval: float = 1.0,
        lease: float = 30.0,
    ) -> None:
        self.store = OutboxStore(db)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"  # host:pid:nonce
        self.lease = lease  # seconds a claim holds without renewal; renewed every lease / 4
        self.concurrency = concurrency
        self.poll_interval = poll_interval
        self.resumed = 0  # deliveries taken over from a sender whose lease lapsed (sent again)
        self.items = ItemHooks(self.store, self.owner, lease)
        self.outcomes = Outcomes(
            self.store,
            self.items,
            self.owner,
            on_outcome=on_outcome,
            conversations=conversations,
            max_attempts=max_attempts,
            backoff=backoff,
            max_backoff=max_backoff,
            lease=lease,
        )
        # For /metrics: this sender's push attempts by (channel, result) and deliveries it finished by (channel, status)
        self.attempts: Counter[tuple[str, str]] = Counter()
        self.finished = self.outcomes.finished
        self._wake = asyncio.Event()

    # --- registration -------------------------------------------------------------------------
    def on_sent(self, item_kind: str, callback: SentCallback) -> None:
        """Call `callback` after each delivery of this item kind is marked sent (again after a crash
        if it had not run: callbacks must be idempotent)."""
        self.items.sent_callbacks.setdefault(item_kind, []).append(callback)

    def on_complete(self, item_kind: str, callback: CompleteCallback) -> None:
        """Call `callback(item_kind, item_id, progress)` once every delivery of an item is final."""
        self.items.complete_callbacks.setdefault(item_kind, []).append(callback)

    def guard(self, item_kind: str, still_wanted: Guard) -> None:
        """Before sending, ask whether the item is still wanted (e.g. not withdrawn or expired);
        when not, its open deliveries are cancelled."""
        self.items.guards[item_kind] = still_wanted

    # --- queue --------------------------------------------------------------------------------
    async def enqueue(self, item_kind: str, item_id: str, pushes: Sequence[Push], *, urgent: bool = False) -> int:
        """Write the deliveries before anything is sent; returns how many were new. Urgent ones (a notice to
        a staff member) are claimed before any broadcast already queued on the same channel."""
        deliveries = [
            NewDelivery(p.channel, p.recipient, p.kind, reply_to_json(p.reply), p.person_id, p.user_id) for p in pushes
        ]
        added = await self.store.insert(item_kind, item_id, deliveries, time.time(), int(urgent)) if deliveries else 0
        if added:
            self._wake.set()
        return added

    async def cancel(self, item_kind: str, item_id: str, reason: str = "withdrawn") -> int:
        """Open deliveries of an item are not sent (those already at the platform cannot be recalled)."""
        return await self.store.cancel(item_kind, item_id, reason)

    async def progress(self, item_kind: str, item_id: str) -> Progress:
        """ "已送达 350/1200，失败 3": an item's deliveries by status."""
        return await item_progress(self.store, item_kind, item_id)

    # --- sender -------------------------------------------------------------------------------
    def _limit(self, channel: str) -> int:
        if isinstance(self.concurrency, int):
            return self.concurrency
        return self.concurrency.get(channel, 8)

    async def run(self, transports: Mapping[str, PushTransport], *, until_idle: bool = False) -> None:
        """Send until cancelled (or, with until_idle, until no delivery on these channels is open).
        Other senders (processes) may run on the same database at the same time."""
        self.resumed = await self._release_dead_neighbours()
        # Callbacks a crash left un-run are caught up beside sending, never before it (a large backlog
        # must not hold up new pushes).
        renotifying = asyncio.create_task(self._renotify())
        await self.items.complete_finished()
        inflight: dict[str, dict[str, asyncio.Task[None]]] = {c: {} for c in transports}
        heartbeat = asyncio.create_task(self._renew_leases())
        try:
            while True:
                try:
                    if await self._step(transports, inflight, until_idle):
                        await renotifying
                        return
                except Exception:  # the database was busy or a hook failed: keep the sender alive
                    log.exception("outbox: the sender loop failed; trying again")
                    await asyncio.sleep(self.poll_interval)
        finally:
            heartbeat.cancel()
            renotifying.cancel()
            tasks = [t for busy in inflight.values() for t in busy.values()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(heartbeat, renotifying, *tasks, return_exceptions=True)

    async def _renotify(self) -> None:
        try:
            await self.items.renotify()
        except Exception:  # the database failed: the rest waits for the next start
            log.exception("outbox: could not run the callbacks missed before this start")

    async def _release_dead_neighbours(self) -> int:
        """Claims of a sender on this machine whose process is gone (a restart after a crash) go back to
        the queue now instead of after their lease; senders elsewhere are left to their leases."""
        host = socket.gethostname()
        released = 0
        for owner in await self.store.claimants():
            owner_host, _, rest = owner.partition(":")
            pid = rest.partition(":")[0]
            if owner_host == host and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
                released += await self.store.release(owner)
        if released:
            log.warning("outbox: %d deliveries were in flight when a sender here stopped; sending them again", released)
        return released

    async def _renew_leases(self) -> None:
        """Keep this sender's claims alive while it lives; items whose completion a dead sender held
        are completed here once their lease lapsed."""
        while True:
            await asyncio.sleep(self.lease / 4)
            try:
                await self.store.renew(self.owner, time.time() + self.lease)
                await self.items.complete_finished()
            except Exception:
                log.exception("outbox: could not renew the leases; trying again")

    async def _step(
        self,
        transports: Mapping[str, PushTransport],
        inflight: dict[str, dict[str, asyncio.Task[None]]],
        until_idle: bool,
    ) -> bool:
        """Claim and start what is due on every channel, or wait; True when idle and `until_idle`."""
        self._wake.clear()
        now = time.time()
        claimed = 0
        for channel, transport in transports.items():
            busy = inflight[channel]
            free = self._limit(channel) - len(busy)
            if free <= 0:
                continue
            claimed_now, taken_over = await self.store.claim(channel, free, set(busy), now, self.owner, self.lease)
            if taken_over:
                self.resumed += taken_over
                log.warning(
                    "outbox: %d %s deliveries were left in flight by a stopped sender; sending them again",
                    taken_over,
                    channel,
                )
            batch = await self.items.wanted(claimed_now)
            for delivery in batch:
                task = asyncio.create_task(self._deliver(transport, delivery))
                busy[delivery.recipient] = task
                task.add_done_callback(self._forget(busy, delivery.recipient))
            claimed += len(batch)
        if claimed:
            return False
        channels = list(transports)
        if until_idle and not any(inflight.values()) and await self.store.open_count(channels) == 0:
            return True
        due = await self.store.next_due(channels)
        wait = self.poll_interval
        if due is not None and due > now:
            wait = min(wait, due - now)
        # not wait_for: in 3.11 a cancellation arriving as the event is set is swallowed, and the sender lives on
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait):
                await self._wake.wait()
        return False

    def _forget(self, busy: dict[str, asyncio.Task[None]], recipient: str) -> Callable[[asyncio.Task[None]], None]:
        def done(task: asyncio.Task[None]) -> None:
            if busy.get(recipient) is task:
                del busy[recipient]
            self._wake.set()

        return done

    async def _deliver(self, transport: PushTransport, delivery: Delivery) -> None:
        kind = cast(RecipientKind, delivery.kind)
        try:
            result = await transport.push(delivery.recipient, kind, reply_from_json(delivery.reply))
        except Exception as exc:
            log.warning("outbox: push %d on %s raised %s", delivery.id, delivery.channel, type(exc).__name__)
            result = DeliveryResult(DeliveryStatus.RETRY, detail=type(exc).__name__)
        self.attempts[(delivery.channel, result.status.value)] += 1
        await self.outcomes.record(delivery, result)
