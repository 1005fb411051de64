"""Per-chat conversation state, platform-neutral: the choices last offered, the last question, the
current topic (for follow-ups) and what a multi-step flow awaits.

Expiry is decided when the state is read: a topic older than `TOPIC_TTL` and an awaiting step past its
`until` read as absent, so nothing has to sweep the table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from storage.database import Database, utc_now

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
        row = await self.db.fetchone(
            "SELECT choices, last_question, topic, topic_at, awaiting_flow, awaiting_step, awaiting_data, "
            "awaiting_until FROM conversations WHERE channel = ? AND chat_id = ? AND user_id = ?",
            (channel, chat_id, user_id),
        )
        if row is None:
            return ConversationState()
        now = datetime.now(UTC)
        choices = json.loads(row[0])
        topic = row[2] if _fresh(row[3], now, TOPIC_TTL) else None
        awaiting = None
        if row[4] and _fresh(row[7], now):
            data = json.loads(row[6] or "{}")
            awaiting = Awaiting(row[4], row[5] or "", data if isinstance(data, dict) else {})
        return ConversationState(
            tuple(str(c) for c in choices) if isinstance(choices, list) else (), row[1], topic, awaiting
        )

    async def save(
        self, channel: str, chat_id: str, user_id: str, choices: list[str], last_question: str | None
    ) -> None:
        """Store the choices just offered; keep the previous last question when `last_question` is None."""
        await self.db.execute(
            "INSERT INTO conversations (channel, chat_id, user_id, choices, last_question, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id, user_id) DO UPDATE SET "
            "choices = excluded.choices, "
            "last_question = coalesce(excluded.last_question, conversations.last_question), "
            "updated_at = excluded.updated_at",
            (channel, chat_id, user_id, json.dumps(choices), last_question, utc_now()),
        )

    async def set_topic(self, channel: str, chat_id: str, user_id: str, topic: str | None) -> None:
        """Make `topic` (an FAQ entry id) the chat's current topic from now on; None forgets it."""
        now = utc_now()
        await self.db.execute(
            "INSERT INTO conversations (channel, chat_id, user_id, topic, topic_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id, user_id) DO UPDATE SET "
            "topic = excluded.topic, topic_at = excluded.topic_at, updated_at = excluded.updated_at",
            (channel, chat_id, user_id, topic, now if topic else None, now),
        )

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
        await self.db.execute(
            "INSERT INTO conversations (channel, chat_id, user_id, awaiting_flow, awaiting_step, awaiting_data, "
            "awaiting_until, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id, user_id) "
            "DO UPDATE SET awaiting_flow = excluded.awaiting_flow, awaiting_step = excluded.awaiting_step, "
            "awaiting_data = excluded.awaiting_data, awaiting_until = excluded.awaiting_until, "
            "updated_at = excluded.updated_at",
            (channel, chat_id, user_id, flow, step, data, until, now.isoformat(timespec="seconds")),
        )
