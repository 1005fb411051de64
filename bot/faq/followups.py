"""A learned second look at the topic of a message read in context: keep the current topic, or switch.

The conversation reader's rules (bot.faq.conversation) read a message against the chat's current topic and
decide whether it follows the topic up, asks another entry, or another office's business. Rules fitted to a
few writers' phrasing carry over badly to new writers, so where there is a context this module builds a few
candidate readings — the rules' own, a follow-up of the current topic ("keep"), the message read alone (the
re-ranked match) and, where that would offer choices, the likeliest of them answered ("first"), going back to
the topic held before the current one ("back"), and staying with the out-of-scope topic asked last ("off") — and
scores each with a small logistic model (bot/faq/models/followups.json, bot.faq.linear) over features of the
candidate and the message: which candidates the rules' reading coincides with, the re-ranker's probabilities for
the message's own likeliest entries, whether the message names the candidate by keyword, whether the candidate's
content has the side asked (and which entry and side that is), its content words, the facet cue and the
character n-grams of the message's end crossed with the candidate's role (那/呢/还 and short messages say
"follow-up"). A third of the follow-ups the model read wrong had the labelled topic among no candidate; half of
those were the topic before or the likeliest choice, hence "back" and "first". Trained leave-one-writer-out by
scripts/train_followups.py on the writers' dialogues.

The likeliest candidate replaces the rules' reading only when its probability leads the rules' by `margin`
(0.3: see scripts/train_followups.py for how it was chosen); the rules decide alone when a
candidate is an entry newer than the model, for a question about the topic's effect on another entry
("会影响补贴不") and for what someone else asked the person ("他还问我稳岗补贴领了没有" after a callback): every
writer labels both the topic, too few to learn. Leave one writer out, through the real dispatcher, follow-up
topic right rose from 90.7% to 93.9% pooled over 37 writers (93.4% at margin 0.5), and from 90.6% to 94.1% over
42 writers (90.9% to 94.3% once the re-ranker learnt from the same 42). The shipped model learns from the 78
writers of bench/writers.py, as the re-ranker does; on four writers then unseen by every model (heldout31-34) the
74 writers' model read 94.5% of follow-ups right where the 66 writers' models read 94.3% and the 42 writers'
93.6%; on heldout35-37, unseen by every model, the 78 writers' models and session 20's rules read 96.1% (96.0% with
the 74 writers' and the rules before). A message that names another office's topic by a word only it uses
(`off_named`) weighs that topic's reading apart from one the characters alone suggest; another office's question
word for word keeps the rules' decline. A
message of facet cues alone right after another office's question stays with it, as the content declares
(`bare_off`). Pure and bounded: a few dictionary look-ups per
candidate; the re-ranker's probabilities of the message are those its decision computed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.faq.context import Context
from bot.faq.decision import Match
from bot.faq.facets import Facet, residue
from bot.faq.linear import MODELS, LinearModel, char_ngrams, dot, load, logistic
from bot.faq.reranker import bare
from bot.faq.signals import EFFECT, REPORTED, VAGUE, content_words

if TYPE_CHECKING:
    from bot.faq.conversation import Reader, Reading

NAME = "followups"
YES = "yes"
ROLES = ("rules", "keep", "topic", "alone", "first", "back", "off")
RANKS = 5  # the places of the message's own ranking a candidate's document is told apart in
TAIL = 12  # characters of the message's end whose n-grams the model reads
NONE = "?"  # the topic of a reading that offers choices: no topic (never a labelled one)


def topic(reading: Reading) -> str:
    """What the reading is about as the dialogue sets label it: an entry, "-" (declined) or none."""
    if reading.outcome == "answer" and reading.entry is not None:
        return reading.entry
    return "-" if reading.outcome == "decline" else NONE


Candidates = dict[str, "tuple[Reading, tuple[str, ...]]"]  # topic -> its reading and the roles that lead to it


def candidates(
    reader: Reader, normalised: str, facet: Facet | None, full: Match, context: Context, rules: Reading
) -> Candidates:
    """The candidate readings by topic, each with the roles (ROLES) that lead to it; the rules' first."""
    found: Candidates = {}

    def add(role: str, reading: Reading) -> None:
        key = topic(reading)
        first, roles = found.get(key, (reading, ()))
        found[key] = (first, (*roles, role))

    add("rules", rules)
    if context.entry is not None:
        add("keep", reader.follow_up(context.entry, normalised, facet, full, context))
        # the topic itself, where the rules' follow-up moved to an entry beside it (a sibling, a referral)
        add("topic", reader.answer(context.entry, facet or "what", full.score, context, followup=True))
    add("alone", reader.plain(full, facet, context))
    if full.outcome != "answer" and full.off_topic is None and full.suggestions:
        # the likeliest of the entries the message alone would be offered ("打工补贴都有啥")
        add("first", reader.answer(full.suggestions[0], facet, full.score, context))
    if context.prior is not None and context.prior != context.entry:
        # back to the topic held before ("多久到账" after a detour to 委托代办)
        add("back", reader.answer(context.prior, facet or "what", full.score, context, followup=True))
    if context.off_topic is not None:
        again = Match("decline", None, (), full.score, off_topic=context.off_topic)
        add("off", reader.decline(again, facet, context))
    return found


