"""The conversation's context for reading a message: the chat's current topic (the FAQ entry last answered
or chosen), the side of it (facet) answered last, and, when the last question was outside the bot's scope,
that out-of-scope topic too, so that "在哪交" after "养老保险交多少" stays about pensions while "补多少"
after the weather goes back to the FAQ topic. Stored as one string in the conversation state
(storage/conversations.py decides its expiry); text stored before facets were kept still reads."""

from __future__ import annotations

from dataclasses import dataclass

from bot.faq.facets import FACETS, Facet

_SEP = ">"
_FACET = "#"


@dataclass(frozen=True, slots=True)
class Context:
    entry: str | None = None  # the FAQ topic of the conversation
    off_topic: str | None = None  # the out-of-scope topic asked about last, while it lasts
    facet: Facet | None = None  # the side of the topic answered last ("那稳岗补贴呢" asks the same side)

    def encode(self) -> str | None:
        if self.entry is None and self.off_topic is None:
            return None
        topics = f"{self.entry or ''}{_SEP}{self.off_topic}" if self.off_topic else self.entry
        return f"{topics}{_FACET}{self.facet}" if self.facet and self.entry else topics

    @classmethod
    def decode(cls, stored: str | None) -> Context:
        if not stored:
            return cls()
        stored, _, side = stored.partition(_FACET)
        facet = next((f for f in FACETS if f == side), None)
        entry, sep, off = stored.partition(_SEP)
        return cls(entry or None, (off or None) if sep else None, facet if entry else None)
