"""Policy briefings as data (`content/briefings/<id>.toml`), validated against the FAQ and the source.

A briefing is the text pushed to laborers, the FAQ entries that explain it further, and the section of
the source notice it comes from. It passes the same facts check as the FAQ's answers (bot.facts): its
`basis` quotes the clauses it restates (verbatim, found in the source), and every sentence may state only
the numbers, glossary terms (offices, groups, proxies…) and claims of existence ("都有", "已经") its basis
states; nothing looks like a phone number. Errors name the file, like the FAQ loader's.
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bot.content import ID_PATTERN, NUMBER, PHONE_LIKE, ContentError, ContentPack, Source
from bot.facts import missing_quotes, sentence_problems, sentences

MAX_TEXT = 600
MAX_TITLE = 24


@dataclass(frozen=True, slots=True)
class Briefing:
    id: str
    title: str
    text: str
    faq: tuple[str, ...]
    source: Source
    ask_subsidy: bool  # the follow-up asks whether they received the subsidy


def load_briefings(content: ContentPack) -> dict[str, Briefing]:
    """Every briefing under content/briefings; ContentError listing every problem."""
    return load_briefings_from(content.root / "briefings", content)


_LOADED: dict[Path, dict[str, Briefing]] = {}


def cached_briefings(content: ContentPack) -> dict[str, Briefing]:
    """The briefings, loaded once per content directory (content does not change while serving)."""
    if content.root not in _LOADED:
        _LOADED[content.root] = load_briefings(content)
    return _LOADED[content.root]


def load_briefings_from(folder: Path, content: ContentPack) -> dict[str, Briefing]:
    problems: list[str] = []
    found: dict[str, Briefing] = {}
    for path in sorted(folder.glob("*.toml")):
        name = f"briefings/{path.name}"
        briefing_id = path.stem

        def problem(what: str, name: str = name) -> None:
            problems.append(f"{name}: {what}")

        if not ID_PATTERN.match(briefing_id):
            problem("file name must be lower-case ASCII words joined by hyphens")
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problem(f"not valid TOML: {exc}")
            continue
        unknown = set(data) - {"title", "text", "faq", "ask_subsidy", "source", "basis"}
        if unknown:
            problem(f"unknown key(s) {', '.join(sorted(unknown))}")
        title, text = str(data.get("title", "")).strip(), str(data.get("text", "")).strip()
        if not title or len(title) > MAX_TITLE:
            problem(f"title must be 1–{MAX_TITLE} characters")
        if not text or len(text) > MAX_TEXT:
            problem(f"text must be 1–{MAX_TEXT} characters")
        faq = data.get("faq", [])
        if not isinstance(faq, list) or not faq or not all(isinstance(f, str) for f in faq):
            problem("faq must list at least one FAQ entry id")
            faq = []
        for entry in faq:
            if entry not in content.entries:
                problem(f"FAQ entry {entry!r} does not exist in content/faq")
        source = data.get("source", {})
        document = content.sources.get(str(source.get("document", ""))) if isinstance(source, dict) else None
        if document is None or not isinstance(source, dict) or not str(source.get("section", "")).strip():
            problem("[source] needs a document from sources.toml and a section")
        else:
            folded = unicodedata.normalize("NFKC", text)
            if PHONE_LIKE.search(folded):
                problem("text contains something like a phone number")
            for number in NUMBER.findall(folded):
                if number not in document.text:
                    problem(f"text states {number!r}, which its source does not contain")
            for what in facts_problems(text, data.get("basis"), document.text, content):
                problem(what)
        if not isinstance(data.get("ask_subsidy", False), bool):
            problem("ask_subsidy must be true or false")
        if problems and problems[-1].startswith(name):
            continue
        found[briefing_id] = Briefing(
            briefing_id,
            title,
            text,
            tuple(faq),
            Source(str(source["document"]), str(source["section"])),
            bool(data.get("ask_subsidy", False)),
        )
    if problems:
        raise ContentError(problems)
    return found


def facts_problems(text: str, basis: object, document: str, content: ContentPack) -> list[str]:
    """What a briefing's text states that the source clauses it quotes (its `basis`) do not."""
    if not isinstance(basis, list) or not basis or not all(isinstance(q, str) and q.strip() for q in basis):
        return ["basis must list the source clauses the text restates (verbatim quotes)"]
    problems = [f"basis {quote!r} is not in the source" for quote in missing_quotes(basis, document)]
    for sentence in sentences(text):
        problems += [
            f"{what} without a source clause saying so: {sentence!r}"
            for what in sentence_problems(sentence, basis, content.glossary)
        ]
    return problems
