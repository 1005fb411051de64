"""An outbox item's progress and completion: its deliveries counted by status and by final failure, and the
lease on completing it (running its summary hook once every delivery is final, by exactly one sender) in
`outbox_items`. Mixed into OutboxStore (storage/outbox.py)."""

from __future__ import annotations

from storage.database import Database, utc_now


class OutboxItems:
    """Per-item reads and the completion lease."""

    db: Database

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

    async def claim_completion(self, item_kind: str, item_id: str, owner: str, now: float, lease: float) -> bool:
        """Take the right to complete an item (run its summary hook) when every delivery is final and no
        other sender holds that right; the caller runs the hook, then `mark_completed`."""
        taken = await self.db.execute(
            "UPDATE outbox_items SET completing_by = ?, completing_until = ? WHERE item_kind = ? AND item_id = ? "
            "AND completed_at IS NULL AND completing_until < ? AND NOT EXISTS (SELECT 1 FROM outbox o "
            "WHERE o.item_kind = outbox_items.item_kind AND o.item_id = outbox_items.item_id "
            "AND o.status IN ('pending', 'sending'))",
            (owner, now + lease, item_kind, item_id, now),
        )
        return taken == 1

    async def mark_completed(self, item_kind: str, item_id: str) -> bool:
        changed = await self.db.execute(
            "UPDATE outbox_items SET completed_at = ? WHERE item_kind = ? AND item_id = ? AND completed_at IS NULL",
            (utc_now(), item_kind, item_id),
        )
        return changed == 1
