"""The roster of laborers and their chat-account bindings, and the staff audit log. Mixed in: binding codes and
attempts (storage/binding_codes.py) and the requests liaisons decide (storage/roster_requests.py); the records
themselves (Person, Scope) are in storage/people.py."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Literal

from storage.binding_codes import BindingCodes
from storage.database import Database, utc_now
from storage.ledger import add_counts
from storage.people import COLUMNS, SELECT, Person, Scope, values
from storage.roster_requests import RosterRequests

_UPSERT = (
    f"INSERT INTO people ({', '.join(COLUMNS)}, created_at, updated_at) "
    f"VALUES ({', '.join('?' * len(COLUMNS))}, ?, ?) ON CONFLICT (id_hash) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in ("person_id", "id_hash"))
    + ", updated_at = excluded.updated_at"
)


class RosterStore(BindingCodes, RosterRequests):
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
        async with self.db.transaction() as tx:

            async def put(people: Sequence[Person]) -> None:
                await tx.executemany(_UPSERT, [(*values(p), now, now) for p in people])

            yield put

    async def write(self, people: Sequence[Person]) -> None:
        """Insert or update one batch of people as its own short unit of work (a large import written batch
        after batch, so that other writers — replies to users — never wait behind it for long)."""
        now = utc_now()
        await self.db.executemany(_UPSERT, [(*values(p), now, now) for p in people])

    async def person(self, person_id: str) -> Person | None:
        row = await self.db.fetchone(f"{SELECT} WHERE p.person_id = ?", (person_id,))
        return Person(*row) if row else None

    async def find(self, name: str, last4: str) -> list[Person]:
        rows = await self.db.fetchall(f"{SELECT} WHERE p.name = ? AND p.id_last4 = ?", (name, last4.upper()))
        return [Person(*r) for r in rows]

    async def people(self, scope: Scope, categories: Sequence[str] = (), villages: Sequence[str] = ()) -> list[Person]:
        where, params = scope.where()
        rows = await self.db.fetchall(f"{SELECT} WHERE {where} ORDER BY p.township_id, p.village, p.name", params)
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
            f"{SELECT} JOIN bindings b ON b.person_id = p.person_id WHERE b.channel = ? AND b.user_id = ?",
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
