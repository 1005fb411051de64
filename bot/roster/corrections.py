"""Confirmed corrections against a re-imported ledger: a correction a liaison confirmed is kept while the
ledger has not caught up with it (the ledger still shows the replaced value, or was saved before the
correction), and each such difference is reported as a conflict for the bureau to resolve.
"""

from __future__ import annotations

import dataclasses
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.privacy import mask_phone
from bot.roster import fields as f
from storage.people import Person
from storage.roster_requests import WORK_FIELDS, Correction


@dataclass(frozen=True, slots=True)
class Conflict:
    """A ledger value that differs from a correction a liaison confirmed after the ledger was saved."""

    where: str
    name: str
    field: str
    ledger: str
    confirmed: str

    def shown(self) -> tuple[str, str, str]:
        """(field label, ledger value, confirmed value) for people to read: phone numbers masked."""
        shown = (mask_phone(self.ledger), mask_phone(self.confirmed)) if self.field == "phone" else None
        ledger, confirmed = shown or (self.ledger, self.confirmed)
        return f.LABELS.get(self.field, self.field), ledger or "空", confirmed or "空"

    def __str__(self) -> str:
        label, ledger, confirmed = self.shown()
        return f"{self.where} {self.name} {label}：台账「{ledger}」，联络员已确认「{confirmed}」"


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


def saved_at(path: Path) -> str:
    """When the ledger was last saved (ISO UTC): the workbook's own "modified" property, else the file's time."""
    if path.suffix.lower() == ".xlsx":
        try:
            with zipfile.ZipFile(path) as book:
                found = _MODIFIED.search(book.read("docProps/core.xml"))
            if found:
                moment = datetime.fromisoformat(found.group(1).decode().strip().replace("Z", "+00:00"))
                moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                return moment.astimezone(UTC).isoformat(timespec="seconds")
        except (OSError, KeyError, ValueError, zipfile.BadZipFile):
            pass
    return datetime.fromtimestamp(os.path.getmtime(path), UTC).isoformat(timespec="seconds")


def _stale(ledger: str, correction: Correction, ledger_saved: str) -> bool:
    """The ledger has not caught up with the correction: it shows the replaced value, or predates it."""
    if ledger == correction.value:
        return False
    return ledger == correction.previous or ledger_saved <= correction.decided_at


def apply_corrections(
    people: list[Person], corrections: dict[tuple[str, str], Correction], wheres: dict[str, str], ledger_saved: str
) -> tuple[list[Person], list[Conflict]]:
    """Keep the confirmed corrections the ledger has not caught up with (loaded once per import, applied per
    batch): the people with those values kept, and each conflict."""
    if not corrections:
        return people, []
    kept: list[Person] = []
    conflicts: list[Conflict] = []
    for person in people:
        changes: dict[str, Any] = {}
        for name in WORK_FIELDS:
            correction = corrections.get((person.person_id, name))
            ledger = getattr(person, name)
            if correction is not None and _stale(ledger, correction, ledger_saved):
                conflicts.append(Conflict(wheres.get(person.id_hash, ""), person.name, name, ledger, correction.value))
                changes[name] = correction.value
        kept.append(dataclasses.replace(person, **changes) if changes else person)
    return kept, conflicts
