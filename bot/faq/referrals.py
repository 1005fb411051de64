"""Sides of an FAQ entry that another entry answers (`[[refer]]` in content/faq/*.toml): someone else
applying for 交通补贴 is 委托代办, money paid to a trainee is the training allowance."""

from __future__ import annotations

from bot.content import ContentPack
from bot.faq.facets import FACETS, cue_texts


class Referrals:
    def __init__(self, content: ContentPack) -> None:
        self._refer = {e.id: e.refer for e in content.entries.values() if e.refer}

    def referred(self, entry: str, normalised: str, by_facet: bool = True) -> str:
        """The entry that answers this question about `entry`: the first of its referrals whose facet the
        question has a cue of and whose words it holds ("稳岗补贴叫俺婆姨替俺办" -> 委托代办), else `entry`.
        Without `by_facet`, only referrals by words count."""
        for referral in self._refer.get(entry, ()):
            facets = tuple(f for f in FACETS if f == referral.facet)
            if referral.facet and (not by_facet or not cue_texts(normalised, facets)):
                continue
            if referral.words and not any(w in normalised for w in referral.words):
                continue
            return referral.to
        return entry
