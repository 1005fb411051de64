"""Requests liaisons decide, mixed into RosterStore (storage/roster.py): an account asking to be bound to a
person, or a laborer correcting their work information; accepted ones are applied in the same unit of work,
and the confirmed corrections are read back for the ledger (bot/roster/corrections.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from storage.database import Database, utc_now
from storage.people import COLUMNS, Person, Scope

WORK_FIELDS = ("work_place", "employer", "phone", "wage")


@dataclass(frozen=True, slots=True)
class Correction:
    """A confirmed correction of one work-information field: the new value, when, and the value it replaced."""

    value: str
    decided_at: str  # ISO 8601, UTC
    previous: str | None  # None for corrections confirmed before this was recorded


@dataclass(frozen=True, slots=True)
class Request:
    id: int
    kind: Literal["bind", "work_info"]
    person: Person
    channel: str
    user_id: str
    field: str | None
    value: str | None
    created_at: str


class RosterRequests:
    """Filing, listing and deciding requests; `bind` is RosterStore's."""

    db: Database

    async def bind(self, channel: str, user_id: str, person_id: str, method: Literal["code", "confirmed"]) -> bool:
        raise NotImplementedError  # RosterStore.bind

    async def request(
        self,
        kind: Literal["bind", "work_info"],
        person_id: str,
        channel: str,
        user_id: str,
        field: str = "",
        value: str = "",
    ) -> int:
        """File a request (a repeated one replaces the pending one from the same account)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE roster_requests SET status = 'rejected', decided_by = 'superseded', decided_at = ? "
                "WHERE status = 'pending' AND kind = ? AND channel = ? AND user_id = ? AND coalesce(field, '') = ?",
                (utc_now(), kind, channel, user_id, field),
            )
            row = await tx.fetchone(
                "INSERT INTO roster_requests (kind, person_id, channel, user_id, field, value, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (kind, person_id, channel, user_id, field or None, value or None, utc_now()),
            )
        return int(row[0]) if row else 0

    async def pending(self, scope: Scope) -> list[Request]:
        where, params = scope.where()
        cols = ", ".join(f"p.{c}" for c in COLUMNS)
        rows = await self.db.fetchall(
            f"SELECT r.id, r.kind, r.channel, r.user_id, r.field, r.value, r.created_at, {cols} "
            "FROM roster_requests r JOIN people p ON p.person_id = r.person_id "
            f"WHERE r.status = 'pending' AND {where} ORDER BY r.id",
            params,
        )
        return [Request(r[0], r[1], Person(*r[7:]), r[2], r[3], r[4], r[5], r[6]) for r in rows]

    async def decide(self, request_id: int, accept: bool, by: str) -> Request | None:
        """Accept or reject a pending request and apply it; None when it is not pending any more."""
        found = [r for r in await self.pending(Scope()) if r.id == request_id]
        if not found:
            return None
        req = found[0]
        async with self.db.transaction() as tx:
            previous = getattr(req.person, req.field) if req.field in WORK_FIELDS else None
            decided = await tx.execute(
                "UPDATE roster_requests SET status = ?, decided_by = ?, decided_at = ?, previous = ? "
                "WHERE id = ? AND status = 'pending'",
                ("accepted" if accept else "rejected", by, utc_now(), previous, request_id),
            )
            if decided != 1:
                return None  # someone else decided it meanwhile
            if accept and req.kind == "bind":
                if not await self.bind(req.channel, req.user_id, req.person.person_id, "confirmed"):
                    await tx.execute(  # the account was bound to someone else meanwhile: never switched
                        "UPDATE roster_requests SET status = 'rejected', decided_by = 'bound-to-another' WHERE id = ?",
                        (request_id,),
                    )
                    return None
            elif accept and req.field in WORK_FIELDS:
                await tx.execute(
                    f"UPDATE people SET {req.field} = ?, updated_at = ? WHERE person_id = ?",
                    (req.value or "", utc_now(), req.person.person_id),
                )
        return req

    async def confirmed_corrections(self) -> dict[tuple[str, str], Correction]:
        """(person_id, field) -> the latest work-information correction a liaison confirmed, per person and field."""
        rows = await self.db.fetchall(
            "SELECT person_id, field, value, decided_at, previous FROM roster_requests WHERE kind = 'work_info' "
            "AND status = 'accepted' ORDER BY decided_at, id"
        )
        return {(str(r[0]), str(r[1])): Correction(str(r[2] or ""), str(r[3]), r[4]) for r in rows}

    async def liaisons(self, township_id: str, village: str) -> list[tuple[str, str]]:
        """(channel, user_id) of the liaisons of a village, to tell them about a new request."""
        rows = await self.db.fetchall(
            "SELECT channel, user_id FROM staff WHERE role = 'liaison' AND township_id = ? AND village = ?",
            (township_id, village),
        )
        return [(r[0], r[1]) for r in rows]
