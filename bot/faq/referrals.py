"""Entries that answer each other's sides. A referral (`[[refer]]` in content/faq/*.toml) sends one side of
an entry to another: someone else applying for 交通补贴 is 委托代办, money paid to a trainee is the training
allowance. Twins are two entries the notice states in one clause (交通补贴 and 稳岗补贴: same people, same
push), related to each other with no referral between them: a question about both is answered with the
likelier, the other offered beside it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.content import ContentPack
from bot.faq.facets import FACETS, cue_texts

if TYPE_CHECKING:
    from bot.faq.decision import Match


class Referrals:
    def __init__(self, content: ContentPack, likely: float) -> None:
        """`likely`: the coverage at which twins are answered rather than offered as choices."""
        self._refer = {e.id: e.refer for e in content.entries.values() if e.refer}
        self._likely = likely
        entries = content.entries
        self._twins = {
            (a.id, b)
            for a in entries.values()
            for b in a.related
            if b in entries
            and a.id in entries[b].related
            and a.source == entries[b].source
            and b not in {r.to for r in a.refer}
            and a.id not in {r.to for r in entries[b].refer}
        }

    def twins(self, one: str, other: str) -> bool:
        return (one, other) in self._twins

    def referred(self, entry: str, normalised: str, by_facet: bool = True, followup: bool = False) -> str:
        """The entry that answers this question about `entry`: the first of its referrals whose facet the
        question has a cue of and whose words it holds ("稳岗补贴叫俺婆姨替俺办" -> 委托代办), else `entry`.
        Without `by_facet`, only referrals by words count; with `followup` (a follow-up of `entry` that names
        no entry), those for follow-ups too."""
        for referral in self._refer.get(entry, ()):
            if referral.followup and not followup:
                continue
            facets = tuple(f for f in FACETS if f == referral.facet)
            if referral.facet and (not by_facet or not cue_texts(normalised, facets)):
                continue
            if referral.words and not any(w in normalised for w in referral.words):
                continue
            return referral.to
        return entry

    def settle(self, match: Match, normalised: str) -> Match:
        """The matcher's decision with referrals and twins applied: an answer on a side another entry answers
        is that entry's; of two close choices that are an entry and its referral, the referral decides
        ("培训十天能给多少钱": 技能培训 and 培训生活补贴); two close twins are answered with the likelier."""
        if match.outcome == "suggest" and len(match.suggestions) > 1:
            first, second = match.suggestions[:2]
            for one, other in ((first, second), (second, first)):
                if self.referred(one, normalised) == other:
                    rest = tuple(x for x in match.suggestions if x != other)
                    return replace(match, outcome="answer", entry=other, suggestions=(other, *rest), also=rest[:2])
            if (first, second) in self._twins and match.score >= self._likely:
                return replace(match, outcome="answer", entry=first, also=match.suggestions[1:])
        return self.answering(match, normalised)

    def answering(self, match: Match, normalised: str, by_facet: bool = True) -> Match:
        """An answer on a side, or in words, another entry answers is that entry's ("俺在公益岗上 能领交通补贴不":
        the 公岗 entry holds the rule about claiming both). Without `by_facet`, only referrals by words count."""
        if match.outcome != "answer" or match.entry is None:
            return match
        to = self.referred(match.entry, normalised, by_facet)
        if to == match.entry or self.referred(to, normalised, by_facet) == match.entry:
            return match  # both sides' words are there ("培训班那几天…给补不"): the ranking's choice stands
        rest = tuple(x for x in match.suggestions if x != to)
        return replace(match, entry=to, suggestions=(to, *rest)[:3], also=tuple(x for x in match.also if x != to))
