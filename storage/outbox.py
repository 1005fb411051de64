"""The outbox table: deliveries written before they are sent, claimed by the sender, marked when done.

Each delivery moves pending -> sending -> sent (or a final failure). `sending` is written before the
platform is called, so after a crash only rows still marked `sending` can have been sent without the
mark: `reset_inflight` puts them back to pending (they are the few repeated).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from storage.database import Database, utc_now

FINAL_FAILURES = ("unreachable", "invalid", "out_of_window", "failed", "cancelled")
OPEN = ("pending", "sending")
_CHUNK = 400  # rows per INSERT: 12 parameters each stays under every engine's parameter limit


@dataclass(frozen=True, slots=True)
class NewDelivery:
    channel: str
    recipient: str
    kind: str
    reply: dict[str, Any]  # JSON-ready: text, buttons, image (base64), image_name
    person_id: str | None = None
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    item_kind: str
    item_id: str
    channel: str
    recipient: str
    kind: str
    reply: dict[str, Any]
    person_id: str | None
    user_id: str | None
    attempts: int


_COLUMNS = "id, item_kind, item_id, channel, recipient, kind, reply, person_id, user_id, attempts"


def _delivery(row: Any) -> Delivery:
    return Delivery(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]), row[7], row[8], row[9])


class OutboxStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def insert(
        self, item_kind: str, item_id: str, deliveries: Sequence[NewDelivery], now: float, priority: int = 0
    ) -> int:
        """Add deliveries in one statement (all or none); existing (item, channel, recipient) are kept."""
        stamp = utc_now()
        rows = [
            (
                item_kind,
                item_id,
                d.channel,
                d.recipient,
                d.kind,
                json.dumps(d.reply, ensure_ascii=False),
                d.person_id,
                d.user_id,
                priority,
                now,
                stamp,
                stamp,
            )
            for d in deliveries
        ]
        added = 0
        async with self.db.transaction() as tx:
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start : start + _CHUNK]
                inserted = await tx.fetchall(
                    "INSERT INTO outbox (item_kind, item_id, channel, recipient, kind, reply, person_id, user_id, "
                    "priority, next_attempt_at, created_at, updated_at) VALUES "
                    + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
                    + " ON CONFLICT DO NOTHING RETURNING id",
                    [value for row in chunk for value in row],
                )
                added += len(inserted)
            if added:
                await tx.execute(
                    "INSERT INTO outbox_items (item_kind, item_id, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (item_kind, item_id) DO UPDATE SET completed_at = NULL",
                    (item_kind, item_id, stamp),
                )
        return added

    async def reset_inflight(self) -> int:
        """After a crash: deliveries marked sending may or may not have gone out; send them again."""
        changed = await self.db.execute(
            "UPDATE outbox SET status = 'pending', updated_at = ? WHERE status = 'sending'", (utc_now(),)
        )
        return changed

    async def claim(self, channel: str, limit: int, busy: set[str], now: float) -> list[Delivery]:
        """Mark up to `limit` due deliveries of a channel as sending, at most one per recipient and none
        for a recipient in `busy` (already in flight), oldest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND channel = ? AND next_attempt_at <= ? "
            "ORDER BY priority DESC, next_attempt_at, id LIMIT ?",
            (channel, now, limit + len(busy) + 16),
        )
        chosen: list[Delivery] = []
        seen = set(busy)
        for row in rows:
            if row[4] in seen:
                continue
            seen.add(row[4])
            chosen.append(_delivery(row))  # the reply JSON is parsed only for the rows taken
            if len(chosen) == limit:
                break
        if chosen:
            marks = ",".join("?" * len(chosen))
            await self.db.execute(
                f"UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ? "
                f"WHERE id IN ({marks}) AND status = 'pending'",
                (utc_now(), *(d.id for d in chosen)),
            )
        return [replace(d, attempts=d.attempts + 1) for d in chosen]

    async def mark_sent(self, delivery_id: int) -> None:
        stamp = utc_now()
        await self.db.execute(
            "UPDATE outbox SET status = 'sent', detail = '', sent_at = ?, updated_at = ? WHERE id = ?",
            (stamp, stamp, delivery_id),
        )

    async def mark_final(self, delivery_id: int, status: str, detail: str) -> None:
        if status not in FINAL_FAILURES:
            raise ValueError(f"not a final failure: {status}")
        await self.db.execute(
            "UPDATE outbox SET status = ?, detail = ?, updated_at = ? WHERE id = ?",
            (status, detail[:500], utc_now(), delivery_id),
        )

    async def mark_retry(self, delivery_id: int, next_attempt_at: float, detail: str) -> None:
        await self.db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, detail = ?, updated_at = ? WHERE id = ?",
            (next_attempt_at, detail[:500], utc_now(), delivery_id),
        )

    async def move(self, channel: str, old: str, new: str, now: float) -> int:
        """A chat got a new id: open deliveries to it go to the new id (dropped where one already exists)."""
        stamp = utc_now()
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET recipient = ?, status = 'pending', next_attempt_at = ?, updated_at = ? "
                "WHERE channel = ? AND recipient = ? AND status IN ('pending', 'sending') AND NOT EXISTS "
                "(SELECT 1 FROM outbox x WHERE x.item_kind = outbox.item_kind AND x.item_id = outbox.item_id "
                "AND x.channel = outbox.channel AND x.recipient = ?)",
                (new, now, stamp, channel, old, new),
            )
            return await tx.execute(
                "DELETE FROM outbox WHERE channel = ? AND recipient = ? AND status IN ('pending', 'sending')",
                (channel, old),
            )

    async def cancel(self, item_kind: str, item_id: str, detail: str) -> int:
        changed = await self.db.execute(
            "UPDATE outbox SET status = 'cancelled', detail = ?, updated_at = ? "
            "WHERE item_kind = ? AND item_id = ? AND status IN ('pending', 'sending')",
            (detail, utc_now(), item_kind, item_id),
        )
        return changed

    async def unnotified(self, limit: int = 500) -> list[Delivery]:
        """Sent deliveries whose on_sent callbacks have not run (the process died in between)."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE status = 'sent' AND notified = 0 ORDER BY id LIMIT ?", (limit,)
        )
        return [_delivery(r) for r in rows]

    async def mark_notified(self, delivery_id: int) -> None:
        await self.db.execute("UPDATE outbox SET notified = 1 WHERE id = ?", (delivery_id,))

    async def counts(self, item_kind: str, item_id: str) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT status, count(*) FROM outbox WHERE item_kind = ? AND item_id = ? GROUP BY status",
            (item_kind, item_id),
        )
        return {r[0]: int(r[1]) for r in rows}

    async def failures(self, item_kind: str, item_id: str) -> dict[str, int]:
        """Final failures by detail (platform reason), for the summary."""
        rows = await self.db.fetchall(
            "SELECT status, count(*) FROM outbox WHERE item_kind = ? AND item_id = ? AND status IN "
            "('unreachable', 'invalid', 'out_of_window', 'failed') GROUP BY status",
            (item_kind, item_id),
        )
        return {r[0]: int(r[1]) for r in rows}

    async def next_due(self, channels: Sequence[str]) -> float | None:
        marks = ",".join("?" * len(channels)) or "NULL"
        row = await self.db.fetchone(
            f"SELECT min(next_attempt_at) FROM outbox WHERE status = 'pending' AND channel IN ({marks})",
            tuple(channels),
        )
        return float(row[0]) if row and row[0] is not None else None

    async def open_count(self, channels: Sequence[str]) -> int:
        marks = ",".join("?" * len(channels)) or "NULL"
        row = await self.db.fetchone(
            f"SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending') AND channel IN ({marks})",
            tuple(channels),
        )
        return int(row[0]) if row else 0

    async def finished_items(self) -> list[tuple[str, str]]:
        """Items not yet marked complete that have no open deliveries left."""
        rows = await self.db.fetchall(
            "SELECT i.item_kind, i.item_id FROM outbox_items i WHERE i.completed_at IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM outbox o WHERE o.item_kind = i.item_kind AND o.item_id = i.item_id "
            "AND o.status IN ('pending', 'sending'))"
        )
        return [(r[0], r[1]) for r in rows]

    async def has_open(self, item_kind: str, item_id: str) -> bool:
        """Whether any delivery of the item is still pending or sending (an index lookup, not a count)."""
        row = await self.db.fetchone(
            "SELECT 1 FROM outbox WHERE item_kind = ? AND item_id = ? AND status IN ('pending', 'sending') LIMIT 1",
            (item_kind, item_id),
        )
        return row is not None

    async def completed(self, item_kind: str, item_id: str) -> bool:
        row = await self.db.fetchone(
            "SELECT completed_at FROM outbox_items WHERE item_kind = ? AND item_id = ?", (item_kind, item_id)
        )
        return row is not None and row[0] is not None

    async def mark_completed(self, item_kind: str, item_id: str) -> bool:
        changed = await self.db.execute(
            "UPDATE outbox_items SET completed_at = ? WHERE item_kind = ? AND item_id = ? AND completed_at IS NULL",
            (utc_now(), item_kind, item_id),
        )
        return changed == 1
