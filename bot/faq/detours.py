"""Out-of-scope questions in the middle of a conversation ("对了，工伤咋认定" between two questions about wages):
when a message is another office's business rather than a follow-up of the FAQ topic, and when a follow-up
stays with the out-of-scope question asked last ("在哪交" after 养老保险交多少) or goes back to the topic.
Used by bot.faq.conversation.Reader; pure and fast (matcher look-ups, cached)."""

from __future__ import annotations

import re

from bot.content import ContentPack
from bot.faq.context import Context
from bot.faq.decision import Match
from bot.faq.facets import Facet, after_cue, cue_texts, detect, residue
from bot.faq.matcher import FaqMatcher
from bot.faq.signals import NEW_QUESTION_WORDS, SIBLING_RATIO, VAGUE, WHOLE_QUESTION, content_words
from bot.faq.vocabulary import OffWords

# a message that ends asking whether something counts ("俺在家养羊算不", "开个小卖部算不算"): the asker's case,
# told before the question, asked against the current topic
_COUNTS = re.compile(r"算(?:不算|不|吗|么|嘛|没|数不)?[吗呢吧哩]?\s*$")
# a materials cue that asks for something to bring or do ("要带", "准备", "交什么") or names papers in general
# ("材料", "手续"), not one paper: what the topic asks for, never a paper's own errand
_BRING = re.compile(r"要|带|拿|准备|交|提供|需|寄|填|写|打印|复印|提交|材料|资料|手续|表格|东西")
_PAPER_CONTEXT = 2  # characters before a paper's name that say which paper it is ("务工证明", "营业执照")
OFF_NAMED = 0.6  # coverage at which an out-of-scope question is that, whatever FAQ keyword it contains
OFF_COVERAGE = 0.3  # share of the remaining words an out-of-scope topic must cover to leave the current topic


