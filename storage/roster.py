"""The roster of laborers, their chat-account bindings, requests and the staff audit log (binding codes and
attempts: storage/binding_codes.py, mixed in)."""

from __future__ import annotations

import contextlib
import dataclasses
import operator
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from storage.binding_codes import BindingCodes
from storage.database import Database, utc_now
from storage.ledger import add_counts

WORK_FIELDS = ("work_place", "employer", "phone", "wage")


@dataclass(frozen=True, slots=True)
class Scope:
    """What a staff member may see: everything (a prefecture, or the bureau of a one-county deployment), one
    county (its bureau: `county_id` with the county's township ids, from content/), one township (station) or
    one village (liaison)."""

    township_id: str | None = None
    village: str | None = None
    county_id: str | None = None
    county_townships: tuple[str, ...] = ()  # the county's townships when county_id is set

    def where(self, alias: str = "p") -> tuple[str, tuple[str, ...]]:
        clauses: list[str] = []
        params: list[str] = []
        if self.county_id is not None:
            marks = ", ".join("?" * len(self.county_townships))
            clauses.append(f"{alias}.township_id IN ({marks})" if marks else "1 = 0")
            params += self.county_townships
        if self.township_id is not None:
            clauses.append(f"{alias}.township_id = ?")
            params.append(self.township_id)
        if self.village is not None:
            clauses.append(f"{alias}.village = ?")
            params.append(self.village)
        return (" AND ".join(clauses) or "1 = 1"), tuple(params)

    def covers(self, township_id: str, village: str) -> bool:
        if self.county_id is not None and township_id not in self.county_townships:
            return False
        return (self.township_id is None or self.township_id == township_id) and (
            self.village is None or self.village == village
        )


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    id_hash: str
    id_last4: str
    name: str
    phone: str
    township_id: str
    village: str
    household: str = ""
    categories: str = ""  # comma-separated
    work_status: str = ""
    work_place: str = ""
    employer: str = ""
    wage: str = ""
    work_since: str = ""
    ledger: str = ""
    wants_work: int = 1  # 有就业意愿 (1) or not (0): who the 1131 services and their completion rate are for


_COLUMNS = tuple(f.name for f in dataclasses.fields(Person))
_SELECT = "SELECT " + ", ".join(f"p.{c}" for c in _COLUMNS) + " FROM people p"
_values = operator.attrgetter(*_COLUMNS)  # a person's column values (dataclasses.astuple deep-copies: 24% of imports)


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


