"""One-time binding codes and the binding-attempt budget, mixed into RosterStore (storage/roster.py).

A code is spent and the account bound in one unit of work; an attempt is checked against the hourly budget
and counted in one statement, so concurrent guesses cannot all pass the check.
"""

from __future__ import annotations

from typing import Literal

from storage.database import Database, utc_now

CodeOutcome = Literal["ok", "unknown", "used", "expired", "bound"]


class BindingCodes:
    db: Database

    async def bind(self, channel: str, user_id: str, person_id: str, method: Literal["code", "confirmed"]) -> bool:
        raise NotImplementedError  # RosterStore.bind

    async def add_code(self, code_hash: str, person_id: str, created_by: str, expires_at: str) -> None:
        await self.db.execute(
            "INSERT INTO binding_codes (code_hash, person_id, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (code_hash, person_id, created_by, utc_now(), expires_at),
        )

    async def use_code(self, code_hash: str, channel: str, user_id: str) -> tuple[CodeOutcome, str | None]:
        """Spend a code and bind the account: (outcome, person_id). "bound": the account is bound to someone
        else, and the code stays unspent."""
        now, by = utc_now(), f"{channel}:{user_id}"
        async with self.db.transaction() as tx:
            spent = await tx.fetchone(
                "UPDATE binding_codes SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL "
                "AND expires_at > ? RETURNING person_id",
                (now, by, code_hash, now),
            )
            if spent is None:
                row = await tx.fetchone(
                    "SELECT person_id, used_at FROM binding_codes WHERE code_hash = ?", (code_hash,)
                )
                if row is None:
                    return "unknown", None
                return ("used" if row[1] is not None else "expired"), row[0]
            person_id = str(spent[0])
            if not await self.bind(channel, user_id, person_id, "code"):
                await tx.execute(
                    "UPDATE binding_codes SET used_at = NULL, used_by = NULL WHERE code_hash = ? AND used_by = ?",
                    (code_hash, by),
                )
                return "bound", person_id
        return "ok", person_id

    async def reserve_attempt(self, channel: str, user_id: str, limit: int, window_start: str) -> bool:
        """Count one binding attempt, unless `limit` were counted since `window_start`: check and count are one
        statement, so concurrent attempts cannot all pass the check. False: no attempt left in this window."""
        row = await self.db.fetchone(
            "INSERT INTO binding_budget (channel, user_id, window_start, used) VALUES (?, ?, ?, 1) "
            "ON CONFLICT (channel, user_id) DO UPDATE SET "
            "used = CASE WHEN binding_budget.window_start < ? THEN 1 ELSE binding_budget.used + 1 END, "
            "window_start = CASE WHEN binding_budget.window_start < ? THEN excluded.window_start "
            "ELSE binding_budget.window_start END "
            "WHERE binding_budget.window_start < ? OR binding_budget.used < ? RETURNING used",
            (channel, user_id, utc_now(), window_start, window_start, window_start, limit),
        )
        return row is not None and limit > 0

    async def refund_attempt(self, channel: str, user_id: str) -> None:
        """Give a successful attempt back: only failures use up the budget."""
        await self.db.execute(
            "UPDATE binding_budget SET used = used - 1 WHERE channel = ? AND user_id = ? AND used > 0",
            (channel, user_id),
        )

    async def attempt(self, channel: str, user_id: str, ok: bool) -> None:
        await self.db.execute(
            "INSERT INTO binding_attempts (channel, user_id, at, ok) VALUES (?, ?, ?, ?)",
            (channel, user_id, utc_now(), int(ok)),
        )