class Detours:
    def __init__(self, matcher: FaqMatcher, content: ContentPack, off_coverage: float = OFF_COVERAGE) -> None:
        self.matcher = matcher
        self.content = content
        self.off_coverage = off_coverage
        self.off_words = OffWords(matcher.analyzer, content)

    def aside(self, normalised: str, rest: str, facet: Facet | None, full: Match, entry: str | None) -> str | None:
        """The out-of-scope topic a message that names no FAQ entry is about, if it is one. With an FAQ topic
        current: "我家有低保能干不", "营业执照要带吗" ask who, or what to bring, not another office's business
        (but "我家能吃低保不" asks for 低保 itself, after the cue); and the aside must say a word only
        out-of-scope topics use ("给个人的还是给企业的" after 稳岗补贴 is words the FAQ uses too)."""
        if entry is not None and facet == "materials":
            return None
        if entry is not None and facet == "who":
            if _COUNTS.search(normalised):
                return None  # "俺在家养羊算不" after 创业补贴: whether the asker's case counts for the topic
            asked = self.off_topic(residue(after_cue(normalised, "who")))
            if self._topics_own_doing(normalised, entry):
                return asked  # "我家有低保能干不" after 公益岗: 低保 says who asks whether he may do the job
            wholly = self._wholly_off(normalised, rest, full, entry) if self.off_words.named(rest) else None
            return asked or wholly
        off = self.off_topic(rest)
        if entry is not None and not self.off_words.named(rest):
            return None
        return off

    def paper_errand(self, normalised: str, facet: Facet | None, entry: str | None) -> bool:
        """A paper named as the thing to be dealt with, not as something to bring ("营业执照在哪办", "银行卡咋挂失"
        after a subsidy): the asking clause names a paper (a materials cue), and without it asks how, where or
        when; the paper is none the topic knows (its name with the words before it has no evidence for the
        topic: "务工证明咋开" after 交通补贴 is the topic's own proof). Such a question is that paper's office's
        business, whatever the topic."""
        if entry is None or facet != "materials" or not normalised.split():
            return False
        clause = normalised.split()[-1]
        papers = cue_texts(clause, ("materials",))
        if not papers or any(_BRING.search(p) for p in papers):
            return False
        rest, names = clause, []
        for paper in papers:
            at = clause.find(paper)
            names.append(clause[max(0, at - _PAPER_CONTEXT) : at + len(paper)])
            rest = rest.replace(paper, " ")
        if detect(rest) not in ("how", "where", "when"):
            return False
        return all(self.matcher.evidence(entry, name) == 0.0 for name in names)

    def _topics_own_doing(self, normalised: str, entry: str) -> bool:
        """The "may I" cue names what the topic is about doing ("能干" a public-welfare job, "能贷" a loan, "能学"
        a training): the words before it describe the asker, not another office's business."""
        cue = next(iter(cue_texts(normalised, ("who",))), "")
        return bool(cue) and self.matcher.evidence(entry, cue) >= VAGUE

    def _wholly_off(self, normalised: str, rest: str, full: Match, entry: str) -> str | None:
        """The out-of-scope topic a whole question is about ("娃娃上学有补助不"), named beyond its cues and
        reading clearly more like it than like the topic ("俺是脱贫户能贷不" after 创业贷款 stays: 贷 is the
        topic's word too)."""
        off = full.off_topic
        if off is None or full.score < OFF_NAMED or self.matcher.specificity(rest, unseen=False) < VAGUE:
            return None
        ranked = {r.id: r.score for r in self.matcher.rank_normalised(normalised)}
        return off if ranked.get(off, 0.0) >= SIBLING_RATIO * ranked.get(entry, 0.0) else None

    def stays_off(self, context: Context, normalised: str, full: Match, rest: str) -> bool:
        """A follow-up of the out-of-scope question asked last ("在哪交" after 养老保险交多少): only when that
        topic takes follow-ups, the message is not itself a question the FAQ knows ("那出去打工有啥补贴"),
        and, after an aside in the middle of an FAQ topic ("对了，工伤咋认定"), the message does not read
        clearly more like that topic than like the aside ("多久能要回来" goes back to 欠薪)."""
        off = context.off_topic or ""
        if not self._followups(off):
            return False
        if (
            context.entry is None
            and full.outcome != "decline"
            and self.matcher.specificity(rest, unseen=False) >= VAGUE
        ):
            return False
        if self._unknown_to(off, rest):
            return False  # "劳务派遣公司靠谱不" after 养老金: a question of its own in words the aside never uses
        ranked = self.matcher.rank_normalised(normalised)
        aside = next((r.score for r in ranked if r.id == off), 0.0)
        if context.entry is None:  # a question of its own in words the FAQ knows, beyond the cues
            mine = next((r for r in ranked if r.in_scope), None)
            known = (
                full.outcome != "decline"
                and full.score >= WHOLE_QUESTION
                and content_words(self.matcher.analyzer, rest) > 0
            )
            return mine is None or mine.score < SIBLING_RATIO * aside or not known
        mine = next((r for r in ranked if r.id == context.entry), None)
        if aside == 0.0 and mine is not None:
            return False  # "要自己申请不" after 医保交了没咋查: nothing of the aside's, something of the topic's
        return mine is None or mine.score < SIBLING_RATIO * aside or mine.evidence < VAGUE

    def _unknown_to(self, off: str, rest: str) -> bool:
        """The words left after the facet cues make a question of their own (as many content words as a new
        question needs) and the out-of-scope topic's questions hold none of them ("密码忘了咋办" after a lost
        social security card is too short to leave it)."""
        if content_words(self.matcher.analyzer, rest) < NEW_QUESTION_WORDS:
            return False
        return self.matcher.evidence(off, rest) == 0.0

    def off_topic(self, rest: str) -> str | None:
        """The out-of-scope topic the words left after the facet cues clearly name, if any."""
        if not rest or self.matcher.specificity(rest, unseen=False) < VAGUE:
            return None
        if not self.matcher.leads_off(rest, self.off_coverage):
            return None  # the rules name no other office's topic: the re-ranker never adds one
        match = self.matcher.match_normalised(rest)
        if match.off_topic is not None and match.score >= self.off_coverage:
            return match.off_topic
        return None

    def _followups(self, off_topic: str) -> bool:
        topic = self.content.out_of_scope.get(off_topic)
        return topic is not None and topic.followups
