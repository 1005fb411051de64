"""Reading the files of `content/`: TOML tables and their typed fields, the sources, townships, synonyms and
glossary, each problem recorded with its file and entry (so a content author sees every one at once)."""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.content.model import ID_PATTERN, ContentPack, SourceDocument, Township, fold
from bot.facts import sentence_problems, sentences


class Reader:
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

    def load_glossary(self) -> dict[str, tuple[str, ...]]:
        glossary: dict[str, tuple[str, ...]] = {}
        for term, forms in self.toml("glossary.toml").items():
            if not isinstance(forms, list) or not all(isinstance(f, str) and f for f in forms):
                self.problem("glossary.toml", term, "must map to a list of the forms the source uses")
                continue
            glossary[term] = tuple(forms)
        return glossary

    def check_sentences(
        self, file: str, where: str, text: str, basis: tuple[str, ...] | list[str], pack: ContentPack
    ) -> None:
        for sentence in sentences(text):
            for what in sentence_problems(sentence, basis, pack.glossary):
                self.problem(file, where, f"{what} without a source clause saying so: {sentence!r}")
