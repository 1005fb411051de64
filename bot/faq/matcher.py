"""FAQ matching: BM25 over one index document per entry, and a three-way decision.

Each FAQ entry is one document (title, keywords and all its paraphrased questions); each out-of-scope
topic is one too, so that a question about pensions or the weather finds its own kind and is declined
rather than answered from whatever in-scope entry happens to share a word.

The decision uses two numbers for the best document: its BM25 score, used for ranking, and its
*coverage*: the share of the question's IDF weight that the document matches, in [0, 1]. Words the
FAQ has never seen count against coverage, which is what lets an off-topic question be told apart.
The decision's types (Thresholds, Ranked, Match) live in bot.faq.decision.
"""

from __future__ import annotations

import functools
import gc
import math
from collections import Counter
from dataclasses import dataclass

from bot.content import ContentPack, fold
from bot.faq import asides, askers, facets
from bot.faq.analyzer import Analyzer
from bot.faq.asides import place_features, place_words
from bot.faq.benefits import BenefitNames
from bot.faq.decision import Match, Ranked, Thresholds
from bot.faq.facets import Facet, cue_texts, detect
from bot.faq.naming import NAMING_IDF, Names
from bot.faq.referrals import Referrals
from bot.faq.reranker import Reranker, load_reranker

WEIGHTS = {"w": 1.0, "b": 0.7, "p": 0.4}  # words, character bigrams, pinyin bigrams
K1 = 1.2
B = 0.4  # mild length normalisation: documents are paraphrase lists of different lengths
KEYWORD_REPEAT = 3
COVERAGE_DISCOUNT = {"w": 1.0, "b": 0.9, "p": 0.75}  # how far each kind alone is trusted
GROUPS = "groups"  # the category of entries about groups of people (监测户, 毕业生…)
DISCOUNTED: tuple[Facet, ...] = ("amount", "when", "where", "materials")  # see FaqMatcher._cues
MODIFIER_ONLY = 0.7  # the share of its score an entry keeps when the question names only its benefits' modifiers
PART_AMONG = 3  # the question part's answer must be among the whole message's likeliest entries
NAMED_FLOOR = 0.2  # a clear lead named by its keyword is answered down to this coverage (the rest: details)


@dataclass(slots=True)
class _Doc:
    id: str
    in_scope: bool
    tf: Counter[str]
    length: float


