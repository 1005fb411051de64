"""The learned reading of a message's facet, beside the cue rules (bot.faq.facets).

The cue lexicon was written from a few writers' phrasing, and people label the side a question asks
inconsistently, so a linear model trained on every labelled dialogue turn of many writers
(`scripts/train_facets.py`) learns the convention most of them share. It reads the character n-grams of
the message's end and of its last clause, what the cue rules decided and the side asked last; its weights
ship as `models/facets.json` (bot.faq.linear).

`revised` decides a reading's facet. The model decides, with the cue the rules found as one of its features
(a proxy cue stands, see KEPT):
measured leave-one-writer-out on the five sets no one studied while writing the cues (heldout5, heldout7,
train10–12), letting the model overrule a cue read 86.8% of their facets right, keeping every cue 83.6%, the
cues alone 81.7%; it reads worse only on the sets the cues were fitted to. What the rules read from the
conversation stays theirs ("那X呢" asks the side asked last), and which entry is asked about is never changed
here: only the side of it.
"""

from __future__ import annotations

from functools import cache

from bot.faq.context import Context
from bot.faq.ellipsis import elided
from bot.faq.facets import FACETS, Facet, detect
from bot.faq.linear import MODELS, LinearModel, char_ngrams, load

__all__ = ["MODELS", "NAME", "choose", "features", "load", "revised", "shipped"]

NAME = "facets"
# A cue for someone else applying (代办, 替俺办) names its side outright. Kept, the five unstudied sets read the
# same (1461 of 1679 either way) and the dev set three more right: 代办 asked as "能…不" is no question of who.
# (Measured before `revised` left talk of the proxy scheme itself to the rules, which cost those sets 4.)
KEPT: frozenset[Facet | None] = frozenset({"proxy"})
TAIL = 40  # characters of the message's end the model reads: the question is there, and the cost stays bounded


def features(normalised: str, cue: Facet | None, asked_last: Facet | None) -> dict[str, float]:
    """The model's features: n-grams of the message's end ("c:") and of its last clause ("l:", its edges
    marked), the cue rules' facet and the side asked last."""
    text = normalised.strip()[-TAIL:]
    clauses = text.split()
    last = clauses[-1] if clauses else ""
    found: dict[str, float] = dict.fromkeys(char_ngrams(text), 1.0)
    found.update(dict.fromkeys(char_ngrams(f"^{last}$", prefix="l:"), 1.0))
    found[f"cue:{cue or 'none'}"] = 1.0
    found[f"last:{asked_last or 'none'}"] = 1.0
    return found


def choose(
    model: LinearModel, normalised: str, cue: Facet | None, asked_last: Facet | None, ruled: Facet | None
) -> Facet | None:
    """The facet of a message: the model's, which weighs the cue the rules found, except a cue in KEPT: then
    the rules' own reading (`ruled`; also what the training script's baseline keeps)."""
    if cue in KEPT:
        return ruled
    probabilities = model.probabilities(features(normalised, cue, asked_last))
    best = max(probabilities, key=probabilities.__getitem__)
    return next((f for f in FACETS if f == best), ruled)


def revised(
    model: LinearModel, normalised: str, facet: Facet | None, context: Context, proxy_talk: bool
) -> Facet | None:
    """The facet of a message the rules read as `facet` in `context`, by `model`: the side asked last stays
    for "那X呢" (no cue of its own), and the rules keep talk of the proxy scheme itself (`proxy_talk`: 委托代办 is the
    topic or the answer; there "我哥能替我办不" asks who may act, which the model cannot tell from a proxy
    question about a subsidy); otherwise `choose`, with the cue the rules find in the message."""
    cue = detect(normalised, proxy_talk=proxy_talk)
    if proxy_talk or (cue is None and context.facet is not None and elided(normalised) is not None):
        return facet
    return choose(model, normalised, cue, context.facet, facet)


@cache
def shipped() -> LinearModel:
    """The shipped model (`models/facets.json`), read once; a malformed file raises ValueError."""
    return load(NAME)
