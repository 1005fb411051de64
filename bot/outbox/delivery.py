"""Types shared by everything that pushes messages: platform transports and the outbox.

A *push* is an unsolicited message (a posting, a briefing, a relayed staff answer) as opposed to an
interactive reply. Pushes go through the outbox (a SQLite table written before anything is sent);
its sender hands each one to the channel's PushTransport, which honours that platform's limits and
only *classifies* the outcome: the outbox decides whether to retry, and one outcome hook (registered
by the composition root: bot/recipients.py) decides what the outcome does to the recipient.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

from bot.messages import Reply

RecipientKind = Literal["user", "group", "robot"]


class DeliveryStatus(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # transient (network, 429, 5xx): try again after `retry_after` seconds or back-off
    UNREACHABLE = "unreachable"  # blocked the bot, left/kicked, unsubscribed, not following: stop
    INVALID = "invalid"  # no such chat / user: stop
    OUT_OF_WINDOW = "out_of_window"  # WeChat: outside the 48-hour window and no template fits: stop
    BAD_REQUEST = "bad_request"  # the platform refused the message itself (e.g. "can't parse entities"): stop,
    # a defect of the message, never of the recipient


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    status: DeliveryStatus
    detail: str = ""  # platform error code / description, for the record (never secrets)
    retry_after: float | None = None
    new_recipient: str | None = None  # migrated: a Telegram group became a supergroup with this new id

    @property
    def final(self) -> bool:
        return self.status is not DeliveryStatus.RETRY


class PushTransport(Protocol):
    """One platform's way to push. Implementations enforce the platform's rate limits themselves and
    must never delay interactive replies (those do not go through here)."""

    channel: str

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        """Send one push now (waiting for the rate limiter as needed) and classify the outcome."""
        ...


@dataclass(frozen=True, slots=True)
class PushTarget:
    """Where a message went: the channel, the chat (or robot), its kind and the chat user for 1-to-1."""

    channel: str
    recipient: str
    kind: RecipientKind
    user_id: str | None = None


OutcomeHook = Callable[[PushTarget, DeliveryResult], Awaitable[None]]
"""Told every classified outcome (pushes and replies alike); decides what it does to the recipient."""
