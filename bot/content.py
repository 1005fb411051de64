"""The content pack: FAQ entries and the data around them, loaded from `content/` and validated.

Every problem is reported with the file and entry it is in; `load_content` raises ContentError with
all of them at once so a content author can fix a whole batch in one go.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.facts import missing_quotes, sentence_problems, sentences

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
PHONE_LIKE = re.compile(r"\d{3,4}-\d{7,8}|1[3-9]\d{9}|\d{7,}")
MAX_TITLE = 16
MAX_ANSWER = 500
MIN_QUESTIONS = 5

if TYPE_CHECKING:
    from bot.counties import County


class ContentError(Exception):
    """The content pack is invalid; `problems` lists each one as "file: entry: what"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Source:
    document: str
    section: str


@dataclass(frozen=True, slots=True)
class Action:
    """A button an answer offers to go on with (e.g. "看最近招聘" -> postings:latest)."""

    label: str
    data: str


FACET_NAMES = ("what", "who", "amount", "how", "where", "materials", "when", "proxy")
MAX_FACET = 160


@dataclass(frozen=True, slots=True)
class FacetText:
    """One side of an entry (who qualifies, how much…), short, with the source clauses it restates."""

    text: str
    basis: tuple[str, ...]
    source: Source | None = None  # a county's own document (its overlay); None: the entry's source


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: str
    title: str
    category: str
    answer: str
    contacts: tuple[str, ...]
    related: tuple[str, ...]
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    source: Source
    actions: tuple[Action, ...] = ()
    facets: dict[str, FacetText] = field(default_factory=dict)  # facet name -> text; absent: the source is silent
    basis: tuple[str, ...] = ()  # source clauses the answer restates beyond its facets' (optional)
    cited: tuple[Source, ...] = ()  # a county's own documents its overlay added to this entry


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Contact:
    id: str
    name: str
    how: str
    basis: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OutOfScopeTopic:
    id: str
    name: str
    questions: tuple[str, ...]
    office: str = ""  # the kind of office whose business it is (民政部门…); never a phone or address
    followups: bool = False  # "在哪交" right after it is still about it (pensions yes, weather no)


@dataclass(frozen=True, slots=True)
class Township:
    id: str
    name: str
    kind: str  # "township" or "community"
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SourceDocument:
    document: str
    title: str
    date: str
    text: str


