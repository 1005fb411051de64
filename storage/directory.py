"""Staff roles, bound group chats and recipients' reachability, shared by every channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from storage.database import Database, utc_now

Role = Literal["liaison", "station", "bureau"]
Reachability = Literal["active", "unreachable", "invalid"]


@dataclass(frozen=True, slots=True)
class Staff:
    channel: str
    user_id: str
    role: Role
    name: str
    township_id: str | None
    village: str | None
    county_id: str | None = None  # bureau staff of one county; None: every county (a prefecture's role)


@dataclass(frozen=True, slots=True)
class ChatGroup:
    channel: str
    chat_id: str
    title: str
    township_id: str | None
    active: bool


class DirectoryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_staff(self, staff: Staff) -> None:
        await self.db.execute(
            "INSERT INTO staff (channel, user_id, role, name, township_id, village, county_id, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, user_id) DO UPDATE SET role = excluded.role, "
            "name = excluded.name, township_id = excluded.township_id, village = excluded.village, "
            "county_id = excluded.county_id",
            (
                staff.channel,
                staff.user_id,
                staff.role,
                staff.name,
                staff.township_id,
                staff.village,
                staff.county_id,
                utc_now(),
            ),
        )

    async def staff(self, channel: str, user_id: str) -> Staff | None:
        row = await self.db.fetchone(
            "SELECT channel, user_id, role, name, township_id, village, county_id FROM staff "
            "WHERE channel = ? AND user_id = ?",
            (channel, user_id),
        )
        return Staff(*row) if row else None

    async def bind_group(self, channel: str, chat_id: str, title: str, township_id: str, bound_by: str) -> None:
        await self.db.execute(
            "INSERT INTO chat_groups (channel, chat_id, title, township_id, active, bound_by, updated_at) "
            "VALUES (?, ?, ?, ?, 1, ?, ?) ON CONFLICT (channel, chat_id) DO UPDATE SET title = excluded.title, "
            "township_id = excluded.township_id, active = 1, bound_by = excluded.bound_by, "
            "updated_at = excluded.updated_at",
            (channel, chat_id, title, township_id, bound_by, utc_now()),
        )

    async def set_group_active(self, channel: str, chat_id: str, active: bool) -> None:
        await self.db.execute(
            "UPDATE chat_groups SET active = ?, updated_at = ? WHERE channel = ? AND chat_id = ?",
            (int(active), utc_now(), channel, chat_id),
        )

    async def move_group(self, channel: str, old_chat_id: str, new_chat_id: str) -> None:
        """A group got a new id (Telegram supergroup migration): keep its binding under the new id."""
        await self.db.execute(
            "UPDATE chat_groups SET chat_id = ?, updated_at = ? WHERE channel = ? AND chat_id = ?",
            (new_chat_id, utc_now(), channel, old_chat_id),
        )

    async def group(self, channel: str, chat_id: str) -> ChatGroup | None:
        row = await self.db.fetchone(
            "SELECT channel, chat_id, title, township_id, active FROM chat_groups WHERE channel = ? AND chat_id = ?",
            (channel, chat_id),
        )
        return ChatGroup(row[0], row[1], row[2], row[3], bool(row[4])) if row else None

    async def groups_in(self, township_ids: list[str]) -> list[ChatGroup]:
        """Active groups bound to any of the townships."""
        marks = ",".join("?" * len(township_ids)) or "NULL"
        rows = await self.db.fetchall(
            "SELECT channel, chat_id, title, township_id, active FROM chat_groups "
            f"WHERE active = 1 AND township_id IN ({marks}) ORDER BY channel, chat_id",
            tuple(township_ids),
        )
        return [ChatGroup(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    async def seen(self, channel: str, user_id: str, chat_id: str, inbound: bool = True) -> None:
        """Record that a user wrote to the bot (they are reachable again; the WeChat window restarts)."""
        now = utc_now()
        await self.db.execute(
            "INSERT INTO recipients (channel, user_id, chat_id, status, last_inbound_at, updated_at) "
            "VALUES (?, ?, ?, 'active', ?, ?) ON CONFLICT (channel, user_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, status = 'active', "
            "last_inbound_at = coalesce(excluded.last_inbound_at, recipients.last_inbound_at), "
            "updated_at = excluded.updated_at",
            (channel, user_id, chat_id, now if inbound else None, now),
        )

    async def set_reachability(self, channel: str, user_id: str, status: Reachability) -> None:
        await self.db.execute(
            "UPDATE recipients SET status = ?, updated_at = ? WHERE channel = ? AND user_id = ?",
            (status, utc_now(), channel, user_id),
        )

    async def reachability(self, channel: str, user_id: str) -> tuple[Reachability, str | None] | None:
        """(status, last_inbound_at) of a user, or None when the bot has never seen them."""
        row = await self.db.fetchone(
            "SELECT status, last_inbound_at FROM recipients WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        return (row[0], row[1]) if row else None