def message_features(
    reader: Reader, normalised: str, facet: Facet | None, full: Match, context: Context, probability: dict[str, float]
) -> dict[str, float]:
    """What the message and its context say, whatever the candidate: crossed with each candidate's roles."""
    matcher = reader.matcher
    rest = residue(normalised)
    words = content_words(matcher.analyzer, rest)
    specific = matcher.specificity(rest)
    text = normalised.replace(" ", "_")[-TAIL:]
    current = context.entry or ""
    found = dict.fromkeys(
        (
            f"facet:{facet or 'none'}",
            f"words:{min(words, 4)}",
            f"len:{min(len(normalised) // 4, 6)}",
            f"full:{full.outcome}",
            f"ctx_facet:{context.facet or 'none'}",
            *char_ngrams(f"^{text}$", sizes=(1, 2)),
        ),
        1.0,
    )
    found.update(
        {
            "off_full": float(full.off_topic is not None),
            # another office's topic named by a word only it uses ("律师"), not just read from shared characters
            # ("五寨能管太原的不" reads like a bus timetable)
            "off_named": float(bool(reader.detours.off_words.named(rest))),
            "effect": float(EFFECT.search(normalised) is not None),  # "会影响补贴不": the topic's effect on it
            "ctx_entry": float(context.entry is not None),
            "ctx_off": float(context.off_topic is not None),
            "in_sugg": float(current in full.suggestions[:3]),
            "vague": float(specific < VAGUE),
            "specific": min(specific, 12.0) / 12,
            "unseen": float(specific > matcher.specificity(rest, unseen=False)),
            "coverage": full.score,
            "p_best": max(probability.values(), default=0.0),
            "p_current": probability.get(current, 0.0),
            "ev_current": min(matcher.evidence(current, rest), 12.0) / 6 if current else 0.0,
            "ev_off": min(matcher.evidence(context.off_topic, rest), 12.0) / 6 if context.off_topic else 0.0,
        }
    )
    return found


def rows(
    found: Mapping[str, tuple[Reading, tuple[str, ...]]], own: dict[str, dict[str, float]], shared: Mapping[str, float]
) -> dict[str, dict[str, float]]:
    """Each candidate topic's features for the model (what the training script fits): its own (`parts`), and the
    message's crossed with each of its roles."""
    for key, row in own.items():
        for role in found[key][1]:
            row.update({f"{role}|{f}": v for f, v in shared.items() if v})
    return own


