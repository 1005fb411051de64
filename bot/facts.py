"""The facts check: what the bot says must be what a source says.

Two checks share this module:
- `sentence_problems`: a sentence of an FAQ answer, facet or contact is tied to the clauses of the
  source it restates (its *basis*, verbatim quotes). Every number in the sentence, every glossary term
  (offices, groups, kinds of subsidy, who may act as proxy…) and every claim that something already
  exists ("都有", "已经") must appear in the basis. This is what catches an answer that adds 第一书记 to
  the proxies or says 每个乡镇都有 where the notice only orders stations to be set up.
- `unsourced_numbers`: a staff answer may state only numbers and phone numbers some source contains.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

NUMBER = re.compile(r"\d+(?:[.-]\d+)*%?")
_NOISE = re.compile(r"[^\w%]+")
_SENTENCE = re.compile(r"[^。！？；!?;\n]+")
# Claims that something is already in place; the notice mostly orders things to be done.
MARKERS = ("都有", "都设了", "都设有", "设有", "已经", "已设", "已建", "都配了", "都能领")


def squash(text: str) -> str:
    """Text reduced for comparison: width folded, whitespace and punctuation removed."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


def sentences(text: str) -> list[str]:
    return [s.strip(" ·•-　") for s in _SENTENCE.findall(text) if s.strip(" ·•-　")]


def missing_quotes(quotes: Iterable[str], document: str) -> list[str]:
    """Basis quotes that do not appear (verbatim, ignoring spacing and punctuation) in the document."""
    squashed = squash(document)
    return [q for q in quotes if squash(q) not in squashed]


def sentence_problems(sentence: str, basis: Iterable[str], glossary: Mapping[str, tuple[str, ...]]) -> list[str]:
    """What a sentence states that its basis does not: numbers, glossary terms, claims of existence."""
    support = squash("".join(basis))
    plain = squash(sentence)
    problems = [f"states {n!r}" for n in NUMBER.findall(plain) if n not in support]
    for term, forms in glossary.items():
        if squash(term) in plain and not any(squash(f) in support for f in forms):
            problems.append(f"mentions {term!r}")
    problems += [f"claims {m!r}" for m in MARKERS if m in plain and m not in support]
    return problems


def unsourced_numbers(text: str, documents: Iterable[str]) -> list[str]:
    """Numbers and phone numbers in `text` that no source document contains."""
    texts = [squash(d) for d in documents]
    found = NUMBER.findall(unicodedata.normalize("NFKC", text))
    return [n for n in found if not any(squash(n) in t for t in texts)]
