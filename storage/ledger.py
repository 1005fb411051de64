"""The append-only 1131 service-event ledger and the per-person counts kept beside it.

`service_counts` holds, per person, how many events of each kind they have; every write that gives an
event a person (recording it, binding the account that earned it, the briefing sync) adds to the counts
in the same unit of work, so the two never disagree and reports need not scan the events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Literal

from storage.database import Database, Executor, utc_now

EventKind = Literal["policy_briefing", "career_guidance", "job_recommendation", "training"]

COUNT_COLUMNS: dict[str, str] = {
    "policy_briefing": "briefing",
    "career_guidance": "guidance",
    "job_recommendation": "recommendations",
    "training": "training",
}


async def add_counts(db: Executor, events: Iterable[tuple[str, str]]) -> None:
    """Count newly attributed (person_id, kind) events into service_counts."""
    per_person: dict[str, Counter[str]] = {}
    for person_id, kind in events:
        per_person.setdefault(person_id, Counter())[COUNT_COLUMNS[kind]] += 1
    if not per_person:
        return
    columns = tuple(COUNT_COLUMNS.values())
    await db.executemany(
        f"INSERT INTO service_counts (person_id, {', '.join(columns)}) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (person_id) DO UPDATE SET "
        + ", ".join(f"{c} = service_counts.{c} + excluded.{c}" for c in columns),
        [(person_id, *(counts[c] for c in columns)) for person_id, counts in per_person.items()],
    )


async def rebuild_counts(db: Executor) -> None:
    """Recount service_counts from the events (after bulk loads that bypassed the stores)."""
    await db.execute("DELETE FROM service_counts")
    sums = ", ".join(f"count(*) FILTER (WHERE kind = '{kind}')" for kind in COUNT_COLUMNS)
    await db.execute(
        f"INSERT INTO service_counts (person_id, {', '.join(COUNT_COLUMNS.values())}) "
        f"SELECT person_id, {sums} FROM service_events WHERE person_id IS NOT NULL GROUP BY person_id"
    )


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
        async with self.db.transaction() as tx:
            added = await tx.fetchone(
                "INSERT INTO service_events (kind, person_id, channel, user_id, ref, source, recorded_by, "
                "occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (kind, person_id, channel, user_id, ref, source, recorded_by, occurred_at or utc_now(), utc_now()),
            )
            if added is not None and person_id is not None:
                await add_counts(tx, [(person_id, kind)])
        return added is not None

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
