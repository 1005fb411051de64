"""The prefecture's roll-up: per-township report rows summed per county, counties in the deployment's order.

A deployment of several counties (content/counties.toml) reports to its prefecture staff one row per county;
each county's own report (a county's bureau, or `--county`) stays per township in the county's official
order. One-county deployments never roll up, so their reports are unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any, TypeVar

from bot.content import ContentPack
from storage.people import Scope
from storage.reports import CompletionRow, ReachRow

R = TypeVar("R", ReachRow, CompletionRow)


def rolls_up(content: ContentPack, scope: Scope) -> bool:
    """A report over every county of a deployment that has several: shown per county."""
    return content.multi and scope.county_id is None and scope.township_id is None


def by_county(rows: Sequence[R], content: ContentPack) -> list[R]:
    """Rows summed per county (township_id = the county id, village ''), in the deployment's county order;
    counties without rows are left out."""
    groups: dict[str, list[R]] = {}
    for row in rows:
        groups.setdefault(content.county_of(row.township_id), []).append(row)
    return [_sum(groups[c], c) for c in content.counties if c in groups]


def _sum(rows: Sequence[R], county_id: str) -> R:
    values: dict[str, Any] = {}
    for f in fields(rows[0]):
        first = getattr(rows[0], f.name)
        values[f.name] = sum(getattr(r, f.name) for r in rows) if isinstance(first, int) else ""
    values["township_id"] = county_id
    return type(rows[0])(**values)


def county_scope(content: ContentPack, county_id: str) -> Scope:
    """The whole of one county (for `--county` and the pages' county filter)."""
    county = content.counties[county_id]
    return Scope(county_id=county.id, county_townships=county.townships)
