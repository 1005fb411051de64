"""What the outbox tests share: an outbox with short back-off and polling, users to push to, a sender run
until nothing is open, and the recipients its on_sent callbacks saw."""

from __future__ import annotations

import asyncio

from bot.messages import Reply
from bot.outbox.sender import Outbox, Push, SentPush
from bot.recipients import RecipientRules
from storage import Database, DirectoryStore
from tests.fakes.transport import FakeTransport


def outbox(db: Database, **kw: object) -> Outbox:
    options: dict[str, object] = {"backoff": 0.01, "poll_interval": 0.02, "max_attempts": 4, **kw}
    return Outbox(db, on_outcome=RecipientRules(DirectoryStore(db)).apply, **options)  # type: ignore[arg-type]


def users(n: int, channel: str = "tg", text: str = "招工啦") -> list[Push]:
    return [Push(channel, f"u{i}", "user", Reply(text), user_id=f"u{i}") for i in range(n)]


async def drain(box: Outbox, *transports: FakeTransport) -> None:
    await asyncio.wait_for(box.run({t.channel: t for t in transports}, until_idle=True), 60)  # generous: loaded CI


def recipients_sent(box: Outbox, item_kind: str = "posting") -> list[str]:
    """The recipients the box's on_sent callbacks for `item_kind` are called with, in order, once per call."""
    seen: list[str] = []

    async def on_sent(push: SentPush) -> None:
        seen.append(push.recipient)

    box.on_sent(item_kind, on_sent)
    return seen
