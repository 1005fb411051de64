"""Staff web accounts: invitations (one-time sign-up links), argon2 passwords, rate-limited login,
sessions with an idle timeout, log out everywhere, and one-time login links for chat-only staff.

An account belongs to a staff record of the directory (`staff` table), which gives its role and scope;
the bureau invites a web-only colleague by creating that record with channel "web".
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.config import WebConfig
from storage.accounts import Account, AccountStore
from storage.directory import DirectoryStore, Staff

WEB_CHANNEL = "web"
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
MIN_PASSWORD = 10
WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)  # last_seen is written at most this often per session


class AccountError(ValueError):
    """A Chinese message for the person at the page or the terminal."""


@dataclass(frozen=True, slots=True)
class Signed:
    """Who is signed in: the account, its staff record (role and scope) and the session's CSRF token."""

    account: Account
    staff: Staff
    csrf: str
    token_hash: str

    @property
    def actor(self) -> str:
        return f"{WEB_CHANNEL}:{self.account.login}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


class Accounts:
    def __init__(self, store: AccountStore, directory: DirectoryStore, config: WebConfig) -> None:
        self.store = store
        self.directory = directory
        self.config = config
        self.hasher = PasswordHasher(time_cost=config.password_time_cost, memory_cost=config.password_memory_kib)
        self._dummy = ""  # verified for unknown logins, so the time taken does not tell which logins exist

    def link(self, path: str, token: str) -> str:
        return f"{self.config.base_url.rstrip('/')}/admin/{path}/{token}"

    async def invite(self, staff: Staff, login: str, by: str) -> str:
        """Register the staff record (a new web-only colleague, or an existing chat one) and return a sign-up link."""
        if not LOGIN_PATTERN.match(login):
            raise AccountError("登录名只能用 3–32 个英文字母、数字或 . _ -")
        existing = await self.store.by_login(login)
        if existing is not None and (existing.staff_channel, existing.staff_user_id) != (staff.channel, staff.user_id):
            raise AccountError(f"登录名 {login} 已经有人用了")
        if staff.channel == WEB_CHANNEL or await self.directory.staff(staff.channel, staff.user_id) is None:
            await self.directory.add_staff(staff)
        account = await self.store.create(login, staff.channel, staff.user_id, by)
        if account.login != login:
            raise AccountError(f"这位工作人员已经有账号：{account.login}")
        return await self._token(account.id, "signup", timedelta(hours=self.config.invite_hours))

    async def _token(self, account_id: int, purpose: str, valid: timedelta) -> str:
        token = secrets.token_urlsafe(32)
        expires = _iso(datetime.now(UTC) + valid)
        signup = purpose == "signup"
        await self.store.add_token(token_hash(token), account_id, "signup" if signup else "login", expires)
        return self.link("signup" if signup else "link", token)

    async def chat_login_link(self, staff: Staff) -> str:
        """A one-time login link for a staff member asking in chat (their account is made on first use)."""
        account = await self.store.of_staff(staff.channel, staff.user_id)
        if account is None:
            login = f"{staff.channel}-{hashlib.sha256(staff.user_id.encode()).hexdigest()[:10]}"
            account = await self.store.create(login, staff.channel, staff.user_id, f"{staff.channel}:{staff.user_id}")
        return await self._token(account.id, "login", timedelta(minutes=self.config.link_minutes))

    async def signup_account(self, token: str) -> Account | None:
        account_id = await self.store.token_account(token_hash(token), "signup")
        return await self.store.by_id(account_id) if account_id is not None else None

    async def sign_up(self, token: str, password: str, again: str) -> Account:
        """Set the password with a sign-up link (spent once)."""
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"密码至少 {MIN_PASSWORD} 位")
        if password != again:
            raise AccountError("两次输入的密码不一样")
        account_id = await self.store.spend_token(token_hash(token), "signup")
        account = await self.store.by_id(account_id) if account_id is not None else None
        if account is None:
            raise AccountError("这个注册链接已经用过或过期了，请找县人社局重新发一个。")
        hashed = await asyncio.to_thread(self.hasher.hash, password)
        await self.store.set_password(account.id, hashed)
        await self.store.end_all(account.id)
        return account

    async def check_password(self, login: str, password: str, address: str) -> Account:
        """The account for a correct login and password; AccountError otherwise (or while rate-limited)."""
        since = _iso(datetime.now(UTC) - WINDOW)
        by_login, by_address = await self.store.failures(login, address, since)
        limit = self.config.login_failures
        if by_login >= limit or by_address >= 4 * limit:
            await self.store.attempt(login, address, False)
            raise AccountError("登录失败次数太多，请 15 分钟后再试。")
        account = await self.store.by_login(login)
        stored = await self.store.password_hash(account.id) if account and not account.disabled else None
        if not self._dummy:
            self._dummy = await asyncio.to_thread(self.hasher.hash, secrets.token_urlsafe(16))
        ok = await asyncio.to_thread(_verify, self.hasher, stored or self._dummy, password)
        if account is None or stored is None or not ok:
            await self.store.attempt(login, address, False)
            raise AccountError("登录名或密码不对。")
        await self.store.attempt(login, address, True)
        return account

    async def open_session(self, account: Account, address: str) -> str:
        """A fresh session (a new random token every time: no fixation); returns the cookie value."""
        token = secrets.token_urlsafe(32)
        await self.store.add_session(token_hash(token), account.id, secrets.token_urlsafe(24), address)
        return token

    async def use_login_link(self, token: str, address: str) -> str | None:
        account_id = await self.store.spend_token(token_hash(token), "login")
        account = await self.store.by_id(account_id) if account_id is not None else None
        if account is None or account.disabled:
            return None
        return await self.open_session(account, address)

    async def signed(self, token: str) -> Signed | None:
        """Who a session cookie belongs to; None when unknown, idle too long or the account is gone."""
        digest = token_hash(token)
        session = await self.store.session(digest)
        if session is None:
            return None
        now = datetime.now(UTC)
        idle = now - datetime.fromisoformat(session.last_seen_at)
        if idle > timedelta(minutes=self.config.idle_minutes):
            await self.store.end_session(digest)
            return None
        if idle > TOUCH_EVERY:
            await self.store.touch(digest)
        return Signed(session.account, session.staff, session.csrf, digest)

    async def log_out(self, signed: Signed, everywhere: bool = False) -> None:
        if everywhere:
            await self.store.end_all(signed.account.id)
        else:
            await self.store.end_session(signed.token_hash)


def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
