"""Named roles one process at a time may hold (the `leases` table), e.g. Telegram long polling.

A process takes a role, or renews it, with one upsert that succeeds only when the role is free, lapsed, or
already its own; it holds the role until `held_until` (unix seconds) unless it renews. When the holder dies,
another process takes the role once the lease lapsed. Clocks of the processes must agree to well within a lease
(NTP), as for the outbox's leases.
"""

from __future__ import annotations

from storage.database import Database


class LeaseStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def acquire(self, name: str, holder: str, now: float, seconds: float) -> bool:
        """Take or renew the role `name` for `holder` until now + seconds; False while another holds it."""
        row = await self.db.fetchone(
            "INSERT INTO leases (name, holder, held_until) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
            "holder = excluded.holder, held_until = excluded.held_until "
            "WHERE leases.holder = excluded.holder OR leases.held_until < ? RETURNING holder",
            (name, holder, float(now + seconds), float(now)),
        )
        return row is not None

    async def release(self, name: str, holder: str) -> None:
        """Give the role up at once (a clean shutdown): a standby need not wait for the lease."""
        await self.db.execute("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    async def holder(self, name: str, now: float) -> str | None:
        """Who holds the role now (None when free or lapsed)."""
        row = await self.db.fetchone("SELECT holder FROM leases WHERE name = ? AND held_until >= ?", (name, now))
        return str(row[0]) if row else None
