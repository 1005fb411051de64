"""Reading a message in the context of the conversation: which topic it is about and which facet.

The context (bot.faq.context) is the chat's current topic, the side of it answered last and, when the last
question was outside the bot's scope, that out-of-scope topic too.

A message that names no topic (its words are all facet cues: "补多少", "要带啥材料") is read against
the context; a message that names another topic switches it; an out-of-scope question does not erase it;
"那X呢" asks the side (facet) answered last, about X. Pure and fast: a few matcher look-ups, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.content import ContentPack
from bot.faq import facet_model, smalltalk
from bot.faq.asides import asking_clause
from bot.faq.context import Context
from bot.faq.decision import Match, Outcome
from bot.faq.detours import OFF_COVERAGE, OFF_NAMED, Detours
from bot.faq.ellipsis import CUES, elided, owner
from bot.faq.facets import Facet, after_cue, detect, residue
from bot.faq.followups import Followups, load_followups
from bot.faq.linear import LinearModel
from bot.faq.matcher import FaqMatcher
from bot.faq.neighbours import Neighbours
from bot.faq.signals import EFFECT, NEW_QUESTION_WORDS, REPORTED, VAGUE, WHOLE_QUESTION, content_words
from bot.faq.smalltalk import Kind, SmallTalk

GROUPS = "groups"  # the category of entries about groups of people (监测户, 毕业生…)
PROXY = "proxy-application"  # the entry about applying for someone else: "俺表哥行不" offers a proxy there
# the sides of obtaining a thing: a question of one about an entry the topic's facts only mention ("小区的公岗咋申请"
# after 易地搬迁) asks that entry; whether it is there or what was asked about it ("那有公岗不", "回访还问俺交通补贴
# 领了没") stays with the topic. Whether one may have it (who) asks the entry too, except after a group of people,
# whose entry says what is arranged for them ("能给安排个公益岗吗" after 零就业家庭: the sets disagree there)
OBTAINING: tuple[Facet | None, ...] = ("how", "where", "materials", "proxy")
OWN_EVIDENCE = 4.0  # IDF of another entry's words (about two specific ones) that make a short facet question its
# the sides of applying through someone else that 委托代办 answers, reached from a subsidy's proxy side
REFERRED_SIDES: tuple[Facet | None, ...] = ("proxy", "who", "how", "materials", "where")


@dataclass(frozen=True, slots=True)
class Reading:
    outcome: Outcome
    entry: str | None  # the entry answered
    facet: Facet | None  # the facet asked about, None for the whole entry
    suggestions: tuple[str, ...]
    score: float
    context: Context  # the context after this message
    off_topic: str | None = None
    followup: bool = False  # the topic came from the context, not from the message
    also: tuple[str, ...] = ()  # runners-up offered beside the answer


class Reader:
    def __init__(
        self,
        matcher: FaqMatcher,
        content: ContentPack,
        off_coverage: float = OFF_COVERAGE,
        *,
        followups: Followups | None = None,
        facets: LinearModel | None = None,
        chatter: SmallTalk | None = None,
    ) -> None:
        """`followups`: the learned second look at the topic in context (bot.faq.followups); `facets`: the facet
        model (bot.faq.facet_model); `chatter`: small talk (bot.faq.smalltalk). None: the shipped one, loaded now
        (a broken model file stops the start)."""
        self.matcher = matcher
        self.followups = followups if followups is not None else load_followups()
        self.content = content
        self.groups = {e.id for e in content.entries.values() if e.category == GROUPS}
        self.detours = Detours(matcher, content, off_coverage)
        self.neighbours = Neighbours(matcher, content, self.groups)
        self.facets = facets if facets is not None else facet_model.shipped()
        self.chatter = chatter if chatter is not None else smalltalk.shipped()

    def small_talk(self, normalised: str, raw: str, context: Context) -> Kind | None:
        """The kind of small talk the message is (bot.faq.smalltalk), or None when it asks something."""
        named = bool(self.matcher.naming(normalised, VAGUE))
        return self.chatter.kind(normalised, raw, named, context.within(self.content.entries).entry)

    def read(self, text: str, context: Context) -> Reading:
        """The message's topic by the rules below, revised in context by the learned second look; its facet by
        the rules and the learned model together."""
        context = context.within(self.content.entries)
        normalised = self.matcher.analyzer.normalise(text)
        facet = detect(normalised, proxy_talk=context.entry == PROXY)
        full = self.matcher.match_normalised(normalised)
        reading = self._read(normalised, facet, full, context)
        reading = self.followups.revised(self, normalised, facet, full, context, reading)
        proxy_talk, about = PROXY in (context.entry, reading.entry), reading.entry or reading.context.entry or ""
        ask = (normalised, reading.facet, context, proxy_talk, self.content.entries.get(about))
        facet = facet_model.choose(self.facets, facet_model.asked(*ask, reading.outcome, self.matcher.analyzer.words))
        if facet == reading.facet:
            return reading
        # the side asked is kept for "那X呢"; but "what" where the rules read no side is the whole entry, no side
        # ("外省的呢" after "有没有招司机的" asks the same question elsewhere, not what 外省 is)
        stored = facet != "what" and (reading.outcome == "answer" or reading.off_topic is not None)
        after = replace(reading.context, facet=facet) if stored else reading.context
        return replace(reading, facet=facet, context=after)

    def _read(self, normalised: str, facet: Facet | None, full: Match, context: Context) -> Reading:
        rest = residue(normalised)
        if context.entry is None and context.off_topic is None:
            # nothing but the cues: "补多少", "在哪办" (but "委托代办是咋回事" names its entry by a cue)
            vague = self._words(rest) == 0 and not self.matcher.naming(normalised, VAGUE)
            if facet is not None and vague and full.outcome == "answer":
                # offered, not answered; the lead stays the likeliest topic ("五十多了还能培训不": the cue took 培训)
                return self.plain(replace(full, outcome="suggest", entry=None), facet, context)
            story = self._named_in_story(normalised, full)
            if story:
                return self.answer(story[0], facet, full.score, context, also=story[1:])
            return self.plain(full, facet, context)
        if facet is None:
            other = elided(normalised)  # "那稳岗补贴呢" after "交通补贴谁能领": who, of 稳岗补贴
            if other is not None:
                return self._elided(other, context.facet or "what", context)
        names = self.matcher.naming(normalised, VAGUE) or self._subsidy(owner(normalised) or "")[1]
        if full.outcome == "decline" and full.off_topic is not None and full.score >= OFF_NAMED:
            names = set()  # "孩子的助学贷款咋还": 贷款 names 创业贷款, but the question is another office's
        if (
            facet == "who"
            and names <= self.groups
            and not names & self.matcher.naming(after_cue(normalised, "who"), VAGUE)
        ):
            names = set()  # "俺是监测户也行不": the asker's group, not a new topic (but "这算零就业家庭不" asks it)
        if facet == "who" and context.entry is not None and self._told_before(normalised, names):
            # "俺被欠薪了中途回来的 还能领不" after 稳岗补贴: the asker's plight, told before the question
            return self.follow_up(context.entry, normalised, facet, full, context)
        topic = context.entry
        benefit = self.neighbours.benefit_of_group(topic, facet, full, rest) if topic in self.groups else None
        if benefit is not None:  # "自己创业有补贴不" after 零就业家庭
            return self.answer(benefit, facet, full.score, context, also=full.also)
        effect = topic is not None and EFFECT.search(normalised) is not None
        if effect and not self.detours.off_words.named(rest):
            # "会影响交通补贴不" after 更新务工信息: the effect of the topic on the entry it names, not that entry
            return self.follow_up(topic or "", normalised, facet, full, context, effect=True)
        # the topic's facts cover the other entries named ("那有公岗不" after 易地搬迁): both are in play after it
        covered = topic is not None and bool(names) and self.neighbours.within(topic, normalised, names)
        obtaining = facet in OBTAINING or (facet == "who" and topic not in self.groups)
        if topic is not None and (topic in names or (covered and not obtaining)):
            if self._whole_new_question(topic, full, rest):
                return self.plain(full, facet, context)
            asked = self.neighbours.asked_instead(topic, normalised)
            if asked is not None:
                return self.answer(asked, facet, full.score, context)
            reading = self.follow_up(topic, normalised, facet, full, context)
            return self._beside(reading, tuple(sorted(names - {reading.entry}))) if covered else reading
        if names:
            named = self.matcher.referrals.referred(self.neighbours.best_named(names, rest, full), normalised)
            # "代办咋弄" after 稳岗补贴: the subsidy's proxy side named, the subsidy stays its parent ("钱啥时候到")
            parent = topic if topic is not None and named == self.neighbours.proxy_side(topic) else None
            reading = self.answer(named, facet, full.score, context, also=full.also, parent=parent)
            return self._beside(reading, (topic or "",)) if covered else reading
        off = self.detours.aside(normalised, rest, facet, full, context.entry)
        if off is None and self.detours.paper_errand(normalised, facet, context.entry):
            off = full.off_topic  # "营业执照在哪办" after 创业补贴: the licence's office, not the subsidy's
            return self.decline(Match("decline", None, (), full.score, off_topic=off), None, context)
        if off is not None:
            return self.decline(Match("decline", None, (), full.score, off_topic=off), facet, context)
        if self._new_question(full, rest, facet, context):
            return self.plain(full, facet, context)
        if context.off_topic is not None and self.detours.stays_off(context, normalised, full, rest):
            again = Match("decline", None, (), full.score, off_topic=context.off_topic)
            return replace(self.decline(again, facet, context), followup=True)
        if context.entry is not None and self._follows(context.entry, facet, rest, full):
            return self.follow_up(context.entry, normalised, facet, full, context)
        return self.plain(full, facet, context)

    def _told_before(self, normalised: str, names: set[str]) -> bool:
        """The entries named are told in the clauses before a last clause that only asks whether one may ("还能
        领不", "算不算"), and give no benefit that clause could ask for ("他问俺领没领交通补贴 … 还能领不" asks
        the subsidy): the asker's plight, asked against the topic, not a question about those entries."""
        clause = asking_clause(normalised)
        if not names or clause is None or detect(clause) != "who" or self._words(residue(clause)) > 0:
            return False
        told = not any(self.matcher.benefits.gives(n) for n in names)
        return told and not names & self.matcher.naming(clause, VAGUE)

    def _named_in_story(self, normalised: str, full: Match) -> tuple[str, ...]:
        """The entries a long story names by their own words although its words as a whole cover none well
        enough to answer ("俺在鄂尔多斯的煤矿上开车哩 … 一个甚交通补贴 … 这个还给补不"), best first; none when it
        is declined for another office's business or names only the asker's group."""
        if full.outcome != "decline" or full.off_topic is not None:
            return ()  # a list of likely entries stays a list: the story may ask another of them
        names = self.matcher.naming(normalised, VAGUE) - self.groups
        return tuple(s for s in full.suggestions if s in names)

    def _elided(self, other: str, facet: Facet, context: Context) -> Reading:
        """ "那X呢": the same side (facet) of X. X the asker's group ("那监测户呢") asks who of the topic; X
        that is the topic or nothing specific stays on it; otherwise X is read with the side's cue, and
        stays on the topic when that reads as nothing the FAQ or another office knows."""
        names = self.matcher.naming(other, VAGUE)
        if not names:  # "那交通的呢" after 稳岗补贴: the other subsidy, by the word that tells it apart
            other, names = self._subsidy(other)
        if context.entry is not None and names and names <= self.groups and context.entry not in names:
            return self.answer(context.entry, "who", 1.0, context, followup=True)
        if context.entry is not None and (context.entry in names or self._words(other) == 0):
            return self.answer(context.entry, facet, 1.0, context, followup=True)
        match = self.matcher.match_normalised(other)  # "那贷款呢": 贷款 alone names its entry
        if match.outcome != "answer" or match.also:  # else read it as the same side's question
            match = self.matcher.match_normalised(self.matcher.analyzer.normalise(f"{other} {CUES[facet]}"))
        if match.outcome == "answer" and match.entry is not None:
            return self.answer(match.entry, facet, match.score, context, also=match.also)
        if match.outcome == "decline" and context.entry is not None and not self.detours.off_words.named(other):
            # X is nothing the FAQ or another office knows ("俺去大同呢" after "在县城打工有没有"): the asker's
            # own case, asked on the same side of the topic
            return self.answer(context.entry, facet, match.score, context, followup=True)
        return self.plain(match, facet, context)

    def _subsidy(self, word: str) -> tuple[str, set[str]]:
        """The one subsidy `word` tells apart from the others ("交通" -> 交通补贴), as its name and entry; else
        no entry ("交通" alone is not named: 交通违章 is another office's)."""
        name = f"{word}补贴"
        named = self.matcher.naming(name, VAGUE) if word else set()
        return (name, named) if len(named) == 1 else (word, set())

    def follow_up(
        self, entry: str, normalised: str, facet: Facet | None, full: Match, context: Context, effect: bool = False
    ) -> Reading:
        """A follow-up of the topic, or of an entry related to it (see `_sibling`). Someone else applying
        ("俺替他办行不" after 交通补贴: the subsidy's proxy side) is the entry the proxy side refers to (委托代办),
        which becomes the topic with the subsidy as its parent: how to apply, where and what to bring stay with it,
        the sides it is not about (`REFERRED_SIDES`) go back to the subsidy ("多久到账"). Most writers accept either
        for the proxy question itself, some only one; the follow-up model (bot.faq.followups) keeps the subsidy's
        proxy side, whose text says how 委托代办 works, where the writers it learnt from did."""
        parent = context.parent if entry == context.entry else None
        if parent is not None and facet not in REFERRED_SIDES:
            entry, parent = parent, None
        if entry == context.entry and context.choices and facet not in ("who", "proxy"):
            entry = self.neighbours.meant(entry, context.choices, normalised)
        proxy = self.neighbours.proxy_side(entry)
        if entry == context.entry and context.facet == "proxy" and facet in ("how", "materials") and proxy:
            return self.answer(proxy, facet, full.score, context, followup=True, parent=entry)
        related = set(self.content.entries[entry].related) if entry in self.content.entries else set()
        rest = residue(normalised)
        if facet not in ("who", "proxy") and related and rest and not effect:
            sibling = self.neighbours.sibling(entry, related, normalised, rest)
            if sibling is not None:
                entry, parent = sibling, None
        lender = self.matcher.benefits.lender(entry, related, normalised) if not effect else None
        if lender is not None:  # "能贷多少" after 创业补贴: the loan, named by its verb alone
            entry, parent = lender, None
        if facet == "proxy" and proxy is not None and not effect:  # "俺替他办行不" after 交通补贴: 委托代办
            return self.answer(proxy, facet, full.score, context, followup=True, parent=entry)
        # "培训给钱不" after 技能培训 is the allowance; "咋领" after a callback is the subsidy it asked about, but
        # "会影响补贴不" and "他问我领没领" stay with the callback
        told = effect or REPORTED.search(normalised) is not None
        referred = self.matcher.referrals.referred(entry, normalised, by_facet=False, followup=not told)
        if referred != entry:
            entry, parent = referred, None
        return self.answer(entry, facet or "what", full.score, context, followup=True, parent=parent)

    def _whole_new_question(self, entry: str, full: Match, rest: str) -> bool:
        """A long message that names the topic in passing but is clearly another entry's question
        ("上回打零工老板欠了三天工钱，咋办" after 零工 is about wages): answered as that question."""
        clear = full.outcome == "answer" and full.entry != entry and not full.also
        return clear and self._words(rest) >= NEW_QUESTION_WORDS

    def _follows(self, entry: str, facet: Facet | None, rest: str, full: Match) -> bool:
        """A message that names no topic is a follow-up when it asks a facet, says nothing beyond
        common words, or the current topic is among its own best matches ("有省外的活没" after 招工);
        a question in words the topic does not know ("劳务派遣公司靠谱不") is a new question."""
        if facet is not None or entry in full.suggestions or self.matcher.specificity(rest) < VAGUE:
            return True
        if (
            full.off_topic is not None
            and not self.detours.off_words.named(rest)
            and self.matcher.evidence(entry, rest) > 0.0
        ):
            return True  # declined for an out-of-scope topic it names by no word of its own ("是发给个人还是发给企业")
        return self._words(rest) < NEW_QUESTION_WORDS  # "有啥帮扶": too short to be a question of its own

    def _words(self, normalised: str) -> int:
        return content_words(self.matcher.analyzer, normalised)

    def _new_question(self, full: Match, rest: str, facet: Facet | None, context: Context) -> bool:
        """A whole new question in other words: the matcher answers it with another entry, clearly, from
        specific words that are not facet cues (and not the asker's group in a "who" question)."""
        if full.outcome != "answer" or full.also or (facet == "proxy" and full.entry == PROXY):
            return False  # "俺在家能替他反映不" after 欠薪: the topic's proxy side, however its story reads
        if context.entry is not None and facet != "who" and self._whole_new_question(context.entry, full, rest):
            return True  # a long question another entry answers clearly, the topic far behind
        if context.entry in full.suggestions:
            return False
        if facet is None and full.score >= WHOLE_QUESTION:
            return True  # "有没有活干": the words of another entry's question, nearly all of them
        if self.matcher.specificity(rest) < VAGUE or (facet == "who" and full.entry in self.groups):
            return False
        if facet is not None and self._words(rest) < NEW_QUESTION_WORDS:
            # "最多贷多少": a facet of the current topic, not a question of its own; unless its topic words are
            # all another entry's, none the topic's ("他想再学个技能 有培训不" after 毕业生)
            return (
                context.entry is not None
                and self.matcher.evidence(full.entry or "", rest) >= OWN_EVIDENCE
                and (self.matcher.evidence(context.entry, rest) == 0.0)
            )
        return self.matcher.match_normalised(rest).entry == full.entry

    def plain(self, match: Match, facet: Facet | None, context: Context) -> Reading:
        if match.outcome == "answer" and match.entry is not None:
            return self.answer(match.entry, facet, match.score, context, also=match.also)
        if match.outcome == "decline":
            return self.decline(match, facet, context)
        # the likeliest entry becomes the topic a follow-up is read against ("咋补领" after a list of
        # 交通补贴, 稳岗补贴…); choosing a button replaces it
        first = match.suggestions[0] if match.suggestions else None
        after = Context(first, choices=match.suggestions[1:], prior=context.moved_to(first)) if first else context
        return Reading("suggest", None, facet, match.suggestions, match.score, after)

    @staticmethod
    def answer(
        entry: str,
        facet: Facet | None,
        score: float,
        context: Context,
        followup: bool = False,
        also: tuple[str, ...] = (),
        parent: str | None = None,
    ) -> Reading:
        after = Context(entry, None, facet, parent, prior=context.moved_to(entry))
        return Reading("answer", entry, facet, (entry, *also), score, after, followup=followup, also=also)

    @staticmethod
    def _beside(reading: Reading, others: tuple[str, ...]) -> Reading:
        """The reading with the other entries the message brought into play kept as choices: a follow-up may
        say it meant one of them ("窗口啥时候有人" after "小区的公岗能干不" is the community's window again)."""
        others = tuple(o for o in others if o and o != reading.context.entry)
        return replace(reading, context=replace(reading.context, choices=others)) if others else reading

    @staticmethod
    def decline(match: Match, facet: Facet | None, context: Context) -> Reading:
        # the side asked stays for "那稳岗补贴呢" after "养老保险交多少", with or without an FAQ topic
        after = (
            replace(context, off_topic=match.off_topic, facet=facet or context.facet) if match.off_topic else context
        )
        return Reading("decline", None, facet, match.suggestions, match.score, after, off_topic=match.off_topic)