class FaqMatcher:
    """Built once from the content pack; `match` is pure and fast (no I/O)."""

    def __init__(
        self,
        content: ContentPack,
        analyzer: Analyzer,
        thresholds: Thresholds | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        """`reranker`: the learned second look at the rules' decision (bot.faq.reranker); by default the
        shipped one (bot/faq/models/ranker.json); `match_rules` is the rules' decision alone."""
        self.analyzer = analyzer
        self.thresholds = thresholds or Thresholds()
        self.reranker = reranker if reranker is not None else load_reranker()
        self._exact: dict[str, tuple[str, bool]] = {}
        self._docs: list[_Doc] = []
        names: dict[str, set[str]] = {}  # word feature -> entries whose keywords contain it
        groups = {e.id for e in content.entries.values() if e.category == GROUPS}
        self.referrals = Referrals(content, self.thresholds.likely)
        self._places = place_features(analyzer, content)
        self.benefits = BenefitNames(content, analyzer)
        for entry in content.entries.values():
            texts = [entry.title, *entry.questions] + list(entry.keywords) * KEYWORD_REPEAT
            self._add(entry.id, True, texts)
            for name in entry.keywords:  # titles hold generic words too (…帮扶, …服务)
                for feature in self.analyzer.features(self.analyzer.normalise(name)):
                    if feature.startswith("w:") and len(feature) > 3:  # words of two characters or more
                        names.setdefault(feature, set()).add(entry.id)
        for topic in content.out_of_scope.values():
            self._add(topic.id, False, [topic.name, *topic.questions])
        modified = self.benefits.modified
        self._modified = [i for i, doc in enumerate(self._docs) if doc.id in modified]
        self._avg_length = sum(d.length for d in self._docs) / max(len(self._docs), 1)
        df: Counter[str] = Counter(f for d in self._docs for f in d.tf)
        n = len(self._docs)
        self._idf = {f: math.log(1 + (n - c + 0.5) / (c + 0.5)) for f, c in df.items()}
        self._unseen_idf = math.log(1 + (n + 0.5) / 0.5)
        # feature -> (document, its saturated weight, that weight as far as it counts toward coverage)
        self._postings: dict[str, list[tuple[int, float, float]]] = {}
        for i, doc in enumerate(self._docs):
            norm = K1 * (1 - B + B * doc.length / self._avg_length)
            for feature, count in doc.tf.items():
                saturation = count * (K1 + 1) / (count + norm)
                self._postings.setdefault(feature, []).append((i, saturation, min(saturation, 1.0)))
        self.names = Names(analyzer, self._idf, names, groups, self.thresholds)
        self._ranked = functools.lru_cache(maxsize=1024)(self._rank)  # the index is complete: rankings hold
        # The index (and jieba's dictionary) live as long as the process: move them out of the garbage
        # collector's generations so that a collection never scans them (p99 per message 8 ms -> 2 ms).
        gc.freeze()

    def _add(self, ident: str, in_scope: bool, texts: list[str]) -> None:
        tf: Counter[str] = Counter()
        for text in texts:
            normalised = self.analyzer.normalise(text)
            self._exact.setdefault(fold(normalised), (ident, in_scope))
            tf.update(self.analyzer.features(normalised))
        self._docs.append(_Doc(ident, in_scope, tf, float(sum(tf.values()))))

    def naming(self, normalised: str, min_idf: float) -> set[str]:
        """Entries whose keywords share a word of at least `min_idf` with normalised text."""
        return self.names.naming(normalised, min_idf)

    def specificity(self, normalised: str, unseen: bool = True) -> float:
        """The highest IDF among the words of normalised text: how specific its most specific word is.
        With `unseen`, a word of two or more characters the FAQ has never seen counts as most specific."""
        words = [
            f
            for f in self.analyzer.features(normalised)
            if f.startswith("w:") and len(f) > 3 and (f in self._idf or unseen)  # words of 2+ characters
        ]
        return max((self._idf.get(f, self._unseen_idf) for f in words), default=0.0)

    def verbatim(self, normalised: str) -> str | None:
        """The entry or other office's topic of which normalised text is one of the content's questions, word for
        word; None when it is none."""
        exact = self._exact.get(fold(normalised))
        return exact[0] if exact is not None else None

    def leads_off(self, normalised: str, floor: float) -> bool:
        """Whether the rules can read normalised text as another office's topic with a coverage of `floor` or
        more: it is one of that topic's questions, or its first-ranked document is out of scope and covers that
        much (`_decide` names an out-of-scope topic only then). A test before the whole match, re-ranker included."""
        exact = self._exact.get(fold(normalised))
        if exact is not None:
            return not exact[1]
        ranked = self.rank_normalised(normalised)
        return bool(ranked) and not ranked[0].in_scope and ranked[0].coverage >= floor

    def rank(self, question: str) -> list[Ranked]:
        return self.rank_normalised(self.analyzer.normalise(question))

    def evidence(self, entry: str, normalised: str) -> float:
        """The IDF of the words of normalised text that the entry's questions or keywords hold (0: none)."""
        return next((r.evidence for r in self.rank_normalised(normalised) if r.id == entry), 0.0)

    def forget(self) -> None:
        """Empty every cache of text read (analysis, rankings, the re-ranker's last texts): benchmarks measure a
        message read for the first time."""
        self.analyzer.forget()
        facets.forget()
        self._ranked.cache_clear()
        if self.reranker is not None:
            self.reranker.forget()

    def rank_normalised(self, normalised: str) -> list[Ranked]:
        """`_rank`, cached: reading a follow-up ranks the same text up to four times."""
        return list(self._ranked(normalised))

    def _rank(self, normalised: str) -> tuple[Ranked, ...]:
        """Every document that shares a feature with the question, best first.

        Coverage is taken per kind of feature (words, bigrams, pinyin) and the best kind counts, with
        pinyin discounted: a voice-typed "欠心" misses as a word and as characters but matches 欠薪 by sound.
        """
        query = Counter(self.analyzer.features(normalised))
        story = asides.story(self.analyzer, self._idf, normalised) | place_words(self._places, query)
        cues = self._cues(normalised, query)
        totals: dict[str, float] = {}
        scores: dict[int, float] = {}
        matched: dict[str, dict[int, float]] = {}  # kind -> document -> the question's IDF weight it matches
        evidence: dict[int, float] = {}
        for feature, count in query.items():
            if feature in story:
                continue  # a word of the story around the question that the FAQ has never seen, or a place
            kind = feature[0]
            idf = self._idf.get(feature, self._unseen_idf)
            weighed = WEIGHTS[kind] * count * idf
            if feature in cues:  # "带啥证件", "有期限没": which side of the topic is asked, not the topic
                for doc, saturation, _ in self._postings.get(feature, ()):
                    scores[doc] = scores.get(doc, 0.0) + weighed * saturation
                continue
            counted = count * idf
            totals[kind] = totals.get(kind, 0.0) + counted
            of_kind = matched.setdefault(kind, {})
            word = kind == "w"
            for doc, saturation, capped in self._postings.get(feature, ()):
                scores[doc] = scores.get(doc, 0.0) + weighed * saturation
                of_kind[doc] = of_kind.get(doc, 0.0) + counted * capped
                if word:
                    evidence[doc] = evidence.get(doc, 0.0) + idf
        for doc in self._modified:  # "参加培训要钱不" names the training, not 培训补贴 (bot.faq.benefits)
            if doc in scores and self.benefits.modifier_only(self._docs[doc].id, normalised):
                scores[doc] *= MODIFIER_ONLY
        ranked = sorted(scores, key=lambda d: scores[d], reverse=True)
        coverage: dict[int, float] = {}  # the best kind's share of the question's IDF weight matched, discounted
        for kind, total in totals.items():
            discount = COVERAGE_DISCOUNT[kind]
            for doc, weight in matched.get(kind, {}).items() if total else ():
                share = discount * weight / total
                if share > coverage.get(doc, 0.0):
                    coverage[doc] = share
        docs = self._docs
        return tuple(
            Ranked(docs[d].id, docs[d].in_scope, scores[d], coverage.get(d, 0.0), evidence.get(d, 0.0)) for d in ranked
        )

    def _cues(self, normalised: str, query: Counter[str]) -> set[str]:
        """Features of the question's facet cues ("带什么证件", "有期限没"). They rank (an entry whose
        questions ask the same side fits better) but do not count in coverage, which measures how much of
        the *topic* an entry covers. Not when the question is nothing but cues ("补多少"): then they are
        all it says; and not the cues of facets that are themselves topics (代办, 报名, 申请)."""
        cues = {f for text in cue_texts(normalised, DISCOUNTED) for f in self.analyzer.features(text)}
        if not cues or all(f in cues for f in query if f.startswith("w:")):
            return set()
        return cues

    def match(self, question: str) -> Match:
        return self.match_normalised(self.analyzer.normalise(question))

    def match_normalised(self, normalised: str) -> Match:
        """`match` for text already passed through the analyzer's `normalise`: the rules' decision
        (`match_rules`), then the re-ranker's second look at it."""
        match = self.match_rules(normalised)
        return match if self.reranker is None else self.reranker.decide(self, normalised, match)

    def match_rules(self, normalised: str) -> Match:
        """The rules' decision alone, with referrals and twins applied (bot.faq.referrals)."""
        match = self._decide(normalised)
        if match.outcome != "answer" and match.off_topic is None:  # another office's topic stays declined
            match = self._question_part(normalised, match)
        # an employer's subsidy is no answer to a laborer's "有什么补贴" (bot.faq.askers)
        return askers.settle(self.referrals.settle(match, normalised), normalised)

    def _question_part(self, normalised: str, match: Match) -> Match:
        """A story that ends in a question about something it names: the question part alone (from the last
        clause naming an entry to the end) decides when it answers with one of the story's likeliest entries
        ("…去年腰不行了回来了 在家也没个营生 听说村里有公益岗 俺这情况能不能申请")."""
        part = asides.question_part(normalised, lambda clause: bool(self.names.topics(clause)))
        if part is None:
            return match
        inner = self._decide(part)
        whole = [r for r in self.rank_normalised(normalised) if r.in_scope]
        likeliest = tuple(r.id for r in whole)[:PART_AMONG]
        if inner.outcome != "answer" or inner.entry not in likeliest:
            return match
        # ...but not against another entry the story names by keyword that the whole message ranks about as
        # high ("去县里培训的 来回车费给报不": 培训 is as much the topic as the fare the part names)
        mine = next(r.score for r in whole if r.id == inner.entry)
        named = self.names.topics(normalised) - {inner.entry}
        if any(r.score >= self.thresholds.margin * mine for r in whole if r.id in named):
            return match
        rest = tuple(x for x in likeliest if x != inner.entry)
        return Match("answer", inner.entry, (inner.entry, *rest)[:3], match.score, also=rest[:2])

    def _decide(self, normalised: str) -> Match:
        """The three-way decision on the question's own words."""
        if not normalised.strip():
            return Match("decline", None, (), 0.0)
        exact = self._exact.get(fold(normalised))
        if exact is not None:
            ident, exact_in_scope = exact
            if exact_in_scope:
                return Match("answer", ident, (ident,), 1.0)
            return Match("decline", None, (), 1.0, off_topic=ident)
        ranked = self.rank_normalised(normalised)
        if not ranked:
            return Match("decline", None, (), 0.0)
        best = ranked[0]
        suggestions = tuple(r.id for r in ranked if r.in_scope)[:3]
        t = self.thresholds
        if not best.in_scope:
            named = (
                self.names.asked_about(normalised, ranked)
                or self.names.beside_other_office(normalised, ranked)
                or self.names.covered_over_other_office(normalised, ranked)
            )
            if named is not None:  # "低保户能领交通补贴不": who qualifies for 交通补贴, not a 低保 question
                return Match("answer", named, (named, *(s for s in suggestions if s != named))[:3], best.coverage)
            return Match("decline", None, (), best.coverage, off_topic=best.id)
        # "我是监测户 在外省打工 交通补贴有我的不": 交通补贴 is asked about; "工地上干了一年 工钱结清了 回来过年
        # 交通补贴能给多少": the question at the end names its entry, the story around it another
        asked = self.names.beside_group(normalised, ranked) or self.names.asked_at_end(
            normalised, ranked, self.rank_normalised
        )
        if asked is not None:
            rest = tuple(x for x in suggestions if x != asked)
            return Match("answer", asked, (asked, *rest)[:3], best.coverage, also=rest[:2])
        # "我是监测户 养了二十头牛算不算创业": the group is who asks, the rest what is asked; offer both
        beside = self.names.declared_beside(normalised, ranked)
        if beside is not None:
            rest = tuple(x for x in suggestions if x not in (beside, best.id))
            return Match("suggest", None, (beside, best.id, *rest)[:3], best.coverage)
        clear_lead = len(ranked) == 1 or ranked[1].score < t.margin * best.score
        # a clear lead the message names by its keyword needs less: "说好的交通补贴咋还不给 等了快一年了" (the
        # rest a complaint in words the FAQ does not know); the evidence of a long question counts only
        # for an entry it names or above the coverage that earns choices at all ("女的50岁左右能干的活有没有"
        # shares 能干 with 公益岗, nothing more)
        by_name = clear_lead and self.naming(normalised, NAMING_IDF) == {best.id}
        evident = best.evidence >= t.evidence and (by_name or best.coverage >= t.suggest)
        if clear_lead and (best.coverage >= t.answer or evident):
            return Match("answer", best.id, suggestions, best.coverage)
        # ...and one that asks something of it (a facet cue) even when most of its words are details the FAQ
        # has never seen ("稳岗补贴的钱打到哪张折子上"); a keyword in words that ask nothing is not enough
        asks = best.coverage >= t.suggest or detect(normalised) is not None or asides.asks(normalised)
        if by_name and best.coverage >= NAMED_FLOOR and asks:
            return Match("answer", best.id, suggestions, best.coverage)
        # the tier; but with another office's business close behind, offer choices rather than answer
        second = ranked[1] if len(ranked) > 1 else Ranked("", True, 0.0, 0.0, 0.0)
        if (
            best.coverage >= t.likely
            and second.score < t.tier_margin * best.score
            and (second.in_scope or second.score < t.margin * best.score)
        ):
            return Match("answer", best.id, suggestions, best.coverage, also=suggestions[1:])
        named = self.names.lead(normalised, ranked)
        if named is not None:
            # "娇通补贴申请要带啥材料", "就业服务站电话多少": the close runners-up share the question's side;
            # the message names one of them by its keyword
            return Match(
                "answer",
                named,
                (named, *(x for x in suggestions if x != named))[:3],
                best.coverage,
                also=tuple(x for x in suggestions if x != named)[:2],
            )
        if best.coverage >= t.suggest:
            return Match("suggest", None, suggestions, best.coverage)
        return Match("decline", None, suggestions, best.coverage)
