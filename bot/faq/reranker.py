"""A learned second look at the matcher's decision: which of the likeliest entries a message asks about, and
whether that is sure enough to answer, to offer as a choice, or neither.

The rules in bot.faq.matcher decide first; this module then scores each candidate (the rules' answer and
choices and the ranking's likeliest in-scope entries) with a small logistic model (bot/faq/models/ranker.json)
over features of the message and the candidate: how the ranking placed it (BM25 share of the best, coverage,
evidence, rank), what the rules made of it (answered, offered, declined, another office's topic), whether the
message names it by keyword, and the probability an entry classifier over the message's character n-grams
(bot/faq/models/entries.json) gives it. Both are trained offline on the writers' question sets by
scripts/train_ranker.py, which chooses the cutoffs below leave-one-writer-out; inference is bot.faq.linear's.

The likeliest candidate is answered when its probability reaches `answer` and leads the runner-up by `lead`,
or reaches `confirm` and is the entry the rules answered; the three likeliest are offered when their
probabilities add up to `suggest`, or when the rules offered choices (a vague "补贴" asks which) and they add
up to `keep` or the message is a bare question ("补多少": which one?), since choices the model finds this
unlikely for a message with words of its own are another office's business ("营业执照咋办"); otherwise the
message is declined. A decline the rules made for another office's topic stands unless the best reaches
`override`; the content's own question word for word stands, and the rules decide alone when a candidate is an
entry newer than the models. bot.faq.askers has the last word, as it has on the rules' decision.

Leave-one-writer-out over the 37 writers' question sets (scripts/train_ranker.py): rules alone right 90.4%,
wrong 2.1%, out-of-scope declined 93.4%, right entry among the suggestions 98.6%; with this model right 96.7%,
wrong 0.6% (93 questions), declined 98.4%, among 99.5%. The shipped model is trained on the 78 writers of
bench/writers.py (the table not re-run since 37); the cutoffs are chosen by that script (answer 0.9, override 0.8).
On the questions of heldout31-34, before any model learnt from them, the 74 writers' model answered 96.4% right
(96.2% with 66 writers, 96.7% with 42), with 7 wrong answers (10 with 42), declined 98.5% out of scope and offered
the right entry for 99.4%. On heldout35-37, unseen by every model, the 78 writers' model answers 97.4% right
(97.7% with 74), with 7 wrong answers of 1,275 (7), declines 99.0% (98.7%) and offers the right entry for 99.7%.
A question naming nothing specific keeps the rules' choices, however unlikely the model finds each
("俺想问问补贴的事" asks which subsidy; declining it would queue it for staff).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.faq import askers
from bot.faq.decision import Match, Ranked
from bot.faq.facets import detect, residue
from bot.faq.linear import MODELS, LinearModel, load, present_ngrams
from bot.faq.naming import NAMING_IDF
from bot.faq.signals import VAGUE, content_words

if TYPE_CHECKING:
    from bot.faq.matcher import FaqMatcher

NAME = "ranker"
TEXT = "entries"  # the entry classifier over character n-grams (classes: entry ids and OUT)
OUT = "-"  # the entry classifier's class for another office's business
GAP = 10.0  # the entry classifier's log-odds are clipped to this
CANDIDATES = 5  # the likeliest in-scope entries of the ranking, beside those the rules answered or offered
YES = "yes"
OFFERED = 3  # entries offered as choices
RANKS = 5
KEEP_OFFER = frozenset({"suggest"})  # the rules' outcomes never declined (only reordered or answered)
RECENT = 8  # texts whose probabilities are kept
ALSO = 0.3  # a runner-up this likely is offered beside the answer ("您是不是还想问…")


@dataclass(frozen=True, slots=True)
class Cutoffs:
    answer: float  # the best candidate's probability needed to answer
    lead: float  # ...and by how much it must lead the runner-up's
    suggest: float  # the offered candidates' probabilities together needed to offer them as choices
    override: float  # ...to answer over the rules' decline for another office's topic (above 1: never)
    confirm: float  # ...to answer the entry the rules answered when the model ranks it first too
    keep: float = 0.0  # ...to keep offering the choices the rules offered (0: always kept)


def candidates(ranked: Iterable[Ranked], rules: Match) -> list[str]:
    """The entries the model scores: the rules' answer and choices, then the ranking's likeliest in scope."""
    chosen: list[str] = []
    for ident in (rules.entry, *rules.suggestions, *(r.id for r in ranked if r.in_scope)):
        if ident is not None and ident not in chosen:
            chosen.append(ident)
    return chosen[: max(CANDIDATES, len({rules.entry, *rules.suggestions} - {None}))]


def text_features(text: str) -> dict[str, float]:
    """The features the entry classifier reads: the character n-grams of the text, present or not."""
    return present_ngrams(text.replace(" ", "_"))


def features(
    matcher: FaqMatcher, normalised: str, rules: Match, text: LinearModel | None = None
) -> dict[str, dict[str, float]]:
    """Each candidate's features for the model, from the ranking, the rules' match and the names, and with
    `text` (the entry classifier over character n-grams) the probability it gives the candidate. Empty (the
    rules decide) when a candidate is an entry the classifier does not know."""
    rows = ranking_features(matcher, normalised, rules)
    if text is None or not rows:
        return rows
    if any(c not in text.index for c in rows):
        return {}  # an entry newer than the model: the rules decide
    return with_text(rows, text.probabilities(text_features(normalised)))


def ranking_features(matcher: FaqMatcher, normalised: str, rules: Match) -> dict[str, dict[str, float]]:
    """Each candidate's features without the entry classifier's (empty when nothing ranks)."""
    ranked = matcher.rank_normalised(normalised)
    if not ranked:
        return {}
    chosen = candidates(ranked, rules)
    top = ranked[0].score or 1.0
    inside = [r for r in ranked if r.in_scope]
    outside = [r for r in ranked if not r.in_scope]
    best_in = inside[0].score if inside else 0.0
    best_out = outside[0].score if outside else 0.0
    named = matcher.naming(normalised, NAMING_IDF)
    topics = matcher.names.topics(normalised)
    facet = detect(normalised)
    length = len(normalised.replace(" ", ""))
    common: dict[str, float] = {
        "out_top": float(not ranked[0].in_scope),
        "out_share": min(best_out / (best_in or 1.0), 3.0),
        "out_coverage": outside[0].coverage if outside else 0.0,
        "rules_decline": float(rules.outcome == "decline"),
        "rules_suggest": float(rules.outcome == "suggest"),
        "rules_off_topic": float(rules.off_topic is not None),
        "rules_also": float(bool(rules.also)),
        "named_count": min(len(named), 3) / 3,
        "length": math.log1p(length) / 5,
        "facet": float(facet is not None),
        "found": min(len(inside), CANDIDATES) / CANDIDATES,
    }
    position = {r.id: i for i, r in enumerate(inside)}
    second = inside[1].score if len(inside) > 1 else 0.0
    result: dict[str, dict[str, float]] = {}
    for ident in chosen:
        mine = next((r for r in inside if r.id == ident), None)
        score = mine.score if mine else 0.0
        rank = position.get(ident, RANKS)
        row = dict(common)
        row.update(
            {
                f"rank:{min(rank, RANKS)}": 1.0,
                "share": score / (best_in or 1.0),
                "share_top": score / top,
                "lead": (score - second) / (best_in or 1.0) if rank == 0 else (score - best_in) / (best_in or 1.0),
                "coverage": mine.coverage if mine else 0.0,
                "evidence": min(mine.evidence if mine else 0.0, 12.0) / 6,
                "answered": float(rules.outcome == "answer" and rules.entry == ident),
                "answered_other": float(rules.outcome == "answer" and rules.entry != ident),
                "offered": float(ident in rules.suggestions[:OFFERED]),
                "offered_first": float(rules.suggestions[:1] == (ident,)),
                "also": float(ident in rules.also),
                "named": float(ident in named),
                "named_alone": float(named == {ident}),
                "topic": float(ident in topics),
                "asker": float(askers.shows_asker(ident, normalised)),
                f"entry:{ident}": 1.0,
            }
        )
        result[ident] = row
    return result


def with_text(rows: dict[str, dict[str, float]], classes: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """The candidates' rows with the entry classifier's features, from its class probabilities (`classes`
    holds at least every candidate's, OUT's and the best entry's)."""
    top_text = max((p for c, p in classes.items() if c != OUT), default=0.0)
    result: dict[str, dict[str, float]] = {}
    for ident, base in rows.items():
        p = classes[ident]
        row = dict(base)
        row["text_out"] = classes.get(OUT, 0.0)
        row["text_p"] = p
        row["text_odds"] = max(-GAP, min(GAP, math.log(p / (1.0 - p)))) / GAP if 0.0 < p < 1.0 else 0.0
        row["text_top"] = float(p >= top_text)
        result[ident] = row
    return result


class Reranker:
    def __init__(self, model: LinearModel, cutoffs: Cutoffs, text: LinearModel | None = None) -> None:
        if model.classes != ("no", YES):
            raise ValueError(f"a re-ranker scores no and {YES}, not {model.classes}")
        self.model = model
        self.cutoffs = cutoffs
        self.text = text
        # the last few texts' (the conversation reader asks again about a message after matching parts of it);
        # emptied when full: a plain dict stays consistent if a worker thread reads beside the event loop
        self._recent: dict[tuple[int, str], dict[str, float]] = {}

    def probabilities(self, matcher: FaqMatcher, normalised: str, rules: Match | None = None) -> dict[str, float]:
        """Each candidate's probability of being what the message asks about (`rules`: the rules' match of it,
        by default `matcher.match_rules`). The last few texts' are kept: the conversation reader asks again."""
        key = (id(matcher), normalised)
        known = self._recent.get(key)
        if known is not None:
            return known
        found = features(matcher, normalised, rules or matcher.match_rules(normalised), self.text)
        result = {ident: self.model.probability(row) for ident, row in found.items()}
        if len(self._recent) >= RECENT:
            self._recent.clear()
        self._recent[key] = result
        return result

    def forget(self) -> None:
        self._recent.clear()

    def decide(self, matcher: FaqMatcher, normalised: str, rules: Match) -> Match:
        """The rules' match re-decided by the model (see the module's docstring)."""
        if rules.score >= 1.0 and rules.outcome != "suggest":
            return rules  # the content's own question, word for word (or its out-of-scope topic's)
        # an employer's subsidy is still no answer, nor first choice, for a laborer's "有什么补贴" (bot.faq.askers)
        probability = self.probabilities(matcher, normalised, rules)
        # a question naming nothing, or nothing specific ("俺想问问补贴的事"): the rules' choices ask which
        unspecific = bare(matcher, normalised) or matcher.specificity(residue(normalised)) < VAGUE
        vague = rules.outcome in KEEP_OFFER and unspecific
        # the content's referrals by words stand ("…公益岗…交通补贴": the 公岗 entry's rule); by side the model
        # learnt better ("需要本人去吗" asks the subsidy, not 委托代办)
        decided = matcher.referrals.answering(choose(probability, rules, self.cutoffs, vague), normalised, False)
        return askers.settle(decided, normalised)


def bare(matcher: FaqMatcher, normalised: str) -> bool:
    """Whether the message is a question and nothing else ("补多少", "在哪办"): no content word beside its
    facet cues. The rules' choices for it ask which topic it means, however unlikely the model finds each."""
    return content_words(matcher.analyzer, residue(normalised)) == 0


def choose(probability: dict[str, float], rules: Match, cutoffs: Cutoffs, bare: bool = False) -> Match:
    """The decision from the candidates' probabilities (the training script tunes the cutoffs with it);
    `bare`: the message is a question naming nothing (the rules' choices for it are kept)."""
    if not probability:
        return rules
    order = sorted(probability, key=lambda i: probability[i], reverse=True)
    best = probability[order[0]]
    runner = probability[order[1]] if len(order) > 1 else 0.0
    offered = tuple(order[:OFFERED])
    if rules.off_topic is not None and rules.outcome == "decline" and best < cutoffs.override:
        return rules
    confirmed = rules.outcome == "answer" and rules.entry == order[0] and best >= cutoffs.confirm
    if (best >= cutoffs.answer and best - runner >= cutoffs.lead) or confirmed:
        also = tuple(i for i in offered[1:] if probability[i] >= ALSO)
        return Match("answer", order[0], offered, rules.score, also=also)
    # the right entry likely among them, or what the rules offered (a vague "补贴" asks which) unless the model
    # finds none of it likely ("营业执照咋办" is another office's business, whatever the rules offered)
    likely = sum(probability[i] for i in offered)
    if likely >= cutoffs.suggest or (rules.outcome in KEEP_OFFER and (bare or likely >= cutoffs.keep)):
        return Match("suggest", None, offered, rules.score)
    return Match("decline", None, offered, rules.score)


def load_reranker(name: str = NAME, directory: Path = MODELS) -> Reranker | None:
    """The shipped re-ranker, or None when its model file is absent."""
    path = directory / f"{name}.json"
    if not path.exists():
        return None
    cutoffs = json.loads(path.read_text(encoding="utf-8")).get("cutoffs", {})
    text = load(TEXT, directory) if (directory / f"{TEXT}.json").exists() else None
    try:
        return Reranker(load(name, directory), Cutoffs(**{k: float(v) for k, v in cutoffs.items()}), text)
    except TypeError as error:
        raise ValueError(f"{name}.json has no valid cutoffs: {error}") from error