@dataclass(frozen=True)
class ContentPack:
    root: Path
    entries: dict[str, FaqEntry]
    categories: dict[str, Category]
    contacts: dict[str, Contact]
    out_of_scope: dict[str, OutOfScopeTopic]
    synonyms: dict[str, str]  # variant -> canonical
    townships: dict[str, Township]  # every county's, counties in order, each in its official order
    sources: dict[str, SourceDocument]
    glossary: dict[str, tuple[str, ...]] = field(default_factory=dict)  # term -> the forms the source uses
    counties: dict[str, County] = field(default_factory=dict)  # in the prefecture's order (bot/counties.py)
    default_county: str = ""  # unbound laborers' county
    prefecture: str = ""  # the deployment's name when it holds several counties (忻州市)
    county: str = ""  # the county whose overlay this view shows ('' = the shared pack)
    views: dict[str, ContentPack] = field(default_factory=dict, compare=False, repr=False)
    names: dict[str, list[Township]] = field(default_factory=dict, compare=False, repr=False)  # built on first use

    @property
    def userdict(self) -> Path:
        return self.root / "userdict.txt"

    @property
    def multi(self) -> bool:
        """Several counties in this deployment (a one-county deployment behaves as it always has)."""
        return len(self.counties) > 1

    def citation(self, entry: FaqEntry) -> str:
        own = "".join(f"；{s.document} {s.section}" for s in entry.cited)
        return f"{entry.source.document} {entry.source.section}{own}"

    def county_of(self, township_id: str | None) -> str:
        """The county a township belongs to; the deployment's default for none or an unknown one."""
        for county in self.counties.values():
            if township_id in county.townships:
                return county.id
        return self.default_county

    def county_name(self, county_id: str | None) -> str:
        county = self.counties.get(county_id or "")
        return county.name if county else county_id or ""

    def in_county(self, county_id: str) -> ContentPack:
        """The pack as laborers of a county see it: its own contacts, facets and amounts (its overlay)."""
        if not self.multi or county_id not in self.counties:
            return self
        view = self.views.get(county_id)
        if view is None:
            from dataclasses import replace

            from bot.counties import county_view

            view = self.views[county_id] = replace(self, **county_view(self, self.counties[county_id]))
        return view

    def silent_about(self, entry: FaqEntry) -> str:
        """How a reply begins when the source says nothing of a facet ("通知里没写…")."""
        county = self.counties.get(self.county)
        if county is None or county.adopted(entry.source.document):
            return "通知里没写"
        return f"{county.name}公布的文件里没写"

    def township_rank(self, township_id: str) -> int:
        """Position in the official order (counties in order, each county's townships.toml `order`); unknown last."""
        for rank, known in enumerate(self.townships):
            if known == township_id:
                return rank
        return len(self.townships)

    def township_by_name(self, name: str, county_id: str | None = None) -> Township | None:
        """The township with this id, name or alias (in the county, when given); None when unknown or when
        several counties have one by that name."""
        if not self.names:
            for t in self.townships.values():
                for label in dict.fromkeys((t.id, t.name, *t.aliases)):
                    self.names.setdefault(label, []).append(t)
        name = name.strip()
        within = self.counties[county_id].townships if county_id in self.counties else None
        found = [t for t in self.names.get(name, ()) if within is None or t.id in within]
        exact = [t for t in found if t.id == name]
        return exact[0] if exact else found[0] if len(found) == 1 else None

    def townships_named(self, name: str) -> int:
        """How many townships (of all counties) go by this id, name or alias."""
        self.township_by_name(name)
        return len(self.names.get(name.strip(), ()))

    def county_by_name(self, name: str) -> County | None:
        name = name.strip()
        return next((c for c in self.counties.values() if name and name in (c.id, c.name)), None)


def load_content(root: Path) -> ContentPack:
    """Load and validate the content pack under `root`; raise ContentError listing every problem."""
    loader = _Loader(root)
    pack = loader.load()
    if loader.problems:
        raise ContentError(loader.problems)
    return pack


def fold(text: str) -> str:
    """Fold width and case so that equal questions compare equal (全角 digits, upper-case letters)."""
    return unicodedata.normalize("NFKC", text).lower().strip()


