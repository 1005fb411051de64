"""The words of a message that are not its question: the story told around it and the places the asker
names. Both are dropped before ranking, so that they neither raise nor lower how much of the question an
entry covers ("俺是胡会乡的 …", "俺在江苏打工一年回一次家，…，叫俺妈去乡里给办行不")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Container

from bot.content import ContentPack
from bot.faq.analyzer import Analyzer
from bot.faq.textfix import sounds

STORY_CLAUSES = 2  # a message of at least this many clauses…
STORY_CHARS = 16  # …and characters is read as a question inside a story
CHOICE = "还是"
PART_CLAUSES = 3  # a message of this many clauses may hold its question in its last ones
PART_REACH = 2  # clauses before the asking one where its topic may be named
QUESTION_LIKE = re.compile(r"什么|怎么|哪|谁|多少|几|吗|呢|不$|没$|能不能|行不行|是不是|有没有")


def place_features(analyzer: Analyzer, content: ContentPack) -> frozenset[str]:
    """Features of the county's and townships' names ("五寨县", "胡会乡"): where the asker lives says nothing
    about what is asked (the relocation communities, 百梦园…, are topics of their own)."""
    names = [c.name for c in content.counties.values()] + [
        n for t in content.townships.values() if t.kind == "township" for n in (t.name, *t.aliases)
    ]
    found: set[str] = set()
    for name in names:
        features = analyzer.features(analyzer.normalise(name))
        # not a lone 县, nor sounds (胡会乡 sounds like 回乡)
        found |= {f for f in features if not (f.startswith("w:") and len(f) == 3) and not f.startswith("p:")}
    return frozenset(found)


def place_words(places: frozenset[str], query: Counter[str]) -> set[str]:
    """The query's features that name a place, with the sounds of its place bigrams (not every 回乡 is
    胡会乡, but the pinyin of a 胡会 written in the message is the place's)."""
    named = {f for f in query if f in places}
    return named | {"p:" + "".join(sounds(f[2:])) for f in named if f.startswith("b:")}


def story(analyzer: Analyzer, known: Container[str], normalised: str) -> set[str]:
    """In a long message, the features the FAQ does not know (not in `known`) of every clause but the last
    question-like one: the personal context around the question should not count against how much of the
    question an entry covers."""
    clauses = normalised.split()
    if len(clauses) < STORY_CLAUSES or len(normalised) < STORY_CHARS:
        return set()
    asking = [i for i, c in enumerate(clauses) if QUESTION_LIKE.search(c)]
    last = asking[-1] if asking else len(clauses) - 1
    kept = set(analyzer.features(clauses[last]))
    return {
        f
        for i, clause in enumerate(clauses)
        if i != last
        for f in analyzer.features(clause)
        if f not in known and f not in kept
    }


def asks(normalised: str) -> bool:
    """Whether the text asks something: a question word or particle, or a choice ("全贴还是贴一半")."""
    return QUESTION_LIKE.search(normalised) is not None or CHOICE in normalised


def question_part(normalised: str, names: Callable[[str], bool]) -> str | None:
    """In a story of at least three clauses, the clauses from the last one that names a topic (`names`) to
    the end, when that clause is the asking one or at most two before it; None when there is no such part."""
    clauses = normalised.split()
    if len(clauses) < PART_CLAUSES:
        return None
    asking = [i for i, c in enumerate(clauses) if QUESTION_LIKE.search(c)]
    last = asking[-1] if asking else len(clauses) - 1
    for start in range(last, max(last - PART_REACH, 0) - 1, -1):
        if names(clauses[start]):
            return " ".join(clauses[start:]) if start > 0 else None
    return None


def asking_clause(normalised: str) -> str | None:
    """In a message of several clauses, the last one that asks something ("…回来了 交通补贴能给多少"), or
    None for a message of one clause."""
    clauses = normalised.split()
    if len(clauses) < STORY_CLAUSES:
        return None
    asking = [c for c in clauses if QUESTION_LIKE.search(c)]
    return asking[-1] if asking else clauses[-1]
