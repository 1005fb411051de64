"""Telegram's send limits for pushes: overall, per group, per chat, and per-chat pauses after a 429.

Telegram allows about 30 messages a second overall, 20 a minute into one group and about one a
second into one chat. Pushes wait here; interactive replies never do: they are only *noted*, so
pushes leave room for them (pushes stop when the last second's sends, replies included, reach
`push_per_second`). A RetryAfter pauses only the chat it came from. Unlike python-telegram-bot's
AIORateLimiter, nothing here halts every send.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import TelegramConfig


@dataclass(frozen=True, slots=True)
class PushLimits:
    push_per_second: float = 25.0  # overall, replies included in the count; Telegram's cap is ~30
    group_per_window: int = 20  # pushes into one group per `group_window` seconds
    group_window: float = 60.0
    chat_interval: float = 1.0  # seconds between pushes into one chat
    overall_window: float = 1.0

    @classmethod
    def from_config(cls, config: TelegramConfig) -> PushLimits:
        return cls(
            push_per_second=float(config.push_per_second),
            group_per_window=config.group_per_minute,
            chat_interval=config.chat_interval_ms / 1000,
        )


class SendLimiter:
    """Decides when the next push may go; safe for many concurrent pushers on one event loop."""

    def __init__(self, limits: PushLimits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self._overall: deque[float] = deque()  # send times within the overall window
        self._groups: dict[str, deque[float]] = {}
        self._next_chat: dict[str, float] = {}  # earliest next push per chat
        self._paused: dict[str, float] = {}  # chat -> paused until (after a 429)
        self._last_prune = 0.0

    def note_interactive(self) -> None:
        """An interactive reply went out now: it counts against the overall budget but never waits."""
        self._overall.append(self.clock())

    def pause(self, chat_id: str, seconds: float) -> None:
        """Telegram said RetryAfter for this chat: hold its pushes, and only its pushes."""
        until = self.clock() + max(seconds, 0.0)
        self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), until)

    def paused_for(self, chat_id: str) -> float:
        return max(0.0, self._paused.get(chat_id, 0.0) - self.clock())

    async def acquire(self, chat_id: str, group: bool) -> float:
        """Wait until a push to `chat_id` is allowed, reserve it, and return how long it waited."""
        start = self.clock()
        while True:
            now = self.clock()
            wait = self._wait(chat_id, group, now)
            if wait <= 0:
                self._reserve(chat_id, group, now)
                return now - start
            await asyncio.sleep(wait)

    def _wait(self, chat_id: str, group: bool, now: float) -> float:
        limits = self.limits
        waits = [self._paused.get(chat_id, 0.0) - now, self._next_chat.get(chat_id, 0.0) - now]
        overall = self._overall
        while overall and overall[0] <= now - limits.overall_window:
            overall.popleft()
        if len(overall) >= limits.push_per_second * limits.overall_window:
            waits.append(overall[0] + limits.overall_window - now)
        if group:
            sent = self._groups.get(chat_id)
            if sent is not None:
                while sent and sent[0] <= now - limits.group_window:
                    sent.popleft()
                if len(sent) >= limits.group_per_window:
                    waits.append(sent[0] + limits.group_window - now)
        wait = max(waits)
        return wait if wait <= 0 else max(wait, 0.001)

    def _reserve(self, chat_id: str, group: bool, now: float) -> None:
        self._overall.append(now)
        self._next_chat[chat_id] = now + self.limits.chat_interval
        if group:
            self._groups.setdefault(chat_id, deque()).append(now)
        if now - self._last_prune > max(self.limits.group_window, 1.0):
            self._prune(now)

    def _prune(self, now: float) -> None:
        """Forget chats whose limits no longer apply, so memory stays flat over long pushes."""
        self._last_prune = now
        self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        self._paused = {c: t for c, t in self._paused.items() if t > now}
        window = self.limits.group_window
        self._groups = {c: d for c, d in self._groups.items() if d and d[-1] > now - window}
