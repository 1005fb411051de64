"""The append-only 1131 service-event ledger."""

from __future__ import annotations

from typing import Literal

from storage.database import Database, utc_now

EventKind = Literal["policy_briefing", "career_guidance", "job_recommendation", "training"]


class ServiceLedger:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(
        self,
        kind: EventKind,
        ref: str,
        *,
        person_id: str | None = None,
        channel: str | None = None,
        user_id: str | None = None,
        source: Literal["bot", "staff"] = "bot",
        recorded_by: str | None = None,
        occurred_at: str | None = None,
    ) -> bool:
        """Append one event; False when the same event (person or chat user, kind, ref) is already there."""
        if person_id is None and (channel is None or user_id is None):
            raise ValueError("an event needs a person_id or a channel and user_id")
        cursor = await self.db.conn.execute(
            "INSERT OR IGNORE INTO service_events (kind, person_id, channel, user_id, ref, source, recorded_by, "
            "occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (kind, person_id, channel, user_id, ref, source, recorded_by, occurred_at or utc_now(), utc_now()),
        )
        return cursor.rowcount == 1

    async def recorded_by_staff(self, person_ids: list[str], kind: EventKind, ref: str) -> dict[str, str]:
        """person_id -> when, for those of `person_ids` whom staff recorded this service for (offline)."""
        found: dict[str, str] = {}
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start : start + 500]
            rows = await self.db.fetchall(
                "SELECT person_id, occurred_at FROM service_events WHERE kind = ? AND ref = ? AND source = 'staff' "
                f"AND person_id IN ({','.join('?' * len(chunk))})",
                (kind, ref, *chunk),
            )
            found.update((str(r[0]), str(r[1])) for r in rows)
        return found
