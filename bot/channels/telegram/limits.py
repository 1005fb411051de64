"""Telegram's send limits for pushes: overall, per group, per chat, and per-chat pauses after a 429.

Telegram allows about 30 messages a second overall, 20 a minute into one group and about one a
second into one chat. Pushes are paced evenly at `push_per_second` (no bursts, which is what
Telegram counts), and interactive replies never wait here: they are only *counted* in the last
second's sends, which pushes must keep under `push_per_second`, so pushes leave room for them.
A RetryAfter pauses only the chat it came from. Unlike python-telegram-bot's AIORateLimiter,
nothing here halts every send.

With several bot processes on one PostgreSQL database, the overall and per-chat limits are also paced through
the database (a `SharedPacer`, bot/pacing.py), so they hold in total; the local limits stay (they count this
process's replies and keep one push per chat in flight).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass

from bot.config import TelegramConfig
from bot.pacing import SharedPacer

log = logging.getLogger(__name__)

OVERALL_KEY = "telegram:all"


def chat_key(chat_id: str) -> str:
    return f"telegram:chat:{chat_id}"


@dataclass(frozen=True, slots=True)
class PushLimits:
    push_per_second: float = 25.0  # overall, replies included; Telegram's cap is ~30
    group_per_window: int = 20  # pushes into one group per `group_window` seconds
    group_window: float = 60.0
    chat_interval: float = 1.0  # seconds between pushes into one chat

    @classmethod
    def from_config(cls, config: TelegramConfig) -> PushLimits:
        return cls(
            push_per_second=float(max(config.push_per_second, 1)),
            group_per_window=max(config.group_per_minute, 1),
            chat_interval=max(config.chat_interval_ms, 0) / 1000,
        )


class SendLimiter:
    """Decides when the next push may go; safe for many concurrent pushers on one event loop."""

    def __init__(
        self,
        limits: PushLimits,
        clock: Callable[[], float] = time.monotonic,
        shared: SharedPacer | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self.clock = clock
        self.sleep = sleep  # with `clock`, a test's virtual time (tests/fakes/clock.py)
        self.shared = shared  # paces pushes in total with the other processes on the database
        self.step = 1.0 / limits.push_per_second
        self._next_slot = 0.0  # earliest time the next push may go, overall
        self._recent: deque[float] = deque()  # when requests (replies too) completed, within the last second
        self._inflight = 0  # requests under way
        self._groups: dict[str, deque[float]] = {}  # group -> its pushes' times within the window
        self._next_chat: dict[str, float] = {}  # earliest next push per chat
        self._busy: set[str] = set()  # chats with a push under way
        self._paused: dict[str, float] = {}  # chat -> paused until (after a 429)
        self._last_prune = 0.0

    @contextlib.contextmanager
    def reply(self) -> Iterator[None]:
        """Around an interactive reply's request: it never waits, but counts against the overall
        rate while in flight and for a second after, so pushes make room for it."""
        self._inflight += 1
        try:
            yield
        finally:
            self._inflight -= 1
            self._recent.append(self.clock())

    @contextlib.asynccontextmanager
    async def push(self, chat_id: str, group: bool) -> AsyncIterator[float]:
        """Around a push's request: waits for every limit first, yields how long it waited.

        Per-chat and per-group limits are measured from when the previous request *completed*
        (it reached Telegram before that), and one chat has one push in flight at a time, so
        jitter can never squeeze two pushes into one chat closer than the limit."""
        try:
            waited = await self._acquire(chat_id, group)
            self._inflight += 1
            try:
                yield waited
            finally:
                self._inflight -= 1
                done = self.clock()
                self._recent.append(done)
                self._next_chat[chat_id] = done + self.limits.chat_interval
                if group:
                    self._groups.setdefault(chat_id, deque()).append(done)
                if self.shared is not None:  # other processes count the chat's interval from now too
                    await self._hold_shared(chat_id)
        finally:
            self._busy.discard(chat_id)

    async def _hold_shared(self, chat_id: str) -> None:
        """A failure here must not turn a push that went out into a retry (it would be sent twice)."""
        assert self.shared is not None
        try:
            await self.shared.hold(chat_key(chat_id), self.limits.chat_interval)
        except Exception as exc:
            log.warning("telegram: could not record a push to a chat in the shared pacing (%s)", type(exc).__name__)

    def pause(self, chat_id: str, seconds: float) -> None:
        """Telegram said RetryAfter for this chat: hold its pushes, and only its pushes."""
        until = self.clock() + max(seconds, 0.0)
        self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), until)

    def paused_for(self, chat_id: str) -> float:
        return max(0.0, self._paused.get(chat_id, 0.0) - self.clock())

    async def _acquire(self, chat_id: str, group: bool) -> float:
        """Wait until a push to `chat_id` is allowed and claim the chat (released by `push()`)."""
        start = self.clock()
        while True:
            now = self.clock()
            wait = self._chat_wait(chat_id, group, now)
            if wait <= 0:
                break
            await self.sleep(max(wait, 0.001))
        self._busy.add(chat_id)
        if self.shared is not None:
            await self.shared.wait(chat_key(chat_id), self._chat_step(group))
            await self.shared.wait(OVERALL_KEY, self.step)
            await self._catch_up()
            return self.clock() - start
        slot = max(now, self._next_slot)
        self._next_slot = slot + self.step
        if now - self._last_prune > max(self.limits.group_window, 1.0):
            self._prune(now)
        if slot > now:
            await self.sleep(slot - now)
        await self._catch_up()
        return self.clock() - start

    async def _catch_up(self) -> None:
        """Pacing alone lets pushes bunch up when the event loop was busy or the network jittered.
        A request reaches Telegram between its start and its completion, so counting requests in
        flight plus those completed in the last second bounds what Telegram sees in any second."""
        recent, cap = self._recent, self.limits.push_per_second
        while True:
            now = self.clock()
            while recent and recent[0] <= now - 1.0:
                recent.popleft()
            if len(recent) + self._inflight < cap:
                return
            await self.sleep(max(recent[0] + 1.0 - now, 0.001) if recent else 0.005)

    def _chat_step(self, group: bool) -> float:
        """Seconds between pushes into one chat when paced in total (a group's window spread evenly)."""
        limits = self.limits
        if group:
            return max(limits.chat_interval, limits.group_window / max(limits.group_per_window, 1))
        return limits.chat_interval

    def _chat_wait(self, chat_id: str, group: bool, now: float) -> float:
        if chat_id in self._busy:
            return 0.005  # a push to this chat is under way
        limits = self.limits
        wait = max(self._paused.get(chat_id, 0.0), self._next_chat.get(chat_id, 0.0)) - now
        sent = self._groups.get(chat_id) if group else None
        if sent is not None:
            while sent and sent[0] <= now - limits.group_window:
                sent.popleft()
            if len(sent) >= limits.group_per_window:
                wait = max(wait, sent[0] + limits.group_window - now)
        return wait

    def _prune(self, now: float) -> None:
        """Forget chats whose limits no longer apply, so memory stays flat over long pushes."""
        self._last_prune = now
        self._next_chat = {c: t for c, t in self._next_chat.items() if t > now}
        self._paused = {c: t for c, t in self._paused.items() if t > now}
        window = self.limits.group_window
        self._groups = {c: d for c, d in self._groups.items() if d and d[-1] > now - window}
