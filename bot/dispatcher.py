"""Routes every Inbound to the handler for it and returns that handler's replies.

Feature modules in `handlers/` each declare a Router (commands, button prefixes, events, awaited
flows, free-text handlers); `handlers/__init__.py` wires them into one Dispatcher. Routing order:
button, event, command; then, for free text, the flow the chat's conversation state awaits (private
chats), a typed number choosing one of the choices last offered, the routers' free-text handlers
(private chats), and finally the fallback text handler (the FAQ).

Each message is one unit of work (`db.deferring()`, storage/database.py): the conversation state (with
the sender's staff record) is read once and shared by everything handling the message, and the writes
whose results nobody waits for (question log, topic, conversation state) commit together at the end.

The dispatcher is generic over the context handed to handlers (the app's services): it needs only
the conversation store, so this core module sits below every feature. Routing tables live in
`bot/routing.py`: guards there refuse or inject what they checked.
"""

from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from dataclasses import replace
from typing import Generic

from bot.messages import Inbound, Reply
from bot.privacy import mask
from bot.routing import C, Handler, Router, typed_choice
from storage.conversations import ConversationState

__all__ = ["NOT_UNDERSTOOD", "SORRY", "Dispatcher", "Router"]

log = logging.getLogger(__name__)

SORRY = "抱歉，小助手出了点问题，请稍后再试，或者找村里的就业服务联络员。"
NOT_UNDERSTOOD = "没有这个选项。请直接打字说说您想问什么，比如：交通补贴咋领？"


class Dispatcher(Generic[C]):
    def __init__(self, context: C, routers: list[Router[C]], text_handler: Handler[C]) -> None:
        self.services = context
        self.text_handler = text_handler
        merged: Router[C] = Router()
        for router in routers:
            merged.include(router)
        self.commands = merged.commands
        self.buttons = merged.buttons
        self.events = merged.events
        self.flows = merged.flows
        self.texts = merged.texts
        self.handled: Counter[str] = Counter()  # messages handled by channel (for /metrics)

    async def dispatch(self, msg: Inbound) -> list[Reply]:
        """Handle one message as one unit of work; never raises: a failing handler, or writes that could
        not be committed, give an apology and a log entry."""
        self.handled[msg.channel] += 1
        try:
            async with self.services.conversations.db.deferring():
                return await self._handle(msg)
        except Exception:
            log.exception("could not store what the %s message from %s changed", msg.channel, msg.user_id)
            return [Reply(SORRY)]

    async def _handle(self, msg: Inbound) -> list[Reply]:
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
            state: ConversationState | None = None
            if text and msg.chat_kind == "private":
                state = await self.services.conversations.get(msg.channel, msg.chat_id, msg.user_id)
                awaited = await self._awaited(msg, state)
                if awaited is not None:
                    return awaited, None
            number = typed_choice(text)
            if number is not None:  # "2", "第二个": one of the choices last offered
                if state is None:
                    state = await self.services.conversations.get(msg.channel, msg.chat_id, msg.user_id)
                index = number - 1
                if 0 <= index < len(state.choices):
                    return await self._button(replace(msg, button=state.choices[index], text="")), None
                return [Reply(NOT_UNDERSTOOD)], None
            if text and msg.chat_kind == "private":
                for handler in self.texts:
                    taken = await handler(msg, self.services)
                    if taken is not None:
                        return taken, None
            return await self.text_handler(msg, self.services), mask(msg.text)[:500]  # stored: masked
        return await self._control(msg, text), None

    async def _awaited(self, msg: Inbound, state: ConversationState) -> list[Reply] | None:
        """Free text for the flow this chat awaits; None when nothing (known) is awaited or the flow
        passes the text on (it then goes to the choices or the FAQ)."""
        if state.awaiting is None:
            return None
        flow = self.flows.get(state.awaiting.flow)
        if flow is None:
            log.warning("no handler for the awaited flow %s", state.awaiting.flow)
            return None
        return await flow(msg, self.services, state.awaiting)

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
