"""The migrations shipped in storage/migrations: found, checked (no gaps, no two files with one number) and
ordered per dialect. Applying them is the engines' business (`Database.migrate`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from storage.errors import StorageError

_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+?)(?:\.(sqlite|postgresql))?\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations(dialect: str = "sqlite") -> list[Migration]:
    """Every migration shipped in storage/migrations for `dialect`, in order (a dialect's own file
    replaces the plain one of the same number)."""
    plain: dict[int, Migration] = {}
    own: dict[int, Migration] = {}
    for item in resources.files("storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(item.name)
        if not match:
            continue
        number, for_dialect = int(match.group(1)), match.group(3)
        found = Migration(number, item.name, item.read_text(encoding="utf-8"))
        table = plain if for_dialect is None else own if for_dialect == dialect else None
        if table is None:
            continue
        if number in table:  # two files with one number: one of them would silently never run
            raise StorageError(f"two migrations numbered {number:03d}: {table[number].name} and {item.name}")
        table[number] = found
    numbers = sorted(plain)
    # No gaps: a migration numbered below the database's version would silently never run.
    if numbers != list(range(1, len(numbers) + 1)):
        raise StorageError(f"migrations must be numbered 001, 002, … without gaps, found {numbers}")
    return [own.get(n, plain[n]) for n in numbers]
