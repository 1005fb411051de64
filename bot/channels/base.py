"""What every channel adapter offers the rest of the bot.

Optional extras, found by `bot.app` and `bot.outbox.sender.transports_of`: `mount(app)` adds the channel's
routes (webhooks, callbacks) to the bot's one aiohttp server before it starts; `push_transport` or
`transports` give the outbox the channel's rate-limited PushTransport(s) (else `send` is used).
"""

from __future__ import annotations

from typing import Protocol

from bot.messages import Capabilities, Reply


class Channel(Protocol):
    name: str
    capabilities: Capabilities

    async def run(self) -> None:
        """Receive and answer messages until cancelled (or, for the console, until end of input)."""

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send one unsolicited message now (the outbox's fallback when a channel has no PushTransport)."""
