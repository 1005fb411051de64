"""The content pack's types: FAQ entries with their facets and sources, contacts, townships, counties (each
with its overlay) and the pack that holds them, with the lookups every feature uses (a county's view, a
township by name, the official order)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
PHONE_LIKE = re.compile(r"\d{3,4}-\d{7,8}|1[3-9]\d{9}|\d{7,}")
MAX_TITLE = 16
MAX_ANSWER = 500
MIN_QUESTIONS = 5


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
class Referral:
    """One side of an entry that another entry answers: a question on `facet` (any, when empty) that holds one
    of `words` (any, when empty) is about entry `to` ("交通补贴叫俺爸替俺办" is 委托代办). With `followup`, only a
    follow-up of the entry that names no entry of its own ("咋领" after a callback that asked about 交通补贴)."""

    to: str
    facet: str = ""
    words: tuple[str, ...] = ()
    followup: bool = False


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
    refer: tuple[Referral, ...] = ()  # sides of this entry that another entry answers
    within: tuple[str, ...] = ()  # other entries' words its own facts cover: in this topic they stay here


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


@dataclass(frozen=True, slots=True)
class County:
    id: str
    name: str
    townships: tuple[str, ...]  # the county's official order
    adopts: tuple[str, ...] | None = None  # shared documents that hold here; None: all (a one-county deployment)
    sources: dict[str, SourceDocument] = field(default_factory=dict)  # the county's own documents
    facets: dict[tuple[str, str], FacetText] = field(default_factory=dict)  # (entry id, facet) -> own text
    contacts: dict[str, Contact] = field(default_factory=dict)  # contact id -> own line

    def adopted(self, document: str) -> bool:
        return self.adopts is None or document in self.adopts or document in self.sources


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
    counties: dict[str, County] = field(default_factory=dict)  # in the prefecture's order (bot/content/counties.py)
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

    def bureau(self) -> str:
        """The bureau the bot speaks for in this view: its county's (the default county's in the shared pack,
        the only county's in a one-county deployment: 五寨县人社局)."""
        name = self.county_name(self.county or self.default_county)
        return f"{name}人社局" if name else "县人社局"

    def in_county(self, county_id: str) -> ContentPack:
        """The pack as laborers of a county see it: its own contacts, facets and amounts (its overlay)."""
        return self.views.get(county_id, self) if self.multi else self

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


def fold(text: str) -> str:
    """Fold width and case so that equal questions compare equal (全角 digits, upper-case letters)."""
    return unicodedata.normalize("NFKC", text).lower().strip()
