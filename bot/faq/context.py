"""The conversation's context for reading a message: the chat's current topic (the FAQ entry last answered
or chosen), the side of it (facet) answered last, and, when the last question was outside the bot's scope,
that out-of-scope topic too, so that "在哪交" after "养老保险交多少" stays about pensions while "补多少"
after the weather goes back to the FAQ topic. When the topic was reached from another entry by a referral
of one side ("俺替他办行不" after 交通补贴 is 委托代办), that entry is kept as the topic's parent: the sides
the referred entry is not about go back to it ("多久到账"). When the topic is only the likeliest of the
entries offered as choices, or when a message brought another entry into play beside it ("小区里公岗还有空位没"
after 易地搬迁), the others are kept too: a follow-up may say which was meant ("去哪告", "到哪报名"). The topic held
before the current one is kept as the prior topic: a follow-up may go back to it ("那交通的多久到账" after a
detour to 委托代办, "补多少" after a word about the loan asks the startup subsidy again).
Stored as one string in the conversation state (storage/conversations.py decides its expiry); text stored
before facets, parents or choices were kept still reads."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, replace

from bot.faq.facets import FACETS, Facet

_SEP = ">"
_FACET = "#"
_PARENT = "^"
_CHOICE = "+"
_PRIOR = "<"


@dataclass(frozen=True, slots=True)
class Context:
    entry: str | None = None  # the FAQ topic of the conversation
    off_topic: str | None = None  # the out-of-scope topic asked about last, while it lasts
    facet: Facet | None = None  # the side asked last, also of an out-of-scope question ("那稳岗补贴呢" asks it)
    parent: str | None = None  # the entry whose side referred the conversation to `entry`
    choices: tuple[str, ...] = ()  # the other entries offered with `entry`, or named beside it, for one message
    prior: str | None = None  # the topic held before `entry`

    def moved_to(self, entry: str) -> str | None:
        """The prior topic of a context whose topic becomes `entry`: this one's topic, unless it stays."""
        return self.prior if self.entry in (None, entry) else self.entry

    def encode(self) -> str | None:
        if self.entry is None and self.off_topic is None:
            return None
        entry = f"{self.entry}{_PARENT}{self.parent}" if self.entry and self.parent else self.entry
        if entry and self.choices:
            entry = _CHOICE.join((entry, *self.choices))
        topics = f"{entry or ''}{_SEP}{self.off_topic}" if self.off_topic else entry
        topics = f"{self.prior}{_PRIOR}{topics}" if self.prior and self.entry else topics
        return f"{topics}{_FACET}{self.facet}" if self.facet else topics

    @classmethod
    def decode(cls, stored: str | None) -> Context:
        if not stored:
            return cls()
        stored, _, side = stored.partition(_FACET)
        prior, _, stored = stored.rpartition(_PRIOR)
        facet = next((f for f in FACETS if f == side), None)
        topic, sep, off = stored.partition(_SEP)
        topic, *choices = topic.split(_CHOICE)
        entry, _, parent = topic.partition(_PARENT)
        if not entry:
            return cls(None, (off or None) if sep else None, facet if sep and off else None)
        choices = [c for c in choices if c]
        return cls(entry, (off or None) if sep else None, facet, parent or None, tuple(choices), prior or None)

    def within(self, entries: Container[str]) -> Context:
        """The context without the entries the content no longer has (it may change between messages)."""
        if self.entry is not None and self.entry not in entries:
            return Context(None, self.off_topic)
        parent = self.parent if self.parent in entries else None
        prior = self.prior if self.prior in entries else None
        return replace(self, parent=parent, choices=tuple(c for c in self.choices if c in entries), prior=prior)
