"""One process of several holds a role (Telegram long polling): a lease in the database, with standbys.

`Leadership.run(start, stop)` waits until this process holds the named lease (storage/leases.py), calls
`start()`, renews the lease every third of its length while it holds it, and calls `stop()` when it loses the
lease (another process took it after a renewal failed for too long) or is cancelled; then it releases the lease
at once, so a standby takes over without waiting. When the holder is killed, its lease lapses and a standby,
which tries every third of a lease, takes over within about 1⅓ leases. The holder stops by itself once it could
not renew for half a lease, before anyone else may take the role, so two holders never overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Awaitable, Callable

from storage.database import Database
from storage.leases import LeaseStore

log = logging.getLogger(__name__)


def process_id() -> str:
    """This process's name in leases: host:pid:nonce."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


async def _uninterrupted(work: Awaitable[None]) -> None:
    """Run `work` to its end even when cancelled meanwhile (a half-started poller cannot be stopped), then
    let the cancellation through."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await task
        raise


class Leadership:
    def __init__(self, db: Database, name: str, seconds: float = 15.0, holder: str | None = None) -> None:
        self.store = LeaseStore(db)
        self.name = name
        self.seconds = seconds
        self.holder = holder or process_id()
        self.leading = asyncio.Event()  # set while this process holds the role

    async def run(self, start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]]) -> None:
        """Hold the role whenever possible, running `start`/`stop` around each time it is held; until cancelled."""
        try:
            while True:
                await self._wait_for_role()
                log.info("lease %s: this process holds it; starting", self.name)
                self.leading.set()
                try:
                    await _uninterrupted(start())
                    await self._keep_role()
                finally:
                    self.leading.clear()
                    await stop()
                log.warning("lease %s: lost (could not renew it); standing by", self.name)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(self.store.release(self.name, self.holder))

    async def _try(self) -> bool | None:
        try:
            async with asyncio.timeout(self.seconds / 4):  # not wait_for: in 3.11 it can swallow a cancellation
                return await self.store.acquire(self.name, self.holder, time.time(), self.seconds)
        except Exception as exc:  # the database is away: cannot tell
            log.warning("lease %s: the database did not answer (%s)", self.name, type(exc).__name__)
            return None

    async def _wait_for_role(self) -> None:
        while True:
            if await self._try():
                return
            await asyncio.sleep(self.seconds / 3)

    async def _keep_role(self) -> None:
        """Renew until the role is lost, or a renewal has not succeeded for half a lease."""
        renewed = time.monotonic()
        while True:
            await asyncio.sleep(self.seconds / 3)
            held = await self._try()
            if held:
                renewed = time.monotonic()
            elif held is False or time.monotonic() - renewed > self.seconds / 2:
                return
