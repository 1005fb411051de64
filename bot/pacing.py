"""Platform send limits that hold in total across every bot process on one database.

Each process's limiters (bot/channels/telegram/limits.py, the WeCom robots' windows) only see their own sends;
with several `serve` processes each would allow the full rate, so together they would exceed it. A
`SharedPacer` paces named keys through the database instead (storage/pacing.py): every send reserves the key's
next slot with one upsert (`… RETURNING`), slots `1 / rate` apart, and sleeps until its slot. Keys used:

- `telegram:all` — pushes overall (`telegram.push_per_second`, 25 of Telegram's ~30/s: the rest is room for
  replies and for network jitter bunching requests, since Telegram counts arrivals);
- `telegram:chat:<id>` — one chat (`chat_interval_ms`) or one group (at least 60 s / `group_per_minute`), also
  moved on when a push *completes* (`hold`), because Telegram measures from when the previous message arrived;
- `wecom:<township>` — one WeCom group robot (20 a minute: one every 3 s).

Why this design rather than one elected sender per channel: every process keeps sending (no fail-over gap, no
idle standby), the cost is one short statement per send (≈0.3 ms on PostgreSQL; at 30 sends/s the row lock is
never contended for long), and a process that dies loses nothing but the slots it reserved. The pacing is even
(no bursts), which is what the platforms count; a send that wakes up late for its slot takes a new one rather than
bunch with the next. Clocks must agree (NTP), as for the outbox's leases. On SQLite
(one process) the pacer is not used: the in-process limiters already hold.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from storage.database import Database
from storage.pacing import PacingStore

PRUNE_EVERY = 600.0  # seconds between deletions of keys long past
PRUNE_AGE = 3600.0
LATE_RETRIES = 3  # slots reserved again at most when waking up late


class SharedPacer:
    """Waits for a slot on a key, shared with every process on the database."""

    def __init__(
        self,
        db: Database,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = PacingStore(db)
        self.clock = clock
        self.sleep = sleep  # with `clock`, a test's virtual time (tests/fakes/clock.py)
        self._pruned = clock()

    async def wait(self, key: str, step: float) -> float:
        """Reserve the next slot on `key` (slots `step` seconds apart) and sleep until it; seconds waited.

        A send that wakes more than half a step after its slot (a busy event loop, a slow database) would bunch
        with the next ones, which is what the platform counts: it gives the slot up and reserves a new one."""
        started = self.clock()
        slot = await self.store.reserve(key, step, started)
        if started - self._pruned > PRUNE_EVERY:
            self._pruned = started
            await self.store.prune(started - PRUNE_AGE)
        for _ in range(LATE_RETRIES):
            delay = slot - self.clock()
            if delay > 0:
                await self.sleep(delay)
            now = self.clock()
            if now - slot <= step / 2:
                break
            slot = await self.store.reserve(key, step, now)
        return max(self.clock() - started, 0.0)

    async def hold(self, key: str, seconds: float) -> None:
        """The key's next slot is at least `seconds` from now (measured from a completed send)."""
        await self.store.hold(key, self.clock() + seconds)
