"""What goes into and comes out of the outbox: a Push to enqueue, a SentPush for callbacks, an item's
Progress ("已送达 350/1200，失败 3"), and the JSON form a Reply is stored in."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Button, Reply
from bot.outbox.delivery import RecipientKind


@dataclass(frozen=True)
class Push:
    """One delivery to enqueue."""

    channel: str
    recipient: str
    kind: RecipientKind
    reply: Reply
    person_id: str | None = None  # roster person, when known
    user_id: str | None = None  # chat user, for 1-to-1 pushes


@dataclass(frozen=True)
class SentPush:
    """What on_sent callbacks get, after the delivery is marked sent."""

    item_kind: str
    item_id: str
    channel: str
    recipient: str
    kind: RecipientKind
    person_id: str | None
    user_id: str | None
    delivery_id: int


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    failed: int  # unreachable, invalid, out_of_window, failed (gave up after retries, or a bad request)
    pending: int  # pending or sending
    cancelled: int = 0
    by_status: Mapping[str, int] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.pending == 0

    def text(self) -> str:
        """ "已送达 350/1200，失败 3" (and what was cancelled, if anything)."""
        line = f"已送达 {self.sent}/{self.total - self.cancelled}，失败 {self.failed}"
        if self.cancelled:
            line += f"，已取消 {self.cancelled}"
        return line


SentCallback = Callable[[SentPush], Awaitable[None]]
CompleteCallback = Callable[[str, str, Progress], Awaitable[None]]
Guard = Callable[[str], Awaitable[bool]]

FAILED_STATUSES = ("unreachable", "invalid", "out_of_window", "failed")


def reply_to_json(reply: Reply) -> dict[str, Any]:
    data: dict[str, Any] = {"text": reply.text, "buttons": [[b.label, b.data] for b in reply.buttons]}
    if reply.image is not None:
        data["image"] = base64.b64encode(reply.image).decode("ascii")
        data["image_name"] = reply.image_name
    return data


def reply_from_json(data: Mapping[str, Any]) -> Reply:
    image = data.get("image")
    return Reply(
        text=str(data["text"]),
        buttons=tuple(Button(str(label), str(value)) for label, value in data.get("buttons", [])),
        image=base64.b64decode(image) if image else None,
        image_name=str(data.get("image_name", "image.png")),
    )
