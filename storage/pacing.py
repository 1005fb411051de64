"""Send pacing shared by every process on one database: the `rate_pacing` table.

Each row is one paced key (a platform's overall send rate, one chat, one group robot) holding `next_at`, the
earliest unix time the next send on it may go. `reserve` takes the next slot with one upsert (`… RETURNING`):
the slot is max(now, next_at) and next_at moves on by the key's step, atomically (PostgreSQL locks the row for
the statement; SQLite has one writer), so concurrent senders in any number of processes get distinct slots
spaced `step` apart. This is the generic cell rate algorithm (a token bucket of depth one) kept in a row.
"""

from __future__ import annotations

from storage.database import Database


class PacingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def reserve(self, key: str, step: float, now: float) -> float:
        """The unix time at which this send may go (now or later); the key's next slot moves `step` past it."""
        row = await self.db.fetchone(
            "INSERT INTO rate_pacing (name, next_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET next_at = "
            "CASE WHEN rate_pacing.next_at > ? THEN rate_pacing.next_at ELSE ? END + ? RETURNING next_at",
            (key, float(now + step), float(now), float(now), float(step)),
        )
        assert row is not None  # an upsert without a WHERE always returns its row
        return float(row[0]) - step

    async def hold(self, key: str, until: float) -> None:
        """The key's next slot is no earlier than `until` (e.g. a chat's interval counted from a completed send)."""
        await self.db.execute(
            "INSERT INTO rate_pacing (name, next_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET next_at = "
            "CASE WHEN rate_pacing.next_at > ? THEN rate_pacing.next_at ELSE ? END",
            (key, float(until), float(until), float(until)),
        )

    async def prune(self, before: float) -> int:
        """Forget keys whose next slot is long past (chats pushed to once): the table stays small."""
        return await self.db.execute("DELETE FROM rate_pacing WHERE next_at < ?", (float(before),))
