"""The learned reading of a message's facet, beside the cue rules (bot.faq.facets).

The cue lexicon was written from a few writers' phrasing, and people label the side a question asks
inconsistently, so a linear model trained on every labelled dialogue turn of many writers
(`scripts/train_facets.py`) learns the convention most of them share. It reads the character n-grams and
the words of the message's end and of its last clause, what the cue rules decided, the side asked last and
that side crossed with the cue (`features`, GROUPS); its weights ship as `models/facets.json`
(bot.faq.linear), and the Reader is given the model (bot.faq.conversation.Reader's `facets`).

`choose` decides a reading's facet. The model decides, with the cue the rules found as one of its features;
the rules keep a proxy cue (KEPT), "那X呢" (the side asked last) and talk of the proxy scheme itself.
Measured leave-one-writer-out over 42 writers through the bench's path: the rules alone read 83.9% of the
labelled facets right, the model 89.6% pooled (mean per writer 84.4% and 89.9%; better on 36 writers, worse
on 5; retrained with the follow-up model in place). The shipped model learns from the 78 writers of
bench/writers.py; on four writers then unseen by every model (heldout31-34) the 74 writers' model read 90.6% of the
labelled facets right (90.8% with 66 writers) where the 42 writers' models read 89.3%; on heldout35-37, unseen by
every model, 90.0% with 78 writers (90.2% with 74). Letting the model overrule the kept rules,
the entry asked about, its category, the sides its content has, the outcome, short messages whole and other C
did not pay (`--variants`). Which entry is asked about is never changed here: only the side of it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import cache

from bot.content import FaqEntry
from bot.faq.context import Context
from bot.faq.ellipsis import elided
from bot.faq.facets import FACETS, Facet, detect
from bot.faq.linear import LinearModel, load, present_ngrams

NAME = "facets"
# A cue for someone else applying (代办, 替俺办) names its side outright. Kept, the five unstudied sets read the
# same (1461 of 1679 either way) and the dev set three more right: 代办 asked as "能…不" is no question of who.
# (Measured before `choose` left talk of the proxy scheme itself to the rules, which cost those sets 4.)
KEPT: frozenset[Facet | None] = frozenset({"proxy"})
TAIL = 40  # characters of the message's end the model reads: the question is there, and the cost stays bounded
SHORT = 12  # a message this short is also read whole ("m:")
# the feature groups beyond the n-grams, the cue and the side asked last (see `features`), chosen
# leave-one-writer-out (scripts/train_facets.py --variants); the others named there did not pay
GROUPS: frozenset[str] = frozenset({"lastcue", "words"})


@dataclass(frozen=True, slots=True)
class Asked:
    """What the model reads of a message where the facet is decided."""

    normalised: str
    cue: Facet | None  # the cue the rules find in the message
    asked_last: Facet | None  # the side asked last in the conversation
    ruled: Facet | None  # what the rules decided, in context
    entry: str | None = None  # the entry the reading answers, else the conversation's topic
    category: str | None = None  # that entry's category
    sides: frozenset[str] = frozenset()  # the facets that entry's content has text for
    outcome: str = "answer"  # the reading's outcome (answer, suggest, decline)
    elided: bool = False  # "那X呢": no cue, the side asked last stands
    proxy_talk: bool = False  # the proxy scheme itself is the topic or the answer
    words: tuple[str, ...] = ()  # the words (jieba) of the message's end, where the "words" group is read


def asked(
    normalised: str,
    ruled: Facet | None,
    context: Context,
    proxy_talk: bool,
    entry: FaqEntry | None = None,
    outcome: str = "answer",
    cut: Callable[[str], list[str]] | None = None,
) -> Asked:
    """What the model reads of a message the rules read as `ruled` in `context`, about `entry`; `cut` gives
    the words of a text (read where GROUPS has "words")."""
    cue = detect(normalised, proxy_talk=proxy_talk)
    words = tuple(cut(normalised.strip()[-TAIL:])) if cut is not None and "words" in GROUPS else ()
    return Asked(
        normalised,
        cue,
        context.facet,
        ruled,
        entry.id if entry else None,
        entry.category if entry else None,
        frozenset(entry.facets) if entry else frozenset(),
        outcome,
        cue is None and context.facet is not None and elided(normalised) is not None,
        proxy_talk,
        words,
    )


def features(ask: Asked, groups: Collection[str] = GROUPS) -> dict[str, float]:
    """The model's features: n-grams of the message's end ("c:") and of its last clause ("l:", its edges
    marked), the cue rules' facet and the side asked last; and the `groups` named: "entry" (the entry asked
    about, and crossed with the cue), "category" (likewise its category), "sides" (the facets its content
    has), "outcome", "whole" (a short message whole), "words" (`ask.words`), "ruled" (what the rules
    decided in context, and crossed with the cue), "lastcue" (the side asked last crossed with the cue)."""
    text = ask.normalised.strip()[-TAIL:]
    clauses = text.split()
    last = clauses[-1] if clauses else ""
    found = present_ngrams(text)
    found.update(present_ngrams(f"^{last}$", prefix="l:"))
    cue = ask.cue or "none"
    found[f"cue:{cue}"] = 1.0
    found[f"last:{ask.asked_last or 'none'}"] = 1.0
    if "entry" in groups:
        found[f"e:{ask.entry}"] = found[f"e:{ask.entry}|{cue}"] = 1.0
    if "category" in groups:
        found[f"k:{ask.category}"] = found[f"k:{ask.category}|{cue}"] = 1.0
    if "sides" in groups:
        found.update(dict.fromkeys((f"has:{s}" for s in ask.sides), 1.0))
        found[f"cuehas:{ask.cue in ask.sides}"] = 1.0
    if "outcome" in groups:
        found[f"o:{ask.outcome}"] = 1.0
    if "whole" in groups and len(ask.normalised.strip()) <= SHORT:
        found[f"m:{ask.normalised.strip()}"] = 1.0
    if "words" in groups:
        found.update(dict.fromkeys((f"w:{w}" for w in ask.words if w.strip()), 1.0))
    if "ruled" in groups:
        found[f"r:{ask.ruled or 'none'}"] = found[f"r:{ask.ruled or 'none'}|{cue}"] = 1.0
    if "lastcue" in groups:
        found[f"lc:{ask.asked_last or 'none'}|{cue}"] = 1.0
    return found


def choose(model: LinearModel, ask: Asked, groups: Collection[str] = GROUPS) -> Facet | None:
    """The facet of a message: the model's, which weighs the cue the rules found; but the rules' own reading
    (`ask.ruled`) for a cue in KEPT, for "那X呢" (the side asked last) and for talk of the proxy scheme itself
    (there "我哥能替我办不" asks who may act, which the model cannot tell from a proxy question about a subsidy)."""
    if ask.cue in KEPT or ask.elided or ask.proxy_talk:
        return ask.ruled
    return predicted(model, ask, groups)


def predicted(model: LinearModel, ask: Asked, groups: Collection[str] = GROUPS) -> Facet | None:
    """The model's likeliest facet for `ask`, read with the feature `groups`."""
    scores = model.scores(features(ask, groups))  # the likeliest class has the highest score: no softmax needed
    best = max(scores, key=scores.__getitem__)
    return next((f for f in FACETS if f == best), ask.ruled)


@cache
def shipped() -> LinearModel:
    """The shipped model (`models/facets.json`), read once; a malformed file raises ValueError."""
    return load(NAME)
