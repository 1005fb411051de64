"""Staff web accounts, their sessions, one-time links (sign-up, login from chat) and login attempts.

Only hashes of tokens are stored: a leaked database gives no usable session or link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from storage.database import Database, utc_now
from storage.directory import Staff

Purpose = Literal["signup", "login"]


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    login: str
    staff_channel: str
    staff_user_id: str
    has_password: bool
    disabled: bool


@dataclass(frozen=True, slots=True)
class Session:
    account: Account
    staff: Staff
    csrf: str
    last_seen_at: str


_ACCOUNT = "SELECT id, login, staff_channel, staff_user_id, password_hash IS NOT NULL, disabled FROM web_accounts"


def _account(row: Any) -> Account | None:
    if row is None:
        return None
    return Account(int(str(row[0])), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), bool(row[5]))


class AccountStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- accounts -----------------------------------------------------------------------------
    async def create(self, login: str, staff_channel: str, staff_user_id: str, created_by: str) -> Account:
        """The account of a staff record (existing one returned when the staff record has one already)."""
        await self.db.execute(
            "INSERT INTO web_accounts (login, staff_channel, staff_user_id, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (staff_channel, staff_user_id) DO NOTHING",
            (login, staff_channel, staff_user_id, created_by, utc_now()),
        )
        found = await self.of_staff(staff_channel, staff_user_id)
        assert found is not None
        return found

    async def by_login(self, login: str) -> Account | None:
        return _account(await self.db.fetchone(f"{_ACCOUNT} WHERE login = ?", (login,)))

    async def by_id(self, account_id: int) -> Account | None:
        return _account(await self.db.fetchone(f"{_ACCOUNT} WHERE id = ?", (account_id,)))

    async def of_staff(self, channel: str, user_id: str) -> Account | None:
        row = await self.db.fetchone(f"{_ACCOUNT} WHERE staff_channel = ? AND staff_user_id = ?", (channel, user_id))
        return _account(row)

    async def all(self) -> list[Account]:
        return [a for a in map(_account, await self.db.fetchall(f"{_ACCOUNT} ORDER BY id")) if a is not None]

    async def password_hash(self, account_id: int) -> str | None:
        row = await self.db.fetchone("SELECT password_hash FROM web_accounts WHERE id = ?", (account_id,))
        return str(row[0]) if row and row[0] is not None else None

    async def set_password(self, account_id: int, password_hash: str) -> None:
        await self.db.execute("UPDATE web_accounts SET password_hash = ? WHERE id = ?", (password_hash, account_id))

    # --- one-time links -----------------------------------------------------------------------
    async def add_token(self, token_hash: str, account_id: int, purpose: Purpose, expires_at: str) -> None:
        await self.db.execute(
            "INSERT INTO web_tokens (token_hash, account_id, purpose, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (token_hash, account_id, purpose, utc_now(), expires_at),
        )

    async def token_account(self, token_hash: str, purpose: Purpose) -> int | None:
        """The account of an unused, unexpired link (without spending it)."""
        row = await self.db.fetchone(
            "SELECT account_id FROM web_tokens WHERE token_hash = ? AND purpose = ? AND used_at IS NULL "
            "AND expires_at > ?",
            (token_hash, purpose, utc_now()),
        )
        return int(row[0]) if row else None

    async def spend_token(self, token_hash: str, purpose: Purpose) -> int | None:
        """Use a link once: its account, or None when unknown, used or expired (even by a concurrent request)."""
        account_id = await self.token_account(token_hash, purpose)
        if account_id is None:
            return None
        changed = await self.db.execute(
            "UPDATE web_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", (utc_now(), token_hash)
        )
        return account_id if changed == 1 else None

    # --- sessions -----------------------------------------------------------------------------
    async def add_session(self, token_hash: str, account_id: int, csrf: str, address: str) -> None:
        now = utc_now()
        await self.db.execute(
            "INSERT INTO web_sessions (token_hash, account_id, csrf, created_at, last_seen_at, address) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (token_hash, account_id, csrf, now, now, address[:64]),
        )

    async def session(self, token_hash: str) -> Session | None:
        """The session with its account and staff record, in one query (every page asks for it)."""
        row = await self.db.fetchone(
            "SELECT s.csrf, s.last_seen_at, a.id, a.login, a.staff_channel, a.staff_user_id, "
            "a.password_hash IS NOT NULL, a.disabled, f.role, f.name, f.township_id, f.village, f.county_id "
            "FROM web_sessions s JOIN web_accounts a ON a.id = s.account_id "
            "JOIN staff f ON f.channel = a.staff_channel AND f.user_id = a.staff_user_id "
            "WHERE s.token_hash = ? AND a.disabled = 0",
            (token_hash,),
        )
        if row is None:
            return None
        row = tuple(row)
        account = _account(row[2:8])
        assert account is not None
        staff = Staff(account.staff_channel, account.staff_user_id, row[8], row[9], row[10], row[11], row[12])
        return Session(account, staff, str(row[0]), str(row[1]))

    async def touch(self, token_hash: str) -> None:
        await self.db.execute("UPDATE web_sessions SET last_seen_at = ? WHERE token_hash = ?", (utc_now(), token_hash))

    async def end_session(self, token_hash: str) -> None:
        await self.db.execute("DELETE FROM web_sessions WHERE token_hash = ?", (token_hash,))

    async def end_all(self, account_id: int) -> int:
        return await self.db.execute("DELETE FROM web_sessions WHERE account_id = ?", (account_id,))

    async def sessions(self, account_id: int) -> int:
        row = await self.db.fetchone("SELECT count(*) FROM web_sessions WHERE account_id = ?", (account_id,))
        return int(row[0]) if row else 0

    # --- login attempts -----------------------------------------------------------------------
    async def attempt(self, login: str, address: str, ok: bool) -> None:
        await self.db.execute(
            "INSERT INTO web_login_attempts (login, address, at, ok) VALUES (?, ?, ?, ?)",
            (login[:64], address[:64], utc_now(), int(ok)),
        )

    async def failures(self, login: str, address: str, since: str) -> tuple[int, int]:
        """Failed logins since `since`: (for this login, from this address)."""
        by_login = await self.db.fetchone(
            "SELECT count(*) FROM web_login_attempts WHERE login = ? AND at >= ? AND ok = 0", (login[:64], since)
        )
        by_address = await self.db.fetchone(
            "SELECT count(*) FROM web_login_attempts WHERE address = ? AND at >= ? AND ok = 0", (address[:64], since)
        )
        return (int(by_login[0]) if by_login else 0), (int(by_address[0]) if by_address else 0)
