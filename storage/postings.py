"""Postings, staff drafts, laborers' subscriptions and reactions (已转发 / 我感兴趣)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from storage.database import Database, utc_now
from storage.directory import Staff

_POSTING_COLUMNS = (
    "id, kind, title, employer, location, salary, headcount, requirements, contact_name, contact_phone, "
    "valid_until, townships, status, author_channel, author_user_id, author_role, author_township, reviewed_by, "
    "review_note, created_at, published_at"
)


@dataclass(frozen=True, slots=True)
class Posting:
    id: int
    kind: str  # 'job' (招聘) or 'odd_job' (零工)
    title: str
    employer: str
    location: str
    salary: str
    headcount: str
    requirements: str
    contact_name: str
    contact_phone: str
    valid_until: str  # ISO date, last day shown
    townships: tuple[str, ...]
    status: str  # pending, published, rejected, withdrawn
    author_channel: str
    author_user_id: str
    author_role: str
    author_township: str | None
    reviewed_by: str | None
    review_note: str
    created_at: str
    published_at: str | None

    def field(self, name: str) -> str:
        value = getattr(self, name)
        return value if isinstance(value, str) else ""


@dataclass(frozen=True, slots=True)
class Subscriber:
    channel: str
    user_id: str
    chat_id: str


class DuplicatePostingError(Exception):
    def __init__(self, existing_id: int) -> None:
        super().__init__(f"the same text is already posting {existing_id}")
        self.existing_id = existing_id


def _like(text: str) -> str:
    """`text` as a literal inside a LIKE pattern with ESCAPE '!'."""
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _posting(row: Any) -> Posting:
    values = list(row)
    values[11] = tuple(json.loads(values[11]))
    return Posting(*values)


class PostingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, fields: Mapping[str, str], kind: str, townships: Sequence[str], text_hash: str, author: Staff, status: str
    ) -> int:
        """Save a confirmed posting in one statement; DuplicatePostingError when the same text is open."""
        now = utc_now()
        row = await self.db.fetchone(
            "INSERT INTO postings (kind, title, employer, location, salary, headcount, requirements, contact_name, "
            "contact_phone, valid_until, townships, text_hash, status, author_channel, author_user_id, "
            "author_role, author_township, reviewed_by, created_at, published_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (
                kind,
                *(fields.get(f, "") for f in ("title", "employer", "location", "salary", "headcount")),
                *(fields.get(f, "") for f in ("requirements", "contact_name", "contact_phone", "valid_until")),
                json.dumps(list(townships)),
                text_hash,
                status,
                author.channel,
                author.user_id,
                author.role,
                author.township_id,
                author.user_id if status == "published" else None,
                now,
                now if status == "published" else None,
            ),
        )
        if row is None:  # the same text is already open (postings_text_once)
            existing = await self.find_open(text_hash)
            raise DuplicatePostingError(existing or 0)
        return int(row[0])

    async def get(self, posting_id: int) -> Posting | None:
        row = await self.db.fetchone(f"SELECT {_POSTING_COLUMNS} FROM postings WHERE id = ?", (posting_id,))
        return _posting(row) if row else None

    async def find_open(self, text_hash: str) -> int | None:
        row = await self.db.fetchone(
            "SELECT id FROM postings WHERE text_hash = ? AND status IN ('pending', 'published')", (text_hash,)
        )
        return int(row[0]) if row else None

    async def review(self, posting_id: int, status: str, reviewer: str, note: str = "") -> bool:
        """pending -> published / rejected; False when it is no longer pending (someone else decided)."""
        now = utc_now()
        changed = await self.db.execute(
            "UPDATE postings SET status = ?, reviewed_by = ?, review_note = ?, "
            "published_at = CASE WHEN ? = 'published' THEN ? ELSE published_at END, "
            "closed_at = CASE WHEN ? = 'rejected' THEN ? ELSE closed_at END WHERE id = ? AND status = 'pending'",
            (status, reviewer, note, status, now, status, now, posting_id),
        )
        return changed == 1

    async def update(self, posting_id: int, fields: Mapping[str, str], kind: str, townships: Sequence[str]) -> bool:
        """An approver's edit of a pending posting."""
        names: tuple[str, ...] = ("title", "employer", "location", "salary", "headcount", "requirements")
        names += ("contact_name", "contact_phone", "valid_until")
        changed = await self.db.execute(
            f"UPDATE postings SET {', '.join(f'{n} = ?' for n in names)}, kind = ?, townships = ? "
            "WHERE id = ? AND status = 'pending'",
            (*(fields.get(n, "") for n in names), kind, json.dumps(list(townships)), posting_id),
        )
        return changed == 1

    async def withdraw(self, posting_id: int) -> bool:
        changed = await self.db.execute(
            "UPDATE postings SET status = 'withdrawn', closed_at = ? "
            "WHERE id = ? AND status IN ('pending', 'published')",
            (utc_now(), posting_id),
        )
        return changed == 1

    async def pending(self, township_id: str | None) -> list[Posting]:
        """Postings waiting for review; a township's only, or all when township_id is None (the bureau)."""
        where, params = ("AND author_township = ?", (township_id,)) if township_id else ("", ())
        rows = await self.db.fetchall(
            f"SELECT {_POSTING_COLUMNS} FROM postings WHERE status = 'pending' {where} ORDER BY id LIMIT 20", params
        )
        return [_posting(r) for r in rows]

    async def current(self, today: str, township_ids: Sequence[str] | None = None, limit: int = 5) -> list[Posting]:
        """Published, unexpired postings (for some townships, or all), newest first."""
        where, params = "", tuple[str, ...]()
        if township_ids:
            # townships is a JSON list of strings: an id is listed exactly when its JSON form occurs in it
            where = "AND (" + " OR ".join(["townships LIKE ? ESCAPE '!'"] * len(township_ids)) + ")"
            params = tuple(f"%{_like(json.dumps(t))}%" for t in township_ids)
        rows = await self.db.fetchall(
            f"SELECT {_POSTING_COLUMNS} FROM postings WHERE status = 'published' AND valid_until >= ? {where} "
            "ORDER BY published_at DESC, id DESC LIMIT ?",
            (today, *params, limit),
        )
        return [_posting(r) for r in rows]

    async def by_author(self, channel: str, user_id: str, limit: int = 10) -> list[Posting]:
        rows = await self.db.fetchall(
            f"SELECT {_POSTING_COLUMNS} FROM postings WHERE author_channel = ? AND author_user_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (channel, user_id, limit),
        )
        return [_posting(r) for r in rows]

    async def recent(self, limit: int = 20) -> list[Posting]:
        rows = await self.db.fetchall(f"SELECT {_POSTING_COLUMNS} FROM postings ORDER BY id DESC LIMIT ?", (limit,))
        return [_posting(r) for r in rows]

    # --- drafts ------------------------------------------------------------------------------
    async def draft(self, channel: str, user_id: str) -> tuple[dict[str, Any], str] | None:
        row = await self.db.fetchone(
            "SELECT fields, awaiting FROM posting_drafts WHERE channel = ? AND user_id = ?", (channel, user_id)
        )
        return (json.loads(row[0]), row[1]) if row else None

    async def save_draft(self, channel: str, user_id: str, fields: Mapping[str, Any], awaiting: str) -> None:
        await self.db.execute(
            "INSERT INTO posting_drafts (channel, user_id, fields, awaiting, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (channel, user_id) DO UPDATE SET fields = excluded.fields, awaiting = excluded.awaiting, "
            "updated_at = excluded.updated_at",
            (channel, user_id, json.dumps(fields, ensure_ascii=False), awaiting, utc_now()),
        )

    async def drop_draft(self, channel: str, user_id: str) -> None:
        await self.db.execute("DELETE FROM posting_drafts WHERE channel = ? AND user_id = ?", (channel, user_id))

    # --- people ------------------------------------------------------------------------------
    async def staff_with(self, role: str, township_ids: Sequence[str] | None = None) -> list[Staff]:
        where, params = "", tuple[str, ...]()
        if township_ids is not None:
            where = f"AND township_id IN ({','.join('?' * len(township_ids)) or 'NULL'})"
            params = tuple(township_ids)
        rows = await self.db.fetchall(
            f"SELECT channel, user_id, role, name, township_id, village, county_id FROM staff WHERE role = ? {where} "
            "ORDER BY channel, user_id",
            (role, *params),
        )
        return [Staff(*r) for r in rows]

    async def react(self, posting_id: int, reaction: str, channel: str, user_id: str) -> bool:
        changed = await self.db.execute(
            "INSERT INTO posting_reactions (posting_id, reaction, channel, user_id, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (posting_id, reaction, channel, user_id, utc_now()),
        )
        return changed == 1

    async def reactions(self, posting_id: int) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT reaction, count(*) FROM posting_reactions WHERE posting_id = ? GROUP BY reaction", (posting_id,)
        )
        return {r[0]: int(r[1]) for r in rows}


class SubscriptionStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, channel: str, user_id: str, chat_id: str, topic: str, value: str) -> bool:
        changed = await self.db.execute(
            "INSERT INTO subscriptions (channel, user_id, chat_id, topic, value, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (channel, user_id, chat_id, topic, value, utc_now()),
        )
        return changed == 1

    async def remove(self, channel: str, user_id: str, topic: str | None = None, value: str | None = None) -> int:
        where, params = "", tuple[str, ...]()
        if topic is not None and value is not None:
            where, params = "AND topic = ? AND value = ?", (topic, value)
        changed = await self.db.execute(
            f"DELETE FROM subscriptions WHERE channel = ? AND user_id = ? {where}", (channel, user_id, *params)
        )
        return changed

    async def of(self, channel: str, user_id: str) -> list[tuple[str, str]]:
        rows = await self.db.fetchall(
            "SELECT topic, value FROM subscriptions WHERE channel = ? AND user_id = ? ORDER BY topic DESC, created_at",
            (channel, user_id),
        )
        return [(r[0], r[1]) for r in rows]

    async def matching(self, township_ids: Sequence[str], text: str) -> list[Subscriber]:
        """Reachable subscribers of any of the townships, or of a keyword that occurs in `text`."""
        marks = ",".join("?" * len(township_ids)) or "NULL"
        rows = await self.db.fetchall(
            "SELECT DISTINCT s.channel, s.user_id, s.chat_id FROM subscriptions s LEFT JOIN recipients r "
            "ON r.channel = s.channel AND r.user_id = s.user_id WHERE (r.status IS NULL OR r.status = 'active') AND "
            f"((s.topic = 'township' AND s.value IN ({marks})) OR (s.topic = 'keyword' AND ? LIKE '%' || "
            "replace(replace(replace(s.value, '!', '!!'), '%', '!%'), '_', '!_') || '%' ESCAPE '!')) "
            "ORDER BY s.channel, s.user_id",
            (*township_ids, text),
        )
        return [Subscriber(r[0], r[1], r[2]) for r in rows]
