"""What the fake Telegram server (tests/fakes/telegram.py) answers instead of sending: failures a test injects
per chat (429 with retry_after, 403 blocked or kicked, 400 chat not found, a group's migration) and Telegram's
flood limits, counted over the sends of the last second, of a group's window and into each chat."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Failure:
    """An error to answer instead of sending: code 429 (retry_after), 403, 400, or a migration."""

    code: int
    description: str
    retry_after: int | None = None
    migrate_to: int | None = None


def too_many(retry_after: int) -> Failure:
    return Failure(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


BLOCKED = Failure(403, "Forbidden: bot was blocked by the user")
KICKED = Failure(403, "Forbidden: bot was kicked from the group chat")
NOT_FOUND = Failure(400, "Bad Request: chat not found")


def migrated(new_chat_id: int) -> Failure:
    return Failure(400, "Bad Request: group chat was upgraded to a supergroup chat", migrate_to=new_chat_id)


@dataclass(frozen=True)
class FloodLimits:
    """Telegram-like limits the fake enforces with 429s (None: not enforced)."""

    overall_per_second: float | None = None
    group_per_window: int | None = None
    group_window: float = 60.0
    chat_interval: float | None = None  # minimum seconds between messages into one chat


@dataclass
class FloodWindows:
    """The sends the flood limits count: those of the last second, those into each group within its window,
    and the last send into each chat."""

    overall: deque[float] = field(default_factory=deque)
    groups: dict[str, deque[float]] = field(default_factory=dict)
    last_chat: dict[str, float] = field(default_factory=dict)

    def over(self, flood: FloodLimits, chat_id: str, now: float) -> tuple[str, int] | None:
        """The limit one more send into `chat_id` now would break ("overall", "chat" or "group") and the
        retry_after to answer with; None when it may go (it is counted then)."""
        if flood.overall_per_second is not None:
            while self.overall and self.overall[0] <= now - 1.0:
                self.overall.popleft()
            if len(self.overall) >= flood.overall_per_second:
                return "overall", 1
        if flood.chat_interval is not None and now - self.last_chat.get(chat_id, -math.inf) < flood.chat_interval:
            return "chat", max(1, math.ceil(flood.chat_interval))
        group = self.groups.setdefault(chat_id, deque()) if chat_id.startswith("-") else None
        if group is not None and flood.group_per_window is not None:
            while group and group[0] <= now - flood.group_window:
                group.popleft()
            if len(group) >= flood.group_per_window:
                return "group", max(1, math.ceil(group[0] + flood.group_window - now))
        self.overall.append(now)
        self.last_chat[chat_id] = now
        if group is not None:
            group.append(now)
        return None
