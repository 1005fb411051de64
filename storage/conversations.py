"""Per-conversation state: the choices last offered and the last question, so "2" or "找人工" work."""

from __future__ import annotations

import json
from dataclasses import dataclass

from storage.database import Database, utc_now


@dataclass(frozen=True, slots=True)
class ConversationState:
    choices: tuple[str, ...] = ()  # button data of the choices last offered, in order
    last_question: str | None = None


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, channel: str, chat_id: str, user_id: str) -> ConversationState:
        row = await self.db.fetchone(
            "SELECT choices, last_question FROM conversations WHERE channel = ? AND chat_id = ? AND user_id = ?",
            (channel, chat_id, user_id),
        )
        if row is None:
            return ConversationState()
        choices = json.loads(row[0])
        return ConversationState(tuple(str(c) for c in choices) if isinstance(choices, list) else (), row[1])

    async def save(
        self, channel: str, chat_id: str, user_id: str, choices: list[str], last_question: str | None
    ) -> None:
        """Store the choices just offered; keep the previous last question when `last_question` is None."""
        await self.db.conn.execute(
            "INSERT INTO conversations (channel, chat_id, user_id, choices, last_question, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, chat_id, user_id) DO UPDATE SET "
            "choices = excluded.choices, last_question = coalesce(excluded.last_question, last_question), "
            "updated_at = excluded.updated_at",
            (channel, chat_id, user_id, json.dumps(choices), last_question, utc_now()),
        )
