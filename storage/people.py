"""A laborer's roster record (`Person`) and the `Scope` of what a staff member may see, with the SQL pieces
that read people (`COLUMNS`, `SELECT`, `values`); the stores are storage/roster.py and storage/roster_requests.py."""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scope:
    """What a staff member may see: everything (a prefecture, or the bureau of a one-county deployment), one
    county (its bureau: `county_id` with the county's township ids, from content/), one township (station) or
    one village (liaison)."""

    township_id: str | None = None
    village: str | None = None
    county_id: str | None = None
    county_townships: tuple[str, ...] = ()  # the county's townships when county_id is set

    def where(self, alias: str = "p") -> tuple[str, tuple[str, ...]]:
        clauses: list[str] = []
        params: list[str] = []
        if self.county_id is not None:
            marks = ", ".join("?" * len(self.county_townships))
            clauses.append(f"{alias}.township_id IN ({marks})" if marks else "1 = 0")
            params += self.county_townships
        if self.township_id is not None:
            clauses.append(f"{alias}.township_id = ?")
            params.append(self.township_id)
        if self.village is not None:
            clauses.append(f"{alias}.village = ?")
            params.append(self.village)
        return (" AND ".join(clauses) or "1 = 1"), tuple(params)

    def covers(self, township_id: str, village: str) -> bool:
        if self.county_id is not None and township_id not in self.county_townships:
            return False
        return (self.township_id is None or self.township_id == township_id) and (
            self.village is None or self.village == village
        )


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    id_hash: str
    id_last4: str
    name: str
    phone: str
    township_id: str
    village: str
    household: str = ""
    categories: str = ""  # comma-separated
    work_status: str = ""
    work_place: str = ""
    employer: str = ""
    wage: str = ""
    work_since: str = ""
    ledger: str = ""
    wants_work: int = 1  # 有就业意愿 (1) or not (0): who the 1131 services and their completion rate are for


COLUMNS = tuple(f.name for f in dataclasses.fields(Person))
SELECT = "SELECT " + ", ".join(f"p.{c}" for c in COLUMNS) + " FROM people p"
values = operator.attrgetter(*COLUMNS)  # a person's column values (dataclasses.astuple deep-copies: 24% of imports)
