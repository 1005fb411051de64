"""The outbox table: deliveries written before they are sent, claimed by a sender, marked when done.

Each delivery moves pending -> sending -> sent (or a final failure). A sender claims deliveries with a
lease: `sending`, `claimed_by` = its id and `claimed_until` = when the claim lapses, in one unit of work
(rows another sender is claiming are skipped, on PostgreSQL with `FOR UPDATE SKIP LOCKED`). The sender
renews its leases while pushes are in flight; a delivery whose lease lapsed (its sender died) is claimed
again by any sender, so after a crash only the dead sender's in-flight deliveries can repeat. Any number
of senders share one outbox. Completing an item (its summary hook) is leased the same way
(storage/outbox_items.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.database import Database, utc_now
from storage.outbox_items import OutboxItems

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


class OutboxStore(OutboxItems):
    """The deliveries: inserting, claiming with leases, marking outcomes; per-item reads are OutboxItems'."""

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

    async def claim(
        self, channel: str, limit: int, busy: set[str], now: float, owner: str, lease: float
    ) -> tuple[list[Delivery], int]:
        """Claim up to `limit` due deliveries of a channel for `owner` until `now + lease`, oldest first, at
        most one per recipient and none for a recipient with a delivery in flight (here or in another
        sender). Also returns how many claims of senders whose lease lapsed went back to the queue."""
        chosen: list[int] = []
        async with self.db.transaction() as tx:
            lapsed = await tx.fetchall(
                "UPDATE outbox SET status = 'pending', claimed_by = NULL, claimed_until = 0 "
                "WHERE status = 'sending' AND channel = ? AND claimed_until < ? RETURNING id",
                (channel, now),
            )
            rows = await tx.fetchall(
                "SELECT o.id, o.recipient FROM outbox o WHERE o.status = 'pending' AND o.channel = ? "
                "AND o.next_attempt_at <= ? AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.channel = o.channel "
                "AND s.recipient = o.recipient AND s.status = 'sending') "
                f"ORDER BY o.priority DESC, o.next_attempt_at, o.id LIMIT ? {self.db.skip_locked}",
                (channel, now, 2 * limit + len(busy) + 16),
            )
            seen = set(busy)
            for delivery_id, recipient in rows:
                if recipient not in seen:
                    seen.add(recipient)
                    chosen.append(int(delivery_id))
                    if len(chosen) == limit:
                        break
            if not chosen:
                return [], len(lapsed)
            claimed = await tx.fetchall(
                "UPDATE outbox SET status = 'sending', claimed_by = ?, claimed_until = ?, attempts = attempts + 1, "
                f"updated_at = ? WHERE id IN ({','.join('?' * len(chosen))}) AND status = 'pending' "
                f"RETURNING {_COLUMNS}",
                (owner, now + lease, utc_now(), *chosen),
            )
        order = {delivery_id: n for n, delivery_id in enumerate(chosen)}
        return sorted((_delivery(r) for r in claimed), key=lambda d: order[d.id]), len(lapsed)

    async def renew(self, owner: str, until: float) -> int:
        """Extend every lease `owner` holds (its pushes are still in flight)."""
        return await self.db.execute(
            "UPDATE outbox SET claimed_until = ? WHERE status = 'sending' AND claimed_by = ?", (until, owner)
        )

    async def claimants(self) -> list[str]:
        """The senders holding claims now."""
        rows = await self.db.fetchall("SELECT DISTINCT claimed_by FROM outbox WHERE status = 'sending'")
        return [str(r[0]) for r in rows if r[0] is not None]

    async def release(self, owner: str) -> int:
        """A sender known to be gone: its unfinished claims go back to the queue at once."""
        return await self.db.execute(
            "UPDATE outbox SET status = 'pending', claimed_by = NULL, claimed_until = 0 "
            "WHERE status = 'sending' AND claimed_by = ?",
            (owner,),
        )

    async def mark_sent(self, delivery_id: int) -> None:
        stamp = utc_now()
        await self.db.execute(
            "UPDATE outbox SET status = 'sent', detail = '', sent_at = ?, updated_at = ?, claimed_until = 0 "
            "WHERE id = ?",
            (stamp, stamp, delivery_id),
        )

    async def mark_final(self, delivery_id: int, status: str, detail: str) -> None:
        if status not in FINAL_FAILURES:
            raise ValueError(f"not a final failure: {status}")
        await self.db.execute(
            "UPDATE outbox SET status = ?, detail = ?, updated_at = ?, claimed_until = 0 "
            "WHERE id = ? AND status <> 'sent'",
            (status, detail[:500], utc_now(), delivery_id),
        )

    async def mark_retry(self, delivery_id: int, next_attempt_at: float, detail: str, owner: str) -> None:
        """Back to the queue, unless another sender took the delivery over meanwhile (it is sending it)."""
        await self.db.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, detail = ?, updated_at = ?, claimed_by = NULL, "
            "claimed_until = 0 WHERE id = ? AND status = 'sending' AND claimed_by = ?",
            (next_attempt_at, detail[:500], utc_now(), delivery_id, owner),
        )

    async def move(self, channel: str, old: str, new: str, now: float) -> int:
        """A chat got a new id: open deliveries to it go to the new id (dropped where one already exists)."""
        stamp = utc_now()
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET recipient = ?, status = 'pending', next_attempt_at = ?, updated_at = ?, "
                "claimed_by = NULL, claimed_until = 0 "
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

    async def unnotified(self, limit: int = 500, after_id: int = 0, *, besides: str = "") -> list[Delivery]:
        """Sent deliveries whose on_sent callbacks have not run (the process died in between), by id
        from `after_id` on (a batch at a time); none that the sender `besides` sent (mark_sent keeps the
        sender's id in claimed_by): that sender runs their callbacks itself, perhaps at this moment."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM outbox WHERE status = 'sent' AND notified = 0 AND id > ? "
            "AND (claimed_by IS NULL OR claimed_by <> ?) ORDER BY id LIMIT ?",
            (after_id, besides, limit),
        )
        return [_delivery(r) for r in rows]

    async def mark_notified(self, delivery_id: int) -> None:
        await self.db.execute("UPDATE outbox SET notified = 1 WHERE id = ?", (delivery_id,))

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

    async def depth(self) -> dict[tuple[str, str], int]:
        """Open deliveries by (channel, status): what is waiting or in flight now (for /metrics)."""
        rows = await self.db.fetchall(
            "SELECT channel, status, count(*) FROM outbox WHERE status IN ('pending', 'sending') "
            "GROUP BY channel, status"
        )
        return {(r[0], r[1]): int(r[2]) for r in rows}
