"""Route tables a feature declares: commands, button prefixes, events and awaited flows, with guards.

A handler is `async (msg, ctx) -> list[Reply]`, where `ctx` is the app's context (its services). A
route may carry a *guard*: it checks the message before the handler runs and either refuses (its
replies are the answer) or hands the handler what it checked, as a third argument:

    @router.command("daiban", guard=staff(private=True))
    async def pending(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]: ...

An awaited flow (`@router.awaiting("postings.reason")`) gets the free text of a chat whose
conversation state awaits that flow, with the `Awaiting` (step and data); it returns None to pass the
text on (to the offered choices, then the FAQ). A free-text handler (`@router.free_text`) sees private
free text nothing awaited before the FAQ does (a staff member forwarding a notice) and returns None to
pass it on.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeAlias, TypeVar, overload

from bot.messages import Inbound, Reply
from storage.conversations import Awaiting, ConversationStore


class DispatchContext(Protocol):
    """What the dispatcher needs of the app's context: the conversation state."""

    @property
    def conversations(self) -> ConversationStore: ...


C = TypeVar("C", bound=DispatchContext)
C_contra = TypeVar("C_contra", contravariant=True)
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

Handler: TypeAlias = Callable[[Inbound, C], Awaitable[list[Reply]]]
GuardedHandler: TypeAlias = Callable[[Inbound, C, T], Awaitable[list[Reply]]]
FlowHandler: TypeAlias = Callable[[Inbound, C, Awaiting], Awaitable[list[Reply] | None]]
TextHandler: TypeAlias = Callable[[Inbound, C], Awaitable[list[Reply] | None]]


_ORDINAL = re.compile(r"^(?:第|选)?([1-9]|[一二三四五六七八九])(?:个|条|项|号)?$")
_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def typed_choice(text: str) -> int | None:
    """The choice a message names by number (1-based), or None when the text is not one."""
    text = text.strip()
    if text.isdecimal() and len(text) <= 2:  # not isdigit: "²" is a digit int() cannot read
        return int(text)
    found = _ORDINAL.match(text)
    if found is None:
        return None
    token = found.group(1)
    return _DIGITS.get(token) or int(token)


def choice_number(text: str) -> bool:
    """A typed choice picking one of the choices last offered ("1", "12", "第二个"), on channels without
    buttons (see `typed_choice`)."""
    return typed_choice(text) is not None


@dataclass(frozen=True, slots=True)
class Refusal:
    """A guard's answer instead of running the handler."""

    replies: list[Reply]


class Guard(Protocol[C_contra, T_co]):
    """Checks a message before its handler runs: what it checked (passed to the handler), or a Refusal.
    `route` names the route (e.g. "command:daiban"), for the audit log."""

    async def check(self, msg: Inbound, ctx: C_contra, route: str) -> T_co | Refusal: ...


def guarded(guard: Guard[C, T], handler: GuardedHandler[C, T], route: str) -> Handler[C]:
    """The plain handler that runs `handler` with what `guard` checked, or answers with its refusal."""

    async def run(msg: Inbound, ctx: C) -> list[Reply]:
        checked = await guard.check(msg, ctx, route)
        if isinstance(checked, Refusal):
            return checked.replies
        return await handler(msg, ctx, checked)

    run.__doc__ = handler.__doc__
    return run


class Router(Generic[C]):
    """The commands, button prefixes, events and awaited flows one feature module handles."""

    def __init__(self) -> None:
        self.commands: dict[str, Handler[C]] = {}
        self.buttons: dict[str, Handler[C]] = {}
        self.events: dict[str, Handler[C]] = {}
        self.flows: dict[str, FlowHandler[C]] = {}
        self.texts: list[TextHandler[C]] = []

    @overload
    def command(self, *names: str) -> Callable[[Handler[C]], Handler[C]]: ...
    @overload
    def command(self, *names: str, guard: Guard[C, T]) -> Callable[[GuardedHandler[C, T]], GuardedHandler[C, T]]: ...
    def command(self, *names: str, guard: Guard[C, Any] | None = None) -> Callable[[Any], Any]:
        return self._register(self.commands, "command", names, guard)

    @overload
    def button(self, prefix: str) -> Callable[[Handler[C]], Handler[C]]: ...
    @overload
    def button(self, prefix: str, *, guard: Guard[C, T]) -> Callable[[GuardedHandler[C, T]], GuardedHandler[C, T]]: ...
    def button(self, prefix: str, *, guard: Guard[C, Any] | None = None) -> Callable[[Any], Any]:
        return self._register(self.buttons, "button", (prefix,), guard)

    def event(self, *names: str) -> Callable[[Handler[C]], Handler[C]]:
        return self._register(self.events, "event", names, None)

    def awaiting(self, flow: str) -> Callable[[FlowHandler[C]], FlowHandler[C]]:
        """Free text of a chat whose conversation state awaits `flow` goes to the decorated handler."""

        def decorate(handler: FlowHandler[C]) -> FlowHandler[C]:
            if flow in self.flows:
                raise ValueError(f"flow registered twice: {flow}")
            self.flows[flow] = handler
            return handler

        return decorate

    def free_text(self, handler: TextHandler[C]) -> TextHandler[C]:
        """Private free text that no flow awaits is offered to `handler` before the FAQ (None: not for it)."""
        self.texts.append(handler)
        return handler

    def include(self, other: Router[C]) -> None:
        """Add another router's routes; a route registered twice is a programming error."""
        _merge(self.commands, other.commands)
        _merge(self.buttons, other.buttons)
        _merge(self.events, other.events)
        _merge(self.flows, other.flows)
        self.texts.extend(other.texts)

    @staticmethod
    def _register(
        table: dict[str, Handler[C]], kind: str, names: tuple[str, ...], guard: Guard[C, Any] | None
    ) -> Callable[[Any], Any]:
        def decorate(handler: Any) -> Any:
            plain = handler if guard is None else guarded(guard, handler, f"{kind}:{names[0]}")
            for name in names:
                table[name] = plain
            return handler

        return decorate


V = TypeVar("V")


def _merge(table: dict[str, V], mine: dict[str, V]) -> None:
    clash = set(table) & set(mine)
    if clash:
        raise ValueError(f"routes registered twice: {sorted(clash)}")
    table.update(mine)
