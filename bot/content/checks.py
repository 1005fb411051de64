"""Checks across the loaded pack: links between entries, categories, contacts and sources; every sentence
restating its source (bot.facts); questions listed once; the jieba user dictionary's format."""

from __future__ import annotations

import unicodedata

from bot.content.model import NUMBER, PHONE_LIKE, ContentPack, fold
from bot.content.reader import Reader
from bot.facts import missing_quotes


def check_links(reader: Reader, pack: ContentPack) -> None:
    for entry in pack.entries.values():
        name = f"faq/{entry.id}.toml"
        if entry.category not in pack.categories:
            reader.problem(name, entry.id, f"unknown category {entry.category!r}")
        for contact in entry.contacts:
            if contact not in pack.contacts:
                reader.problem(name, entry.id, f"unknown contact {contact!r}")
        for related in entry.related:
            if related == entry.id or related not in pack.entries:
                reader.problem(name, entry.id, f"related entry {related!r} does not exist")
        for referral in entry.refer:
            if referral.to not in entry.related:
                reader.problem(name, entry.id, f"[[refer]] entry {referral.to!r} must be one of its related entries")
        document = pack.sources.get(entry.source.document)
        if document is None:
            reader.problem(name, entry.id, f"source document {entry.source.document!r} is not in sources.toml")
            continue
        answer = unicodedata.normalize("NFKC", entry.answer)
        if PHONE_LIKE.search(answer):
            reader.problem(name, entry.id, "answer contains something like a phone number")
        for number in NUMBER.findall(answer):
            if number not in document.text:
                reader.problem(name, entry.id, f"answer states {number!r}, which its source does not contain")


def check_facts(reader: Reader, pack: ContentPack) -> None:
    """Every sentence of an answer, facet and contact line restates its basis (see bot.facts)."""
    document = next(iter(pack.sources.values())).text if pack.sources else ""
    for entry in pack.entries.values():
        name = f"faq/{entry.id}.toml"
        doc = pack.sources[entry.source.document].text if entry.source.document in pack.sources else document
        every = [*entry.basis, *(q for f in entry.facets.values() for q in f.basis)]
        for quote in missing_quotes(every, doc):
            reader.problem(name, entry.id, f"basis {quote!r} is not in {entry.source.document}")
        for facet, part in entry.facets.items():
            reader.check_sentences(name, f"{entry.id}: facets.{facet}", part.text, part.basis, pack)
        reader.check_sentences(name, entry.id, entry.answer, every, pack)
    for contact in pack.contacts.values():
        for quote in missing_quotes(contact.basis, document):
            reader.problem("contacts.toml", contact.id, f"basis {quote!r} is not in the source")
        reader.check_sentences("contacts.toml", contact.id, contact.how, contact.basis, pack)


def check_questions_unique(reader: Reader, pack: ContentPack) -> None:
    owner: dict[str, str] = {}
    questions = [(f"faq/{e.id}.toml", e.id, q) for e in pack.entries.values() for q in e.questions]
    questions += [("out_of_scope.toml", t.id, q) for t in pack.out_of_scope.values() for q in t.questions]
    for file, ident, question in questions:
        key = fold(question)
        if key in owner and owner[key] != ident:
            reader.problem(file, ident, f"question {question!r} is also listed under {owner[key]!r}")
        owner.setdefault(key, ident)


def check_userdict(reader: Reader) -> None:
    path = reader.root / "userdict.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        reader.problem("userdict.txt", "", "file is missing")
        return
    for n, line in enumerate(lines, start=1):
        parts = line.split()
        if not parts or line.startswith("#"):
            continue
        if len(parts) > 3 or (len(parts) >= 2 and not parts[1].isdigit()):
            reader.problem("userdict.txt", f"line {n}", "expected 'word [frequency] [tag]'")
