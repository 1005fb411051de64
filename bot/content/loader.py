"""Loading `content/` into a ContentPack: read every file, then check the whole pack; `load_content` raises
ContentError listing every problem at once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.content.checks import check_facts, check_links, check_questions_unique, check_userdict
from bot.content.counties import check_overlays, county_view, load_areas, named
from bot.content.entries import load_entries
from bot.content.model import Category, Contact, ContentError, ContentPack, OutOfScopeTopic
from bot.content.reader import Reader


def load_content(root: Path) -> ContentPack:
    """Load and validate the content pack under `root`; raise ContentError listing every problem."""
    reader = Reader(root)
    pack = _load(reader)
    if reader.problems:
        raise ContentError(reader.problems)
    return pack


def _load(reader: Reader) -> ContentPack:
    sources = reader.load_sources()
    categories = {
        i: Category(i, reader.text("categories.toml", i, item, "name"))
        for i, item in reader.table_list("categories.toml", "category")
    }
    contacts = {
        i: Contact(
            i,
            reader.text("contacts.toml", i, item, "name"),
            reader.text("contacts.toml", i, item, "how"),
            reader.strings("contacts.toml", i, item, "basis"),
        )
        for i, item in reader.table_list("contacts.toml", "contact")
    }
    out_of_scope = {
        i: OutOfScopeTopic(
            i,
            reader.text("out_of_scope.toml", i, item, "name"),
            reader.strings("out_of_scope.toml", i, item, "questions"),
            reader.text("out_of_scope.toml", i, item, "office", required=False),
            bool(item.get("followups", False)),
        )
        for i, item in reader.table_list("out_of_scope.toml", "topic")
    }
    areas = load_areas(reader)
    entries = load_entries(reader)
    pack = ContentPack(
        root=reader.root,
        entries=entries,
        categories=categories,
        contacts=contacts,
        out_of_scope=out_of_scope,
        synonyms=reader.load_synonyms(),
        townships=areas.townships,
        sources=sources,
        glossary=reader.load_glossary(),
        counties=areas.counties,
        default_county=areas.default,
        prefecture=areas.prefecture,
    )
    check_links(reader, pack)
    check_overlays(reader, pack)
    check_facts(reader, pack)
    check_questions_unique(reader, pack)
    check_userdict(reader)
    if pack.multi:  # each county's view of the pack (its overlay), built once; views share one dict
        pack.views.update({c.id: replace(pack, **county_view(pack, c)) for c in pack.counties.values()})
    default = pack.county_name(pack.default_county)  # the shared pack speaks for the default (or only) county
    pack.entries.update({i: named(e, default) for i, e in pack.entries.items()})
    return pack
