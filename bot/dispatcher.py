"""Routes every Inbound to the handler for it and returns that handler's replies.

Feature modules in `handlers/` each declare a Router (commands, button prefixes, events); the
dispatcher is wired from them in `handlers/__init__.py`. Routing order: button, event, command,
a typed number choosing one of the choices last offered, then free text.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from bot.choices import choice_number
from bot.messages import Inbound, Reply
from bot.services import Services

log = logging.getLogger(__name__)

Handler = Callable[[Inbound, Services], Awaitable[list[Reply]]]

SORRY = "抱歉，小助手出了点问题，请稍后再试，或者找村里的就业服务联络员。"
NOT_UNDERSTOOD = "没有这个选项。请直接打字说说您想问什么，比如：交通补贴咋领？"


@dataclass
class Router:
    """The commands, button prefixes and events one feature module handles."""

    commands: dict[str, Handler] = field(default_factory=dict)
    buttons: dict[str, Handler] = field(default_factory=dict)
    events: dict[str, Handler] = field(default_factory=dict)

    def command(self, *names: str) -> Callable[[Handler], Handler]:
        return self._register(self.commands, names)

    def button(self, prefix: str) -> Callable[[Handler], Handler]:
        return self._register(self.buttons, (prefix,))

    def event(self, *names: str) -> Callable[[Handler], Handler]:
        return self._register(self.events, names)

    @staticmethod
    def _register(table: dict[str, Handler], names: tuple[str, ...]) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            for name in names:
                table[name] = handler
            return handler

        return decorate


class Dispatcher:
    def __init__(self, services: Services, routers: list[Router], text_handler: Handler) -> None:
        self.services = services
        self.text_handler = text_handler
        self.commands: dict[str, Handler] = {}
        self.buttons: dict[str, Handler] = {}
        self.events: dict[str, Handler] = {}
        for router in routers:
            for table, mine in (
                (self.commands, router.commands),
                (self.buttons, router.buttons),
                (self.events, router.events),
            ):
                clash = set(table) & set(mine)
                if clash:
                    raise ValueError(f"routes registered twice: {sorted(clash)}")
                table.update(mine)

    async def dispatch(self, msg: Inbound) -> list[Reply]:
        """Handle one message; never raises: a failing handler gives an apology and a log entry."""
        try:
            replies, question = await self._route(msg)
        except Exception:
            log.exception("handler failed for %s message from %s", msg.channel, msg.user_id)
            return [Reply(SORRY)]
        if replies:
            choices = [b.data for r in replies for b in r.buttons]
            try:
                await self.services.conversations.save(msg.channel, msg.chat_id, msg.user_id, choices, question)
            except Exception:
                log.exception("could not save conversation state")
        return replies

    async def _route(self, msg: Inbound) -> tuple[list[Reply], str | None]:
        """The replies, and the question asked when the message was one (kept for a later hand-over)."""
        text = unicodedata.normalize("NFKC", msg.text).strip()
        if msg.button is None and msg.event is None and not text.startswith("/"):
            if msg.chat_kind == "group" and not msg.mentioned:
                return [], None  # privacy: in groups only commands and mentions are for the bot
            number = choice_number(text)
            if number is not None:  # "2", "第二个": one of the choices last offered
                state = await self.services.conversations.get(msg.channel, msg.chat_id, msg.user_id)
                index = number - 1
                if 0 <= index < len(state.choices):
                    return await self._button(replace(msg, button=state.choices[index], text="")), None
                return [Reply(NOT_UNDERSTOOD)], None
            return await self.text_handler(msg, self.services), msg.text[:500]
        return await self._control(msg, text), None

    async def _control(self, msg: Inbound, text: str) -> list[Reply]:
        if msg.button is not None:
            return await self._button(msg)
        if msg.event is not None:
            handler = self.events.get(msg.event)
            return await handler(msg, self.services) if handler else []
        name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
        handler = self.commands.get(name)
        if handler is not None:
            return await handler(msg, self.services)
        if msg.chat_kind == "group":
            return []
        return await self.commands["help"](msg, self.services)

    async def _button(self, msg: Inbound) -> list[Reply]:
        prefix = (msg.button or "").split(":", 1)[0]
        handler = self.buttons.get(prefix)
        if handler is None:
            return [Reply(NOT_UNDERSTOOD)]
        return await handler(msg, self.services)
