"""Per-chat conversation state, platform-neutral: the choices last offered, the last question, the
current topic (for follow-ups) and what a multi-step flow awaits.

Expiry is decided when the state is read: a topic older than `TOPIC_TTL` and an awaiting step past its
`until` read as absent, so nothing has to sweep the table.

Within one message (`db.deferring()`, see storage/database.py) the state is read once — together with the
sender's staff record, which the directory then takes from the memo instead of asking again — and the
writes are collected: later reads in the same message see them through the memo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from storage.database import Database, utc_now
from storage.directory import Staff, remember_staff

_COLUMNS = (
    "choices",
    "last_question",
    "topic",
    "topic_at",
    "awaiting_flow",
    "awaiting_step",
    "awaiting_data",
    "awaiting_until",
)
_READ = (
    f"SELECT {', '.join('c.' + c for c in _COLUMNS)}, c.channel, s.role, s.name, s.township_id, s.village "
    "FROM (SELECT CAST(? AS TEXT) AS channel, CAST(? AS TEXT) AS chat_id, CAST(? AS TEXT) AS user_id) AS k "
    "LEFT JOIN conversations c ON c.channel = k.channel AND c.chat_id = k.chat_id AND c.user_id = k.user_id "
    "LEFT JOIN staff s ON s.channel = k.channel AND s.user_id = k.user_id"
)

TOPIC_TTL = timedelta(minutes=30)
AWAIT_TTL = timedelta(minutes=30)


@dataclass(frozen=True, slots=True)
class Awaiting:
    """What the next free text of this chat is for: a flow, its step and the data gathered so far."""

    flow: str
    step: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConversationState:
    choices: tuple[str, ...] = ()  # button data of the choices last offered, in order
    last_question: str | None = None
    topic: str | None = None  # FAQ entry id, None when never set or expired
    awaiting: Awaiting | None = None  # None when nothing is awaited or it expired


def _fresh(iso: str | None, now: datetime, ttl: timedelta | None = None) -> bool:
    if not iso:
        return False
    moment = datetime.fromisoformat(iso)
    return moment + ttl > now if ttl is not None else moment > now


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, channel: str, chat_id: str, user_id: str) -> ConversationState:
        row = await self._row(channel, chat_id, user_id)
        if row is None:
            return ConversationState()
        now = datetime.now(UTC)
        choices = json.loads(row["choices"] or "[]")
        topic = row["topic"] if _fresh(row["topic_at"], now, TOPIC_TTL) else None
        awaiting = None
        if row["awaiting_flow"] and _fresh(row["awaiting_until"], now):
            data = json.loads(row["awaiting_data"] or "{}")
            awaiting = Awaiting(
                row["awaiting_flow"], row["awaiting_step"] or "", data if isinstance(data, dict) else {}
            )
        return ConversationState(
            tuple(str(c) for c in choices) if isinstance(choices, list) else (), row["last_question"], topic, awaiting
        )

    async def _row(self, channel: str, chat_id: str, user_id: str) -> dict[str, Any] | None:
        """The stored columns (None: no row), read once per message when in one."""
        memo = self.db.memo()
        key = ("conversation", channel, chat_id, user_id)
        if memo is not None and key in memo:
            return memo[key]  # type: ignore[no-any-return]
        found = await self.db.fetchone(_READ, (channel, chat_id, user_id))
        row = dict(zip(_COLUMNS, found[: len(_COLUMNS)], strict=True)) if found and found[8] is not None else None
        if memo is not None:
            memo[key] = row
            if found is not None:
                staff = Staff(channel, user_id, found[9], found[10], found[11], found[12]) if found[9] else None
                remember_staff(memo, channel, user_id, staff)
        return row

    def _note(self, channel: str, chat_id: str, user_id: str, **columns: Any) -> None:
        """A write collected in this message: later reads in it see it."""
        memo = self.db.memo()
        key = ("conversation", channel, chat_id, user_id)
        if memo is None or key not in memo:
            if memo is not None:
                memo.pop(key, None)
            return
        row = memo[key] or dict.fromkeys(_COLUMNS)
        if row.get("choices") is None:
            row["choices"] = "[]"
        if "last_question" in columns and columns["last_question"] is None:
            del columns["last_question"]  # coalesce: a save without a question keeps the last one
        row.update(columns)
        memo[key] = row

    async def save(
        self, channel: str, chat_id: str, user_id: str, choices: list[str], last_question: str | None
    ) -> None:
        """Store the choices just offered; keep the previous last question when `last_question` is None."""
        await self.db.later(
            "INSERT INTO conversations (channel, chat_id, user_id, choices, last_question, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id, user_id) DO UPDATE SET "
            "choices = excluded.choices, "
            "last_question = coalesce(excluded.last_question, conversations.last_question), "
            "updated_at = excluded.updated_at",
            (channel, chat_id, user_id, json.dumps(choices), last_question, utc_now()),
        )
        self._note(channel, chat_id, user_id, choices=json.dumps(choices), last_question=last_question)

    async def set_topic(self, channel: str, chat_id: str, user_id: str, topic: str | None) -> None:
        """Make `topic` (an FAQ entry id) the chat's current topic from now on; None forgets it."""
        now = utc_now()
        await self.db.later(
            "INSERT INTO conversations (channel, chat_id, user_id, topic, topic_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id, user_id) DO UPDATE SET "
            "topic = excluded.topic, topic_at = excluded.topic_at, updated_at = excluded.updated_at",
            (channel, chat_id, user_id, topic, now if topic else None, now),
        )
        self._note(channel, chat_id, user_id, topic=topic, topic_at=now if topic else None)

    async def set_awaiting(
        self, channel: str, chat_id: str, user_id: str, awaiting: Awaiting | None, ttl: timedelta = AWAIT_TTL
    ) -> None:
        """The chat's next free text goes to `awaiting.flow` until `ttl` passes; None ends the flow."""
        now = datetime.now(UTC)
        flow, step, data, until = (
            (awaiting.flow, awaiting.step, json.dumps(awaiting.data, ensure_ascii=False), (now + ttl).isoformat())
            if awaiting
            else (None, None, None, None)
        )
        await self.db.later(
            "INSERT INTO conversations (channel, chat_id, user_id, awaiting_flow, awaiting_step, awaiting_data, "
            "awaiting_until, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id, user_id) "
            "DO UPDATE SET awaiting_flow = excluded.awaiting_flow, awaiting_step = excluded.awaiting_step, "
            "awaiting_data = excluded.awaiting_data, awaiting_until = excluded.awaiting_until, "
            "updated_at = excluded.updated_at",
            (channel, chat_id, user_id, flow, step, data, until, now.isoformat(timespec="seconds")),
        )
        self._note(
            channel, chat_id, user_id, awaiting_flow=flow, awaiting_step=step, awaiting_data=data, awaiting_until=until
        )
