"""Entries a message names by keyword, and the readings of the message that follow from what it names: the
named entry leads among close ones, is asked about beside the asker's group or at the end of a story, or is
the errand whose papers another office's topic was matched on. Used by bot.faq.matcher's decision."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from bot.faq.analyzer import Analyzer
from bot.faq.asides import asking_clause
from bot.faq.decision import Ranked, Thresholds
from bot.faq.facets import after_cue, detect, residue

NAMING_IDF = 2.0  # a keyword word this specific names its entry
# "我是监测户", "俺家是易地搬迁户": the asker says which group he belongs to, in the words just after this
DECLARATION = re.compile(r"我们?家?也?(?:是|属于|算)")
HOUSEHOLD = "户"  # ...a household category (监测户, 搬迁户): a status, unlike 毕业生, the situation asked about
DECLARED_REACH = 6  # the group's word starts at most this many characters after the declaration
ASKED_SHARE = 0.5  # ...and another entry scoring at least this share of the group's is what he asks about
OOS_SHARE = 0.7  # an other-office topic close behind covering at most this share of what the named entry covers
COVERED_MORE = 0.1  # a named entry covering this much more of the question than another office's topic…
COVERED_SHARE = 0.5  # …and scoring at least this share of it is what the question is about


class Names:
    def __init__(
        self,
        analyzer: Analyzer,
        idf: Mapping[str, float],
        names: dict[str, set[str]],
        groups: set[str],
        thresholds: Thresholds,
    ) -> None:
        """`names`: word feature -> entries whose keywords contain it; `groups`: entries about groups of
        people (监测户, 毕业生…)."""
        self._analyzer = analyzer
        self._idf = idf
        self._names = names
        self._groups = groups
        self._thresholds = thresholds
        self._group_words: dict[str, set[str]] = {}  # group entry -> its household categories' words
        for feature, ids in names.items():
            for ident in ids & groups if feature.endswith(HOUSEHOLD) else ():
                self._group_words.setdefault(ident, set()).add(feature[2:])

    def naming(self, normalised: str, min_idf: float) -> set[str]:
        """Entries whose keywords share a word of at least `min_idf` with normalised text."""
        named: set[str] = set()
        for feature in self._analyzer.features(normalised):
            if feature in self._names and self._idf.get(feature, 0.0) >= min_idf:
                named |= self._names[feature]
        return named

    def topics(self, normalised: str) -> set[str]:
        """Entries named by keyword, but not the asker's group (监测户…): what the text may be asking about."""
        return self.naming(normalised, NAMING_IDF) - self._groups

    def lead(self, normalised: str, ranked: list[Ranked]) -> str | None:
        """Among entries close to the best (none of them another office's business), the one the message
        names by a keyword; the asker's group (监测户) does not count when another entry is named too."""
        t = self._thresholds
        best = ranked[0]
        close = [r for r in ranked if r.score >= t.margin * best.score]
        # a document close only through the question's facet cues (户口本 in "交通补贴要带户口本不")
        # shares none of its topic: it does not stand against the named entry
        if not all(r.in_scope or r.coverage <= OOS_SHARE * best.coverage for r in close if r.coverage > 0):
            return None
        names = self.naming(normalised, NAMING_IDF)
        if names <= self._groups and best.id not in names:
            return None  # "我是监测户 回村开了个养鸡场": the asker's group alone is context, not the topic
        names = (names - self._groups) or names
        lead = [r for r in close if r.id in names and r.coverage >= t.answer]
        return lead[0].id if len(names) == 1 and lead else None

    def beside_group(self, normalised: str, ranked: list[Ranked]) -> str | None:
        """When the best entry is the asker's group (监测户) and the message names exactly one other entry
        by keyword that covers the question about as well: that entry, the thing asked about."""
        if ranked[0].id not in self._groups:
            return None
        names = self.naming(residue(normalised), NAMING_IDF) - self._groups  # not by a cue (代领)
        if len(names) != 1:
            return None
        return next((r.id for r in ranked[1:] if r.id in names and r.coverage >= self._thresholds.suggest), None)

    def declared_beside(self, normalised: str, ranked: list[Ranked]) -> str | None:
        """When the best entry is a group the asker declares he belongs to ("我是监测户 …养了二十头牛算不算
        创业"), and another entry, not a group, ranks close behind and covers the question well enough to
        be offered: that entry. Saying who one is rarely asks what the group is; the rest of the message
        does the asking, so the group entry is not answered outright."""
        words = self._group_words.get(ranked[0].id)
        if not words:
            return None
        t = self._thresholds
        declared = False
        for found in DECLARATION.finditer(normalised):
            after = normalised[found.end() : found.end() + DECLARED_REACH + 4]
            if any(0 <= after.find(w) <= DECLARED_REACH for w in words):
                declared = True
                break
        if not declared:
            return None
        other = next((r for r in ranked[1:] if r.in_scope and r.id not in self._groups), None)
        if other is None or other.score < ASKED_SHARE * ranked[0].score or other.coverage < t.suggest:
            return None
        return other.id

    def asked_at_end(self, normalised: str, ranked: list[Ranked], rank: Callable[[str], list[Ranked]]) -> str | None:
        """The one entry the last asking clause of a story names by keyword, when the story around it ranks
        another entry first and the named one is among the likeliest; not when the clause read alone (`rank`)
        ranks the story's first entry first too: "小微企业招人有补贴不 俺开了个运输公司" names 招聘 but asks
        about the employer's subsidy."""
        clause = asking_clause(normalised)
        if clause is None:
            return None
        names = self.naming(residue(clause), NAMING_IDF) - self._groups
        if len(names) != 1 or ranked[0].id in self.naming(normalised, NAMING_IDF):
            return None  # the first is named too ("我当着公岗 还能出去打工领交通补贴不"): both are asked about
        named = next((r.id for r in ranked[1:] if r.id in names), None)
        if named is None or [r.id for r in rank(clause)[:1]] in ([], [ranked[0].id]):
            return None
        return named

    def asked_about(self, normalised: str, ranked: list[Ranked]) -> str | None:
        """The entry a "who qualifies" question names by keyword after its cue when the whole message reads
        as another office's business: the asker's status (低保户, 残疾人) is part of the question, the thing
        asked for (能领**交通补贴**不) is its topic."""
        if detect(normalised) != "who":
            return None
        names = self.naming(after_cue(normalised, "who"), NAMING_IDF) - self._groups
        return next((r.id for r in ranked if r.id in names), None)

    def covered_over_other_office(self, normalised: str, ranked: list[Ranked]) -> str | None:
        """When another office's topic ranks first on one rare word of the question ("劳动合同" in "领稳岗补贴
        需要劳动合同吗") but the one entry the message names by keyword covers more of the question: that
        entry, which the question is about."""
        names = self.naming(normalised, NAMING_IDF) - self._groups
        if len(names) != 1:
            return None
        named = next((r for r in ranked if r.id in names), None)
        floor = max(self._thresholds.suggest, ranked[0].coverage + COVERED_MORE)
        if named is None or named.coverage < floor:
            return None
        return named.id if named.score >= COVERED_SHARE * ranked[0].score else None

    def beside_other_office(self, normalised: str, ranked: list[Ranked]) -> str | None:
        """When another office's topic ranks first only through what the question asks of an entry it names
        ("稳岗补贴要交啥材料 身份证复印件要不要": 身份证 is the paper to bring, not a 户口/身份证 question): the one
        entry named by keyword outside the facet cues, close behind and covering the question as well."""
        if detect(normalised) != "materials":  # the papers asked about are no topic ("住房补贴" would be)
            return None
        names = self.naming(normalised, NAMING_IDF) - self._groups
        named = next((r for r in ranked if r.id in names), None) if len(names) == 1 else None
        if named is None or named.score < self._thresholds.margin * ranked[0].score:
            return None
        return named.id if named.coverage >= self._thresholds.suggest else None
