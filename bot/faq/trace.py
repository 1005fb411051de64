"""What the FAQ handlers decided for one message, for `python -m bot chat --json` and the dialogue bench.

Handlers return only replies; this side record (a context variable, so concurrent chats never mix)
says how the message was read: the outcome, the entry and facet, the suggestions, whether an open
question was queued. Nothing is recorded unless a caller asked for it with `recording()`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Turn:
    outcome: str | None = None  # answer, suggest, decline, smalltalk, command, choice
    entry: str | None = None  # the entry answered or chosen, or the topic the reply is about
    facet: str | None = None
    suggestions: tuple[str, ...] = ()
    queued: bool = False  # an open question was created or counted for staff


_current: ContextVar[Turn | None] = ContextVar("faq_turn", default=None)


def record(
    outcome: str,
    entry: str | None = None,
    facet: str | None = None,
    suggestions: tuple[str, ...] = (),
    queued: bool = False,
) -> None:
    """Note the decision for the message being handled (no-op unless someone is recording)."""
    turn = _current.get()
    if turn is not None:
        turn.outcome, turn.entry, turn.facet = outcome, entry, facet
        turn.suggestions, turn.queued = suggestions, queued


@contextmanager
def recording() -> Iterator[Turn]:
    turn = Turn()
    token = _current.set(turn)
    try:
        yield turn
    finally:
        _current.reset(token)
