"""Counties of a deployment: the area hierarchy's top level and each county's own content overlay.

A deployment holds one county (today's `content/townships.toml`, nothing else needed) or several
(`content/counties.toml` naming them, one `content/counties/<id>/` folder each with the county's
`townships.toml` and `county.toml`). See content/README.md.

A county's overlay is small and data-driven: the county's own published documents (`[[source]]`), its own
text for a facet of an FAQ entry (`[[facet]]`, e.g. the amount it pays, quoted from its document) and its
own contact lines (`[[contact]]`, replacing a shared one by id). `adopts` lists the shared documents that
hold in the county; where an entry's document is not adopted, the bot states none of its numbers there:
the facets that state one (and the amount) are silent unless the county's own overlay gives them, and the
whole answer says that the county has not published its standard. `county_view` builds that view.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from bot.content.model import (
    FACET_NAMES,
    ID_PATTERN,
    Contact,
    ContentPack,
    County,
    FacetText,
    FaqEntry,
    Source,
    SourceDocument,
    Township,
)
from bot.content.reader import Reader
from bot.facts import missing_quotes

DIGIT = re.compile(r"\d")
COUNTY = "{county}"  # in an entry's answer: the laborer's county's name
LOCAL_FACETS = ("amount",)  # never inherited from a document the county has not adopted, number or not


def county_view(pack: ContentPack, county: County) -> dict[str, Any]:
    """The fields of the pack as laborers of `county` see it (for dataclasses.replace)."""
    contacts = pack.contacts | county.contacts
    entries = {e.id: named(_entry_in(e, county, pack), county.name) for e in pack.entries.values()}
    return {"contacts": contacts, "entries": entries, "county": county.id, "views": pack.views}


def named(entry: FaqEntry, county_name: str) -> FaqEntry:
    """The entry with `{county}` in its answer (a template: bot-help's "这里是{county}人社局…") filled in with
    the laborer's county's name (the only county's in a one-county deployment; 本县 when it has none)."""
    if COUNTY not in entry.answer:
        return entry
    return replace(entry, answer=entry.answer.replace(COUNTY, county_name or "本县"))


def _entry_in(entry: FaqEntry, county: County, pack: ContentPack) -> FaqEntry:
    own = {facet: text for (entry_id, facet), text in county.facets.items() if entry_id == entry.id}
    adopted = county.adopted(entry.source.document)
    if adopted and "amount" not in own:
        return replace(entry, facets=entry.facets | own, cited=_cited(own)) if own else entry
    kept = (
        entry.facets
        if adopted
        else {
            name: part
            for name, part in entry.facets.items()
            if name not in LOCAL_FACETS and not DIGIT.search(part.text) and part.source is None
        }
    )
    # the whole answer states no number of a document the county has not adopted, nor a shared amount the
    # county replaced with its own: those lines give way to the county's own amount, or to "not published"
    lines = [line for line in entry.answer.splitlines() if not DIGIT.search(line)]
    while lines and not lines[-1].strip():
        lines.pop()
    stated = own.get("amount")
    lines.append(
        stated.text if stated else f"具体标准（金额、期限等）{county.name}还没有公布，以{county.name}人社局公布为准。"
    )
    return replace(entry, answer="\n".join(lines), facets=kept | own, cited=_cited(own))


def _cited(own: dict[str, FacetText]) -> tuple[Source, ...]:
    return tuple(dict.fromkeys(part.source for part in own.values() if part.source is not None))


@dataclass(frozen=True, slots=True)
class Areas:
    townships: dict[str, Township]  # every county's, counties in order
    counties: dict[str, County]
    default: str
    prefecture: str = ""


def load_areas(loader: Reader) -> Areas:
    """One county from `townships.toml`, or the counties `counties.toml` names (content/README.md)."""
    if not (loader.root / "counties.toml").exists():
        data = loader.toml("townships.toml")
        county_id = data.get("county", "county")
        if not isinstance(county_id, str) or not ID_PATTERN.match(county_id):
            loader.problem("townships.toml", "county", "must be an id of lower-case ASCII words joined by hyphens")
            county_id = "county"
        only = loader.load_townships()
        name = str(data.get("county_name", ""))
        return Areas(only, {county_id: County(county_id, name, tuple(only))}, county_id)
    if (loader.root / "townships.toml").exists():
        loader.problem("townships.toml", "", "with counties.toml, each county's are in counties/<id>/townships.toml")
    data = loader.toml("counties.toml")
    order = data.get("order", [])
    if not isinstance(order, list) or not order or not all(isinstance(v, str) and ID_PATTERN.match(v) for v in order):
        loader.problem("counties.toml", "order", "must list the county ids (folder names under counties/)")
        order = []
    townships: dict[str, Township] = {}
    counties: dict[str, County] = {}
    for county_id in dict.fromkeys(order):
        own = loader.load_townships(f"counties/{county_id}/townships.toml")
        for township_id in own.keys() & townships.keys():
            loader.problem(f"counties/{county_id}/townships.toml", township_id, "township id is used in another county")
        townships |= {k: v for k, v in own.items() if k not in townships}
        counties[county_id] = _county(loader, county_id, tuple(own))
    default = data.get("default", order[0] if order else "")
    if default not in counties:
        loader.problem("counties.toml", "default", f"{default!r} is not a county in 'order'")
    return Areas(townships, counties, str(default), str(data.get("prefecture", "")))


def _county(loader: Reader, county_id: str, townships: tuple[str, ...]) -> County:
    folder = f"counties/{county_id}"
    file = f"{folder}/county.toml"
    data = loader.toml(file)
    sources: dict[str, SourceDocument] = {}
    for n, item in enumerate(data.get("source", []), start=1):
        label = f"source {n}"
        document, path = loader.text(file, label, item, "document"), loader.text(file, label, item, "file")
        try:
            text = (loader.root / folder / path).read_text(encoding="utf-8") if path else ""
        except (OSError, UnicodeDecodeError) as exc:
            loader.problem(file, document or label, f"cannot read {path}: {exc}")
            continue
        title, date = loader.text(file, label, item, "title"), loader.text(file, label, item, "date")
        sources[document] = SourceDocument(document, title, date, unicodedata.normalize("NFKC", text))
    facets: dict[tuple[str, str], FacetText] = {}
    for n, item in enumerate(data.get("facet", []), start=1):
        where = f"facet {n}"
        entry, facet = loader.text(file, where, item, "entry"), loader.text(file, where, item, "facet")
        document = loader.text(file, where, item, "document")
        source = Source(document, loader.text(file, where, item, "section"))
        facets[(entry, facet)] = FacetText(
            loader.text(file, where, item, "text"), loader.strings(file, where, item, "basis"), source
        )
    contacts = {
        i: Contact(
            i,
            loader.text(file, i, item, "name"),
            loader.text(file, i, item, "how"),
            loader.strings(file, i, item, "basis"),
        )
        for i, item in loader.table_list(file, "contact")
    }
    return County(
        county_id,
        loader.text(file, county_id, data, "name"),
        townships,
        loader.strings(file, county_id, data, "adopts"),
        sources,
        facets,
        contacts,
    )


def check_overlays(loader: Reader, pack: ContentPack) -> None:
    """Every county's own facet and contact names a real entry, facet and contact, and restates its document
    (the same facts check as the shared content: numbers, glossary terms and claims only from the basis)."""
    for county in pack.counties.values():
        file = f"counties/{county.id}/county.toml"
        for document in county.adopts or ():
            if document not in pack.sources:
                loader.problem(file, "adopts", f"{document!r} is not in sources.toml")
        for (entry, facet), part in county.facets.items():
            where = f"{entry}: facets.{facet}"
            if entry not in pack.entries or facet not in FACET_NAMES:
                loader.problem(file, where, "names no FAQ entry or facet")
            _check(loader, file, where, part, county, pack)
        for contact in county.contacts.values():
            if contact.id not in pack.contacts:
                loader.problem(file, contact.id, "replaces no contact of contacts.toml")
            _check(loader, file, contact.id, contact, county, pack)


def _check(loader: Reader, file: str, where: str, part: FacetText | Contact, county: County, pack: ContentPack) -> None:
    document = part.source.document if isinstance(part, FacetText) and part.source else next(iter(county.sources), "")
    if document not in county.sources:
        loader.problem(file, where, f"document {document!r} is not one of the county's [[source]]")
        return
    for quote in missing_quotes(part.basis, county.sources[document].text):
        loader.problem(file, where, f"basis {quote!r} is not in {document}")
    text = part.text if isinstance(part, FacetText) else part.how
    loader.check_sentences(file, where, text, part.basis, pack)