class RosterStore(BindingCodes):
    def __init__(self, db: Database) -> None:
        self.db = db

    async def known_hashes(self, hashes: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            rows = await self.db.fetchall(
                f"SELECT id_hash FROM people WHERE id_hash IN ({','.join('?' * len(chunk))})", tuple(chunk)
            )
            found.update(r[0] for r in rows)
        return found

    async def upsert(self, people: Sequence[Person]) -> tuple[int, int]:
        """Insert new people and update known ones (by ID hash), all in one transaction: (added, updated)."""
        known = await self.known_hashes([p.id_hash for p in people])
        async with self.importing() as put:
            await put(people)
        updated = sum(1 for p in people if p.id_hash in known)
        return len(people) - updated, updated

    @contextlib.asynccontextmanager
    async def importing(self) -> AsyncIterator[Callable[[Sequence[Person]], Awaitable[None]]]:
        """One unit of work for a whole import, written batch by batch through the yielded `put(batch)`;
        an exception inside rolls every batch back."""
        now = utc_now()
        columns = ", ".join(_COLUMNS)
        updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in ("person_id", "id_hash"))
        sql = (
            f"INSERT INTO people ({columns}, created_at, updated_at) VALUES ({', '.join('?' * len(_COLUMNS))}, ?, ?) "
            f"ON CONFLICT (id_hash) DO UPDATE SET {updates}, updated_at = excluded.updated_at"
        )
        async with self.db.transaction() as tx:

            async def put(people: Sequence[Person]) -> None:
                await tx.executemany(sql, [(*_values(p), now, now) for p in people])

            yield put

    async def person(self, person_id: str) -> Person | None:
        row = await self.db.fetchone(f"{_SELECT} WHERE p.person_id = ?", (person_id,))
        return Person(*row) if row else None

    async def find(self, name: str, last4: str) -> list[Person]:
        rows = await self.db.fetchall(f"{_SELECT} WHERE p.name = ? AND p.id_last4 = ?", (name, last4.upper()))
        return [Person(*r) for r in rows]

    async def people(self, scope: Scope, categories: Sequence[str] = (), villages: Sequence[str] = ()) -> list[Person]:
        where, params = scope.where()
        rows = await self.db.fetchall(f"{_SELECT} WHERE {where} ORDER BY p.township_id, p.village, p.name", params)
        found = [Person(*r) for r in rows]
        if villages:
            found = [p for p in found if p.village in villages]
        if categories:
            found = [p for p in found if set(p.categories.split(",")) & set(categories)]
        return found

    async def villages(self, scope: Scope) -> set[tuple[str, str]]:
        """(township_id, village) of every village the roster has within `scope`."""
        where, params = scope.where()
        rows = await self.db.fetchall(f"SELECT DISTINCT p.township_id, p.village FROM people p WHERE {where}", params)
        return {(str(r[0]), str(r[1])) for r in rows}

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT count(*) FROM people")
        return int(row[0]) if row else 0

    # --- bindings -------------------------------------------------------------------------------------

    async def bound_person(self, channel: str, user_id: str) -> Person | None:
        row = await self.db.fetchone(
            f"{_SELECT} JOIN bindings b ON b.person_id = p.person_id WHERE b.channel = ? AND b.user_id = ?",
            (channel, user_id),
        )
        return Person(*row) if row else None

    async def bind(self, channel: str, user_id: str, person_id: str, method: Literal["code", "confirmed"]) -> bool:
        """Link a chat account to a person; events the account earned before binding now count for them, and the
        person's other outstanding codes stop working. False (nothing changed) when the account is bound to
        someone else: a binding is never switched to another person here."""
        now = utc_now()
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "INSERT INTO bindings (channel, user_id, person_id, method, bound_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (channel, user_id) DO UPDATE SET method = excluded.method, bound_at = excluded.bound_at "
                "WHERE bindings.person_id = excluded.person_id",
                (channel, user_id, person_id, method, now),
            )
            if changed != 1:
                return False
            await tx.execute(
                "UPDATE binding_codes SET used_at = ?, used_by = 'superseded' WHERE person_id = ? AND used_at IS NULL",
                (now, person_id),
            )
            # Events the person already has (same kind and ref) stay with the account, so none counts twice.
            moved = await tx.fetchall(
                "UPDATE service_events SET person_id = ? WHERE person_id IS NULL AND channel = ? AND user_id = ? "
                "AND NOT EXISTS (SELECT 1 FROM service_events x WHERE x.person_id = ? "
                "AND x.kind = service_events.kind AND x.ref = service_events.ref) RETURNING kind",
                (person_id, channel, user_id, person_id),
            )
            await add_counts(tx, [(person_id, r[0]) for r in moved])
        return True

    async def accounts(self, person_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """person_id -> (channel, user_id) of the account most recently bound, for those that have one."""
        out: dict[str, tuple[str, str]] = {}
        rows = await self.db.fetchall("SELECT person_id, channel, user_id FROM bindings ORDER BY bound_at")
        wanted = set(person_ids)
        for person_id, channel, user_id in rows:
            if person_id in wanted:
                out[person_id] = (channel, user_id)
        return out

    # --- requests liaisons decide --------------------------------------------------------------------

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
        cols = ", ".join(f"p.{c}" for c in _COLUMNS)
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

    # --- audit ---------------------------------------------------------------------------------------

    async def audit(self, actor: str, role: str, action: str, detail: str = "") -> None:
        await self.db.execute(
            "INSERT INTO audit_log (at, actor, role, action, detail) VALUES (?, ?, ?, ?, ?)",
            (utc_now(), actor, role, action, detail[:500]),
        )

    async def audit_entries(self, limit: int = 100) -> list[tuple[str, str, str, str, str]]:
        rows = await self.db.fetchall(
            "SELECT at, actor, role, action, detail FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]
