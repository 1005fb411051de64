"""The FAQ matcher's decision and its inputs: the thresholds it is made with, each document ranked for a
question, and the match (answer, suggest or decline) it comes to. See bot.faq.matcher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

Outcome = Literal["answer", "suggest", "decline"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    # Chosen on bench/data/faq-holdout.tsv and heldout-questions.tsv (never on the dev set; tier_margin
    # re-chosen on both after the facet-cue and named-lead changes): the most right answers with the fewest
    # wrong ones and ≥ 95% of out-of-scope questions declined.
    answer: float = 0.4  # coverage needed to answer outright
    suggest: float = 0.3  # coverage needed to offer choices
    margin: float = 0.8  # answer only if the runner-up scores below this share of the best
    # between answer and suggest: answer the best and offer the runners-up ("您是不是还想问…") when the
    # runner-up scores below this share of the best and the best covers at least `likely` of the question.
    # Re-chosen on all tuning sets together (dev, bench/data, heldout2): on unseen questions a runner-up
    # within 80-90% of the best was the right entry about as often as the best, so 0.9 answered wrong
    # nearly as often as right there; 0.8 (= margin) keeps the tier only for a lead the margin trusts.
    tier_margin: float = 0.8
    likely: float = 0.4
    # ...or, for long questions full of personal context, when the words it shares with the best entry
    # are distinctive enough on their own (sum of their IDF: about two of the FAQ's specific terms), and
    # the best covers at least `suggest` of the question or the message names it by keyword.
    evidence: float = 4.0


class Ranked(NamedTuple):  # a tuple: every question builds one per document it shares a feature with
    id: str
    in_scope: bool
    score: float  # BM25, for ranking
    coverage: float  # share of the question's IDF weight this document matches, in [0, 1]
    evidence: float  # sum of the IDF of the question's words this document contains


@dataclass(frozen=True, slots=True)
class Match:
    outcome: Outcome
    entry: str | None  # answered entry id
    suggestions: tuple[str, ...]  # best in-scope entry ids, best first
    score: float  # coverage of the best document
    off_topic: str | None = None  # out-of-scope topic id when that is what the question is about
    also: tuple[str, ...] = ()  # runners-up offered beside an answer that had no clear lead