def parts(
    reader: Reader,
    normalised: str,
    facet: Facet | None,
    full: Match,
    context: Context,
    found: Mapping[str, tuple[Reading, tuple[str, ...]]],
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Each candidate topic's own features, and the message's (`message_features`), which its row holds crossed
    with each of its roles ("keep|c:呢")."""
    matcher = reader.matcher
    probability = matcher.reranker.probabilities(matcher, normalised) if matcher.reranker is not None else {}
    best = max(probability.values(), default=0.0)
    named = matcher.naming(normalised, VAGUE)
    rest = residue(normalised)
    shared = message_features(reader, normalised, facet, full, context, probability)
    ranked = matcher.rank_normalised(normalised)
    top = ranked[0].score if ranked else 1.0
    place = {r.id: (i, r) for i, r in enumerate(ranked[:RANKS])}
    result: dict[str, dict[str, float]] = {}
    for key, (reading, roles) in found.items():
        p = probability.get(key, 0.0)
        rank, mine = place.get(reading.entry or reading.off_topic or "", (RANKS, None))
        row: dict[str, float] = {
            f"rank:{rank}": 1.0,
            "share": mine.score / top if mine else 0.0,
            "doc_coverage": mine.coverage if mine else 0.0,
            "roles:" + "+".join(roles): 1.0,
            f"outcome:{reading.outcome}": 1.0,
            "p": p,
            "p_best": best,
            "p_top": float(p >= best > 0.0),
            "named": float(key in named),
            "named_other": float(bool(named - {key})),
            "current": float(key == context.entry),
            "effect_current": shared["effect"] * (key == context.entry),
            "evidence": min(matcher.evidence(reading.entry or reading.off_topic or "", rest), 12.0) / 6,
            "followup": float(reading.followup),
        }
        asked = reader.content.entries.get(reading.entry or "")
        if asked is not None:
            # the side asked, of this entry: its content has text for it, and how often writers ask it of it
            row["has_facet"] = float(facet is not None and facet in asked.facets)
            row[f"ef:{asked.id}|{facet or 'none'}"] = 1.0
        row.update(dict.fromkeys(roles, 1.0))
        result[key] = row
    return result, shared


@dataclass(frozen=True, slots=True)
class Followups:
    model: LinearModel
    entries: frozenset[str]  # the entries the model was trained with
    margin: float  # how far the best candidate's probability must lead the rules' reading's
    # role -> the weight of each message feature crossed with it ("keep|c:呢" under "keep", "c:呢"): a message's
    # features are weighed once per role, not written out and weighed once per candidate holding the role
    crossed: Mapping[str, Mapping[str, float]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.model.classes != ("no", YES):
            raise ValueError(f"a follow-up model scores no and {YES}, not {self.model.classes}")
        crossed: dict[str, dict[str, float]] = {role: {} for role in ROLES}
        for feature, weight in self.model.delta.items():
            role, _, shared = feature.partition("|")
            if role in crossed and shared:
                crossed[role][shared] = weight
        object.__setattr__(self, "crossed", crossed)

    def choose(self, found: Mapping[str, dict[str, float]], rules: str) -> str:
        """The candidate topic to read the message as (`rules`: the rules' own), from each one's whole row."""
        return self._pick({k: self.model.probability(row) for k, row in found.items()}, rules)

    def _chosen(
        self, own: Mapping[str, dict[str, float]], shared: Mapping[str, float], found: Candidates, rules: str
    ) -> str:
        """`choose` from each candidate's own features and the message's (`parts`): the same probabilities."""
        by_role = {r: dot(self.crossed[r], shared) for r in {r for _, held in found.values() for r in held}}
        logits = {k: self.model.logit(row) + sum(by_role[r] for r in found[k][1]) for k, row in own.items()}
        return self._pick({k: logistic(x) for k, x in logits.items()}, rules)

    def _pick(self, probability: Mapping[str, float], rules: str) -> str:
        best = max(probability, key=lambda k: (probability[k], k == rules))
        return best if probability[best] - probability[rules] >= self.margin else rules

    def known(self, found: Mapping[str, object]) -> bool:
        return all(k in self.entries or k in ("-", NONE) for k in found)

    @staticmethod
    def bare_off(reader: Reader, normalised: str, context: Context, rules: Reading) -> bool:
        """A message of facet cues alone right after another office's question that takes follow-ups ("要带啥"
        after 高龄补贴在哪领), which the rules read as that question's: it is, as the content declares
        (out_of_scope.toml `followups`). The writers who label it agree; the model, trained mostly on follow-ups
        of FAQ topics, would take it back to the topic held before."""
        stays = rules.outcome == "decline" and rules.off_topic is not None and rules.off_topic == context.off_topic
        return stays and bare(reader.matcher, normalised)

    def looked(
        self, reader: Reader, normalised: str, facet: Facet | None, full: Match, context: Context, rules: Reading
    ) -> tuple[Candidates, dict[str, dict[str, float]]] | None:
        """The candidate readings of a message in `context` and each one's features, or None where the rules
        decide alone (the training script records what this returns)."""
        found = self._candidates(reader, normalised, facet, full, context, rules)
        return None if found is None else (found, rows(found, *parts(reader, normalised, facet, full, context, found)))

    def _candidates(
        self, reader: Reader, normalised: str, facet: Facet | None, full: Match, context: Context, rules: Reading
    ) -> Candidates | None:
        if context.entry is None and context.off_topic is None:
            return None
        told = EFFECT.search(normalised) or REPORTED.search(normalised)
        if context.entry is not None and topic(rules) == context.entry and told:
            # "会影响补贴不": the topic's effect on another entry; "他还问我稳岗补贴领了没有" after a callback: what
            # the caller asked. The writers label both the topic; too few to learn, and the model took the entry
            return None
        benefits = reader.matcher.benefits
        if context.entry is not None and facet == "proxy" and benefits.another(context.entry, normalised):
            # "补贴能找人代办不" after 欠薪: someone applying for a benefit the topic does not give. Writers label a
            # short proxy question the topic's, and the model keeps it there; this one is not about the topic
            return None
        if self.bare_off(reader, normalised, context, rules):
            return None
        if rules.off_topic is not None and reader.matcher.verbatim(normalised) == rules.off_topic:
            # another office's question word for word ("存折丢了咋办" after 稳岗补贴): the rules' decline stands (not
            # an entry's: writers ask "找活" after 易地搬迁 of the topic, though it is 招聘信息's question)
            return None
        found = candidates(reader, normalised, facet, full, context, rules)
        if len(found) < 2 or not self.known(found):
            return None  # one reading, or an entry newer than the model
        return found

    def revised(
        self, reader: Reader, normalised: str, facet: Facet | None, full: Match, context: Context, rules: Reading
    ) -> Reading:
        """The reading of a message in `context` the rules read as `rules`: the candidate the model prefers."""
        found = self._candidates(reader, normalised, facet, full, context, rules)
        if found is None:
            return rules
        own, shared = parts(reader, normalised, facet, full, context, found)
        return self._under_topic(reader, found[self._chosen(own, shared, found, topic(rules))][0], context)

    @staticmethod
    def _under_topic(reader: Reader, reading: Reading, context: Context) -> Reading:
        """The proxy scheme chosen right after a topic whose proxy side it is ("俺替他办行不" after 交通补贴) keeps
        that topic as its parent, as when the rules name it: "多久到账" next is the subsidy's money again."""
        topic_entry = context.entry
        if topic_entry is None or reading.outcome != "answer" or reading.context.parent is not None:
            return reading
        if reading.entry != reader.neighbours.proxy_side(topic_entry):
            return reading
        return replace(reading, context=replace(reading.context, parent=topic_entry))


def rules_only(entries: frozenset[str] = frozenset()) -> Followups:
    """A second look that always keeps the rules' reading (for measures and tests; `entries`: those it looks at
    the candidates of, which the training script records)."""
    return Followups(LinearModel(("no", YES), (0.0, 0.0), {}), entries, 2.0)


def load_followups(name: str = NAME, directory: Path = MODELS) -> Followups:
    """The shipped model; a missing or malformed file raises (the start stops, not a reply)."""
    document = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
    try:
        return Followups(
            load(name, directory), frozenset(str(e) for e in document["entries"]), float(document["margin"])
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"{name}.json has no entries or margin: {error}") from error
