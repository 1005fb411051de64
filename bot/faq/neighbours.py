"""Which entry other than the current topic a message in a conversation means: a related entry it reads clearly
more like, one of the choices offered before, the entry the asking clause names, the entry the topic's proxy
side refers to, the benefit asked for after a group; and when the topic's own facts cover another entry's
word. Used by bot.faq.conversation.Reader; pure (matcher look-ups, cached)."""

from __future__ import annotations

from bot.content import ContentPack
from bot.faq.asides import asking_clause
from bot.faq.decision import Match, Ranked
from bot.faq.facets import Facet, residue
from bot.faq.matcher import FaqMatcher
from bot.faq.signals import SIBLING_RATIO, VAGUE, WHOLE_QUESTION

SIBLING_COVERAGE = 0.4
# the sides that ask whether there is a thing or whether one may have it: the words beside the cue name the thing
# ("自己创业有补贴不", "俺能参加培训不"); beside other cues they mostly say what is done ("去哪反映", "咋报")
ASKING_FOR: tuple[Facet | None, ...] = (None, "what", "who")
SIBLING_EVIDENCE = 2.5  # IDF of the topic words (not facet cues) the related entry has and the topic lacks


class Neighbours:
    def __init__(self, matcher: FaqMatcher, content: ContentPack, groups: set[str]) -> None:
        self.matcher = matcher
        self.content = content
        self.groups = groups

    def meant(self, likeliest: str, others: tuple[str, ...], normalised: str) -> str:
        """Of the entries offered as choices, the one a follow-up says was meant: it reads clearly more like
        it than like the likeliest, from topic words of its own ("去哪告" after a story that offered 零就业家庭,
        欠薪…: 告 is the wages' word); else the likeliest. Not for who/proxy questions: their words describe
        the asker."""
        ranked = {r.id: r for r in self.matcher.rank_normalised(normalised)}
        first = ranked[likeliest].score if likeliest in ranked else 0.0
        fits = [ranked[c] for c in others if c in ranked and ranked[c].evidence >= VAGUE]
        best = max(fits, key=lambda r: r.score, default=None)
        return best.id if best is not None and best.score >= SIBLING_RATIO * first else likeliest

    def proxy_side(self, entry: str) -> str | None:
        """The entry the topic's proxy side refers to (委托代办 for 交通补贴), if any."""
        refer = self.content.entries[entry].refer if entry in self.content.entries else ()
        return next((r.to for r in refer if r.facet == "proxy"), None)

    def sibling(self, entry: str, related: set[str], normalised: str, rest: str) -> str | None:
        """The related entry a follow-up is about instead of the topic, if any: the message reads clearly
        more like it, from topic words (two characters or more: not the facet cues every entry's questions
        share, nor a lone verb like 弄) the topic lacks ("一天给几块" after 技能培训 is the allowance). Not for
        who/proxy questions: their words describe the asker, not the topic; nor the topic's twin (交通补贴 and
        稳岗补贴), whose questions differ by chance ("去年领了今年还能领不" is either's)."""
        words = " ".join(f[2:] for f in self.matcher.analyzer.features(rest) if f.startswith("w:") and len(f) > 3)
        if not words:
            return None
        twins = self.matcher.referrals.twins
        ranked = {
            r.id: r
            for r in self.matcher.rank_normalised(normalised)
            if (r.id in related and not twins(entry, r.id)) or r.id == entry
        }
        own = ranked.get(entry, Ranked(entry, True, 0.0, 0.0, 0.0))
        best = max(ranked.values(), key=lambda r: r.score, default=own)
        if best.score < SIBLING_RATIO * own.score or best.coverage < SIBLING_COVERAGE:
            return None
        topic = {r.id: r.evidence for r in self.matcher.rank_normalised(words)}  # ranked only when it decides
        return best.id if topic.get(best.id, 0.0) - topic.get(entry, 0.0) >= SIBLING_EVIDENCE else None

    def asked_instead(self, topic: str, normalised: str) -> str | None:
        """The one other entry the asking clause of a message of several clauses names, when the topic is
        named only in the clauses before it ("那俺不干公岗了 出去打工能领交通补贴不" after 公益岗: the subsidy
        is asked about, the job is the story)."""
        clause = asking_clause(normalised)
        if clause is None:
            return None
        names = self.matcher.naming(residue(clause), VAGUE) - self.groups
        if len(names) != 1 or topic in names:
            return None
        return self.matcher.referrals.referred(names.pop(), clause)

    def benefit_of_group(self, group: str, facet: Facet | None, full: Match, rest: str) -> str | None:
        """After a group of people (零就业家庭, 监测户…), which says who the asker is, the entry a question asks
        for when it asks whether there is something or whether one may have it, nearly all in that entry's
        words and in clearly more of them than the group's ("想自己创业 给补贴吗" after 零就业家庭: 创业补贴).
        The group's entry holds what the group is, not every benefit it may get."""
        if facet not in ASKING_FOR or full.outcome != "answer" or full.entry is None or full.entry in self.groups:
            return None
        if full.score < WHOLE_QUESTION:  # "能帮他找个工作不 他学的汽修" after 毕业生 is not 技能培训's question
            return None
        clearly = self.matcher.evidence(full.entry, rest) >= VAGUE + self.matcher.evidence(group, rest)
        return full.entry if clearly else None

    def within(self, entry: str, normalised: str, names: set[str]) -> bool:
        """The message names other entries only by words the topic's own facts cover ("那有公岗不" after
        易地搬迁: the notice gives each relocation community 3 公岗)."""
        covered = self.content.entries[entry].within if entry in self.content.entries else ()
        said = " ".join(w for w in covered if w in normalised)
        return bool(said) and names <= self.matcher.naming(said, VAGUE)

    def best_named(self, names: set[str], rest: str, full: Match) -> str:
        """Of the entries the message names, the one the matcher ranks first."""
        if full.entry in names:
            return full.entry
        for ranked in self.matcher.rank_normalised(rest):
            if ranked.id in names:
                return ranked.id
        return min(names)
