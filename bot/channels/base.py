"""What every channel adapter offers the rest of the bot."""

from __future__ import annotations

from typing import Protocol

from aiohttp import web

from bot.messages import Capabilities, Reply


class Channel(Protocol):
    name: str
    capabilities: Capabilities

    async def run(self) -> None:
        """Receive and answer messages until cancelled (or, for the console, until end of input)."""

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Send an unsolicited message (a relayed staff answer, a push)."""


class WebChannel(Channel, Protocol):
    """A channel that also receives over HTTP (webhooks, callbacks) on the bot's one aiohttp server."""

    def mount(self, app: web.Application) -> None:
        """Add this channel's routes to the app before the server starts."""
