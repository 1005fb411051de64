"""The one internal inbound message type and the one reply type every channel translates to and from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

ChatKind = Literal["private", "group"]
_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_text(text: str) -> str:
    """The text with lone UTF-16 surrogates (which JSON can carry but no UTF-8 file or database can store)
    replaced by U+FFFD; a well-formed pair is joined into its character."""
    if text.isascii() or not _SURROGATE.search(text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


@dataclass(frozen=True, slots=True)
class Inbound:
    """A message or event from any channel, already translated by its adapter."""

    channel: str
    user_id: str
    chat_id: str
    chat_kind: ChatKind = "private"
    text: str = ""
    voice: bool = False  # text came from speech recognition (may be empty when it failed)
    button: str | None = None  # callback data of a pressed button / menu key
    event: str | None = None  # platform event the adapter mapped, e.g. "subscribe", "unsubscribe"
    payload: str | None = None  # deep-link / QR-scene payload that came with /start or subscribe
    mentioned: bool = False  # in groups: the bot was addressed directly
    chat_title: str = ""  # groups: the group's name, when the platform gives it
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    message_id: str = ""  # the platform's id of this message in its chat (a redelivery repeats it); "" if none

    def __post_init__(self) -> None:
        for name in ("text", "button", "payload", "chat_title"):
            value = getattr(self, name)
            if value is not None and value != (clean := valid_text(value)):
                object.__setattr__(self, name, clean)


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str  # ASCII, at most 64 bytes (Telegram's callback_data limit)

    def __post_init__(self) -> None:
        if not self.data.isascii() or len(self.data) > 64:
            raise ValueError(f"button data must be ASCII and at most 64 bytes: {self.data!r}")


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler answers; the adapter renders it within its platform's capabilities."""

    text: str
    buttons: tuple[Button, ...] = ()
    image: bytes | None = None  # PNG
    image_name: str = "image.png"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can show; handlers stay platform-neutral, renderers consult this."""

    buttons: bool = False
    images: bool = False
    max_text: int = 4096  # characters per message
    push_window_hours: int | None = None  # unsolicited messages only within this window (WeChat: 48)
