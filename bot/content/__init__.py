"""The content pack: FAQ entries and the data around them (sources, contacts, townships and counties, synonyms,
glossary), loaded from `content/` and validated — every sentence a laborer is told restates a source.

`model` holds the types, `reader` the file reading, `entries` the FAQ entries, `counties` the area hierarchy and
each county's overlay, `checks` the checks across the pack, `loader` the order they run in.
"""

from bot.content.loader import load_content
from bot.content.model import (
    FACET_NAMES,
    ID_PATTERN,
    NUMBER,
    PHONE_LIKE,
    Action,
    Category,
    Contact,
    ContentError,
    ContentPack,
    County,
    FacetText,
    FaqEntry,
    OutOfScopeTopic,
    Source,
    SourceDocument,
    Township,
    fold,
)

__all__ = [
    "FACET_NAMES",
    "ID_PATTERN",
    "NUMBER",
    "PHONE_LIKE",
    "Action",
    "Category",
    "Contact",
    "ContentError",
    "ContentPack",
    "County",
    "FacetText",
    "FaqEntry",
    "OutOfScopeTopic",
    "Source",
    "SourceDocument",
    "Township",
    "fold",
    "load_content",
]