class _Loader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []

    def problem(self, file: str, entry: str, what: str) -> None:
        self.problems.append(f"{file}: {entry}: {what}" if entry else f"{file}: {what}")

    def toml(self, name: str) -> dict[str, Any]:
        path = self.root / name
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.problem(name, "", "file is missing")
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            self.problem(name, "", f"not valid TOML: {exc}")
        return {}

    def table_list(self, name: str, key: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Yield (id, item) for each [[key]] item in file `name`, reporting bad or repeated ids."""
        seen: set[str] = set()
        items = self.toml(name).get(key, [])
        if not isinstance(items, list):
            self.problem(name, "", f"[[{key}]] must be an array of tables")
            return
        for n, item in enumerate(items, start=1):
            ident = item.get("id") if isinstance(item, dict) else None
            label = ident if isinstance(ident, str) else f"item {n}"
            if not isinstance(item, dict) or not isinstance(ident, str) or not ID_PATTERN.match(ident):
                self.problem(name, label, "needs an id of lower-case ASCII words joined by hyphens")
                continue
            if ident in seen:
                self.problem(name, ident, "id is used twice")
                continue
            seen.add(ident)
            yield ident, item

    def text(self, file: str, entry: str, item: dict[str, Any], key: str, required: bool = True) -> str:
        value = item.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(file, entry, f"'{key}' must be a non-empty string")
            return ""
        return value.strip()

    def strings(self, file: str, entry: str, item: dict[str, Any], key: str) -> tuple[str, ...]:
        value = item.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(file, entry, f"'{key}' must be a list of non-empty strings")
            return ()
        return tuple(v.strip() for v in value)

    def load(self) -> ContentPack:
        sources = self.load_sources()
        categories = {
            i: Category(i, self.text("categories.toml", i, item, "name"))
            for i, item in self.table_list("categories.toml", "category")
        }
        contacts = {
            i: Contact(
                i,
                self.text("contacts.toml", i, item, "name"),
                self.text("contacts.toml", i, item, "how"),
                self.strings("contacts.toml", i, item, "basis"),
            )
            for i, item in self.table_list("contacts.toml", "contact")
        }
        out_of_scope = {
            i: OutOfScopeTopic(
                i,
                self.text("out_of_scope.toml", i, item, "name"),
                self.strings("out_of_scope.toml", i, item, "questions"),
                self.text("out_of_scope.toml", i, item, "office", required=False),
                bool(item.get("followups", False)),
            )
            for i, item in self.table_list("out_of_scope.toml", "topic")
        }
        from bot.counties import check_overlays, load_areas

        areas = load_areas(self)
        entries = self.load_entries()
        pack = ContentPack(
            root=self.root,
            entries=entries,
            categories=categories,
            contacts=contacts,
            out_of_scope=out_of_scope,
            synonyms=self.load_synonyms(),
            townships=areas.townships,
            sources=sources,
            glossary=self.load_glossary(),
            counties=areas.counties,
            default_county=areas.default,
            prefecture=areas.prefecture,
        )
        self.check_links(pack)
        check_overlays(self, pack)
        self.check_facts(pack)
        self.check_questions_unique(pack)
        self.check_userdict()
        return pack

    def load_sources(self) -> dict[str, SourceDocument]:
        sources: dict[str, SourceDocument] = {}
        for n, item in enumerate(self.toml("sources.toml").get("source", []), start=1):
            label = f"source {n}"
            document = self.text("sources.toml", label, item, "document")
            file = self.text("sources.toml", label, item, "file")
            try:
                text = (self.root / file).read_text(encoding="utf-8") if file else ""
            except (OSError, UnicodeDecodeError) as exc:
                self.problem("sources.toml", document or label, f"cannot read {file}: {exc}")
                continue
            title = self.text("sources.toml", label, item, "title")
            date = self.text("sources.toml", label, item, "date")
            sources[document] = SourceDocument(document, title, date, unicodedata.normalize("NFKC", text))
        return sources

    def load_townships(self, file: str = "townships.toml") -> dict[str, Township]:
        """One county's townships (`file`), in its official order."""
        townships: dict[str, Township] = {}
        names: set[str] = set()
        for i, item in self.table_list(file, "township"):
            name = self.text(file, i, item, "name")
            kind = self.text(file, i, item, "kind")
            if kind not in {"township", "community"}:
                self.problem(file, i, "'kind' must be 'township' or 'community'")
            aliases = self.strings(file, i, item, "aliases")
            for label in (name, *aliases):
                if label in names:
                    self.problem(file, i, f"name or alias {label!r} is used twice")
                names.add(label)
            townships[i] = Township(i, name, kind, aliases)
        return self.in_official_order(townships, file)

    def in_official_order(self, townships: dict[str, Township], file: str) -> dict[str, Township]:
        """The townships in the file's `order` list (the county's official order), checked complete."""
        order = self.toml(file).get("order")
        if order is None:
            return townships
        if not isinstance(order, list) or not all(isinstance(v, str) for v in order):
            self.problem(file, "order", "must be a list of township ids")
            return townships
        unknown = [v for v in order if v not in townships]
        missing = [v for v in townships if v not in order]
        twice = sorted({v for v in order if order.count(v) > 1})
        for label, ids in (("unknown ids", unknown), ("ids missing", missing), ("ids listed twice", twice)):
            if ids:
                self.problem(file, "order", f"{label}: {', '.join(ids)}")
        return {i: townships[i] for i in dict.fromkeys(order) if i in townships} | townships

    def load_synonyms(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for canonical, variants in self.toml("synonyms.toml").items():
            if not isinstance(variants, list) or not all(isinstance(v, str) and v for v in variants):
                self.problem("synonyms.toml", canonical, "must map to a list of non-empty strings")
                continue
            for variant in variants:
                variant = fold(variant)
                if variant == fold(canonical):
                    self.problem("synonyms.toml", canonical, f"variant {variant!r} equals its canonical word")
                elif variant in mapping and mapping[variant] != fold(canonical):
                    self.problem("synonyms.toml", canonical, f"variant {variant!r} also maps to {mapping[variant]!r}")
                else:
                    mapping[variant] = fold(canonical)
        return mapping

    def load_entries(self) -> dict[str, FaqEntry]:
        entries: dict[str, FaqEntry] = {}
        files = sorted((self.root / "faq").glob("*.toml"))
        if not files:
            self.problem("faq/", "", "no FAQ entries found")
        for path in files:
            name = f"faq/{path.name}"
            entry_id = path.stem
            if not ID_PATTERN.match(entry_id):
                self.problem(name, entry_id, "file name must be lower-case ASCII words joined by hyphens")
                continue
            item = self.toml(name)
            if not item:
                continue
            entry = self.parse_entry(name, entry_id, item)
            if entry is not None:
                entries[entry_id] = entry
        return entries

    def parse_entry(self, name: str, entry_id: str, item: dict[str, Any]) -> FaqEntry | None:
        known = {"title", "category", "answer", "contacts", "related", "questions", "keywords", "source", "actions"}
        known |= {"facets", "basis"}
        for key in sorted(set(item) - known):
            self.problem(name, entry_id, f"unknown field '{key}'")
        if isinstance(item.get("source"), dict):
            for key in sorted(set(item["source"]) - {"document", "section"}):
                self.problem(name, entry_id, f"unknown field 'source.{key}'")
        before = len(self.problems)
        title = self.text(name, entry_id, item, "title")
        answer = self.text(name, entry_id, item, "answer")
        source_item = item.get("source")
        if not isinstance(source_item, dict):
            self.problem(name, entry_id, "needs a [source] table with document and section")
            source_item = {}
        source = Source(
            self.text(name, entry_id, source_item, "document"), self.text(name, entry_id, source_item, "section")
        )
        entry = FaqEntry(
            id=entry_id,
            title=title,
            category=self.text(name, entry_id, item, "category"),
            answer=answer,
            contacts=self.strings(name, entry_id, item, "contacts"),
            related=self.strings(name, entry_id, item, "related"),
            questions=self.strings(name, entry_id, item, "questions"),
            keywords=self.strings(name, entry_id, item, "keywords"),
            source=source,
            actions=self.actions(name, entry_id, item.get("actions", [])),
            facets=self.facets(name, entry_id, item.get("facets", {})),
            basis=self.strings(name, entry_id, item, "basis"),
        )
        if len(title) > MAX_TITLE:
            self.problem(name, entry_id, f"title is longer than {MAX_TITLE} characters")
        if len(answer) > MAX_ANSWER:
            self.problem(name, entry_id, f"answer is longer than {MAX_ANSWER} characters ({len(answer)})")
        if len(entry.questions) < MIN_QUESTIONS:
            self.problem(name, entry_id, f"needs at least {MIN_QUESTIONS} questions")
        if not entry.contacts:
            self.problem(name, entry_id, "needs at least one contact (whom to ask)")
        return entry if len(self.problems) == before else None

    def facets(self, name: str, entry_id: str, table: Any) -> dict[str, FacetText]:
        if not isinstance(table, dict):
            self.problem(name, entry_id, "[facets] must be a table of facet tables")
            return {}
        found: dict[str, FacetText] = {}
        for facet, item in table.items():
            where = f"{entry_id}: facets.{facet}"
            if facet not in FACET_NAMES or not isinstance(item, dict):
                self.problem(name, where, f"unknown facet (use {', '.join(FACET_NAMES)})")
                continue
            text = self.text(name, where, item, "text")
            if len(text) > MAX_FACET:
                self.problem(name, where, f"text is longer than {MAX_FACET} characters ({len(text)})")
            found[facet] = FacetText(text, self.strings(name, where, item, "basis"))
        return found

    def load_glossary(self) -> dict[str, tuple[str, ...]]:
        glossary: dict[str, tuple[str, ...]] = {}
        for term, forms in self.toml("glossary.toml").items():
            if not isinstance(forms, list) or not all(isinstance(f, str) and f for f in forms):
                self.problem("glossary.toml", term, "must map to a list of the forms the source uses")
                continue
            glossary[term] = tuple(forms)
        return glossary

    def check_facts(self, pack: ContentPack) -> None:
        """Every sentence of an answer, facet and contact line restates its basis (see bot.facts)."""
        document = next(iter(pack.sources.values())).text if pack.sources else ""
        for entry in pack.entries.values():
            name = f"faq/{entry.id}.toml"
            doc = pack.sources[entry.source.document].text if entry.source.document in pack.sources else document
            every = [*entry.basis, *(q for f in entry.facets.values() for q in f.basis)]
            for quote in missing_quotes(every, doc):
                self.problem(name, entry.id, f"basis {quote!r} is not in {entry.source.document}")
            for facet, part in entry.facets.items():
                self.check_sentences(name, f"{entry.id}: facets.{facet}", part.text, part.basis, pack)
            self.check_sentences(name, entry.id, entry.answer, every, pack)
        for contact in pack.contacts.values():
            for quote in missing_quotes(contact.basis, document):
                self.problem("contacts.toml", contact.id, f"basis {quote!r} is not in the source")
            self.check_sentences("contacts.toml", contact.id, contact.how, contact.basis, pack)

    def check_sentences(
        self, file: str, where: str, text: str, basis: tuple[str, ...] | list[str], pack: ContentPack
    ) -> None:
        for sentence in sentences(text):
            for what in sentence_problems(sentence, basis, pack.glossary):
                self.problem(file, where, f"{what} without a source clause saying so: {sentence!r}")

    def actions(self, name: str, entry_id: str, items: Any) -> tuple[Action, ...]:
        found: list[Action] = []
        for item in items if isinstance(items, list) else [None]:
            label = item.get("label") if isinstance(item, dict) else None
            data = item.get("data") if isinstance(item, dict) else None
            if not (isinstance(label, str) and 0 < len(label) <= MAX_TITLE):
                self.problem(name, entry_id, f"each [[actions]] needs a label of 1–{MAX_TITLE} characters")
            elif not (isinstance(data, str) and data.isascii() and ":" in data and len(data) <= 64):
                self.problem(name, entry_id, "each [[actions]] needs data like 'postings:latest' (ASCII, ≤ 64)")
            else:
                found.append(Action(label, data))
        return tuple(found)

    def check_links(self, pack: ContentPack) -> None:
        for entry in pack.entries.values():
            name = f"faq/{entry.id}.toml"
            if entry.category not in pack.categories:
                self.problem(name, entry.id, f"unknown category {entry.category!r}")
            for contact in entry.contacts:
                if contact not in pack.contacts:
                    self.problem(name, entry.id, f"unknown contact {contact!r}")
            for related in entry.related:
                if related == entry.id or related not in pack.entries:
                    self.problem(name, entry.id, f"related entry {related!r} does not exist")
            document = pack.sources.get(entry.source.document)
            if document is None:
                self.problem(name, entry.id, f"source document {entry.source.document!r} is not in sources.toml")
                continue
            answer = unicodedata.normalize("NFKC", entry.answer)
            if PHONE_LIKE.search(answer):
                self.problem(name, entry.id, "answer contains something like a phone number")
            for number in NUMBER.findall(answer):
                if number not in document.text:
                    self.problem(name, entry.id, f"answer states {number!r}, which its source does not contain")

    def check_questions_unique(self, pack: ContentPack) -> None:
        owner: dict[str, str] = {}
        questions = [(f"faq/{e.id}.toml", e.id, q) for e in pack.entries.values() for q in e.questions]
        questions += [("out_of_scope.toml", t.id, q) for t in pack.out_of_scope.values() for q in t.questions]
        for file, ident, question in questions:
            key = fold(question)
            if key in owner and owner[key] != ident:
                self.problem(file, ident, f"question {question!r} is also listed under {owner[key]!r}")
            owner.setdefault(key, ident)

    def check_userdict(self) -> None:
        path = self.root / "userdict.txt"
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            self.problem("userdict.txt", "", "file is missing")
            return
        for n, line in enumerate(lines, start=1):
            parts = line.split()
            if not parts or line.startswith("#"):
                continue
            if len(parts) > 3 or (len(parts) >= 2 and not parts[1].isdigit()):
                self.problem("userdict.txt", f"line {n}", "expected 'word [frequency] [tag]'")
