"""Types shared by everything that pushes messages: platform transports and the outbox.

A *push* is an unsolicited message (a posting, a briefing, a relayed staff answer) as opposed to an
interactive reply. Pushes go through the outbox (a SQLite table written before anything is sent);
its sender hands each one to the channel's PushTransport, which honours that platform's limits and
classifies the outcome so the outbox knows whether to retry.
"""

from __future__ import annotations

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


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    status: DeliveryStatus
    detail: str = ""  # platform error code / description, for the record (never secrets)
    retry_after: float | None = None
    new_recipient: str | None = None  # Telegram group migrated to a supergroup: its new id

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
