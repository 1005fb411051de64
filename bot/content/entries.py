"""FAQ entries (`content/faq/<id>.toml`): parsed into FaqEntry with their facets and actions, checked for
size and required fields."""

from __future__ import annotations

from typing import Any

from bot.content.model import (
    FACET_NAMES,
    ID_PATTERN,
    MAX_ANSWER,
    MAX_FACET,
    MAX_TITLE,
    MIN_QUESTIONS,
    Action,
    FacetText,
    FaqEntry,
    Referral,
    Source,
)
from bot.content.reader import Reader


def load_entries(reader: Reader) -> dict[str, FaqEntry]:
    entries: dict[str, FaqEntry] = {}
    files = sorted((reader.root / "faq").glob("*.toml"))
    if not files:
        reader.problem("faq/", "", "no FAQ entries found")
    for path in files:
        name = f"faq/{path.name}"
        entry_id = path.stem
        if not ID_PATTERN.match(entry_id):
            reader.problem(name, entry_id, "file name must be lower-case ASCII words joined by hyphens")
            continue
        item = reader.toml(name)
        if not item:
            continue
        entry = _parse_entry(reader, name, entry_id, item)
        if entry is not None:
            entries[entry_id] = entry
    return entries


def _parse_entry(reader: Reader, name: str, entry_id: str, item: dict[str, Any]) -> FaqEntry | None:
    known = {"title", "category", "answer", "contacts", "related", "questions", "keywords", "source", "actions"}
    known |= {"facets", "basis", "refer", "within"}
    for key in sorted(set(item) - known):
        reader.problem(name, entry_id, f"unknown field '{key}'")
    if isinstance(item.get("source"), dict):
        for key in sorted(set(item["source"]) - {"document", "section"}):
            reader.problem(name, entry_id, f"unknown field 'source.{key}'")
    before = len(reader.problems)
    title = reader.text(name, entry_id, item, "title")
    answer = reader.text(name, entry_id, item, "answer")
    source_item = item.get("source")
    if not isinstance(source_item, dict):
        reader.problem(name, entry_id, "needs a [source] table with document and section")
        source_item = {}
    source = Source(
        reader.text(name, entry_id, source_item, "document"), reader.text(name, entry_id, source_item, "section")
    )
    entry = FaqEntry(
        id=entry_id,
        title=title,
        category=reader.text(name, entry_id, item, "category"),
        answer=answer,
        contacts=reader.strings(name, entry_id, item, "contacts"),
        related=reader.strings(name, entry_id, item, "related"),
        questions=reader.strings(name, entry_id, item, "questions"),
        keywords=reader.strings(name, entry_id, item, "keywords"),
        source=source,
        actions=_actions(reader, name, entry_id, item.get("actions", [])),
        facets=_facets(reader, name, entry_id, item.get("facets", {})),
        basis=reader.strings(name, entry_id, item, "basis"),
        refer=_referrals(reader, name, entry_id, item.get("refer", [])),
        within=reader.strings(name, entry_id, item, "within"),
    )
    if len(title) > MAX_TITLE:
        reader.problem(name, entry_id, f"title is longer than {MAX_TITLE} characters")
    if len(answer) > MAX_ANSWER:
        reader.problem(name, entry_id, f"answer is longer than {MAX_ANSWER} characters ({len(answer)})")
    if len(entry.questions) < MIN_QUESTIONS:
        reader.problem(name, entry_id, f"needs at least {MIN_QUESTIONS} questions")
    if not entry.contacts:
        reader.problem(name, entry_id, "needs at least one contact (whom to ask)")
    return entry if len(reader.problems) == before else None


def _facets(reader: Reader, name: str, entry_id: str, table: Any) -> dict[str, FacetText]:
    if not isinstance(table, dict):
        reader.problem(name, entry_id, "[facets] must be a table of facet tables")
        return {}
    found: dict[str, FacetText] = {}
    for facet, item in table.items():
        where = f"{entry_id}: facets.{facet}"
        if facet not in FACET_NAMES or not isinstance(item, dict):
            reader.problem(name, where, f"unknown facet (use {', '.join(FACET_NAMES)})")
            continue
        text = reader.text(name, where, item, "text")
        if len(text) > MAX_FACET:
            reader.problem(name, where, f"text is longer than {MAX_FACET} characters ({len(text)})")
        found[facet] = FacetText(text, reader.strings(name, where, item, "basis"))
    return found


def _referrals(reader: Reader, name: str, entry_id: str, items: Any) -> tuple[Referral, ...]:
    found: list[Referral] = []
    for item in items if isinstance(items, list) else [None]:
        if not isinstance(item, dict) or set(item) - {"to", "facet", "words", "followup"}:
            reader.problem(name, entry_id, "each [[refer]] has only to, facet, words and followup")
            continue
        followup = item.get("followup", False)
        if not isinstance(followup, bool) or (followup and not item.get("words")):
            reader.problem(name, entry_id, "[[refer]] followup is true or false, and true needs words")
            continue
        facet = item.get("facet", "")
        if facet and facet not in FACET_NAMES:
            reader.problem(name, entry_id, f"[[refer]] facet must be one of {', '.join(FACET_NAMES)}")
            continue
        words = reader.strings(name, entry_id, item, "words")
        found.append(Referral(reader.text(name, entry_id, item, "to"), facet, words, followup))
    return tuple(found)


def _actions(reader: Reader, name: str, entry_id: str, items: Any) -> tuple[Action, ...]:
    found: list[Action] = []
    for item in items if isinstance(items, list) else [None]:
        label = item.get("label") if isinstance(item, dict) else None
        data = item.get("data") if isinstance(item, dict) else None
        if not (isinstance(label, str) and 0 < len(label) <= MAX_TITLE):
            reader.problem(name, entry_id, f"each [[actions]] needs a label of 1–{MAX_TITLE} characters")
        elif not (isinstance(data, str) and data.isascii() and ":" in data and len(data) <= 64):
            reader.problem(name, entry_id, "each [[actions]] needs data like 'postings:latest' (ASCII, ≤ 64)")
        else:
            found.append(Action(label, data))
    return tuple(found)
