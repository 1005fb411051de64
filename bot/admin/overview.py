"""The figures behind 总览, for one scope: briefing reach, 1131 among those who want work, questions, postings.

Aggregates over the whole roster are cached for a few seconds per scope, and concurrent requests for the
same figures share one computation (single flight), so twenty staff opening 总览 cost one query each.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot.postings.dates import today
from bot.reports.service import by_township
from bot.services import Services
from storage.briefings import Campaign
from storage.postings import Posting
from storage.questions import OpenQuestion, QuestionStore
from storage.reports import CompletionRow, ReachRow, ReportStore
from storage.roster import Scope

T = TypeVar("T")
TTL = 15.0  # seconds the roster-wide figures may be old
REACH_TTL = 3.0  # a campaign's reach while it is being sent: nearly live


class FlightCache:
    """Values by key, kept `ttl` seconds; one computation per key at a time."""

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._values: dict[Any, tuple[float, Any]] = {}
        self._locks: dict[Any, asyncio.Lock] = {}

    async def get(self, key: Any, compute: Callable[[], Awaitable[T]], ttl: float | None = None) -> T:
        ttl = self.ttl if ttl is None else ttl
        hit = self._values.get(key)
        if hit is not None and time.monotonic() - hit[0] < ttl:
            return hit[1]  # type: ignore[no-any-return]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            hit = self._values.get(key)
            if hit is not None and time.monotonic() - hit[0] < ttl:
                return hit[1]  # type: ignore[no-any-return]
            value = await compute()
            self._values[key] = (time.monotonic(), value)
            return value

    def clear(self) -> None:
        self._values.clear()


@dataclass(frozen=True, slots=True)
class Overview:
    campaign: Campaign | None
    reach: list[ReachRow]  # per township (county) or per village
    reach_total: ReachRow | None
    completion: list[CompletionRow]
    completion_total: CompletionRow | None
    asked_this_week: int
    open_count: int
    top_open: list[OpenQuestion]
    postings: list[Posting]


def total_reach(rows: Sequence[ReachRow]) -> ReachRow | None:
    if not rows:
        return None
    sums = [sum(getattr(r, f) for r in rows) for f in ReachRow.__slots__[2:]]
    return ReachRow("", "", *sums)


def total_completion(rows: Sequence[CompletionRow]) -> CompletionRow | None:
    if not rows:
        return None
    names = ("people", "briefing", "guidance", "recommendations", "training", "complete")
    return CompletionRow("", *(sum(getattr(r, n) for r in rows) for n in names))


R = TypeVar("R", ReachRow, CompletionRow)


def official_order(rows: Sequence[R], order: Sequence[str]) -> list[R]:
    """Rows in the county's official township order (content/townships.toml), villages by name inside."""
    rank = {township_id: i for i, township_id in enumerate(order)}
    return sorted(rows, key=lambda r: (rank.get(r.township_id, len(rank)), r.township_id, r.village))


async def reach_rows(
    reports: ReportStore, campaign_id: int, scope: Scope, cache: FlightCache, order: Sequence[str] = ()
) -> list[ReachRow]:
    """Reach per township for the county, per village inside one township."""

    async def compute() -> list[ReachRow]:
        rows = await reports.reach(campaign_id, scope)
        return official_order(by_township(rows) if scope.township_id is None else rows, order)

    return await cache.get(("reach", campaign_id, scope), compute, ttl=REACH_TTL)


async def completion_rows(
    reports: ReportStore, scope: Scope, cache: FlightCache, order: Sequence[str] = ()
) -> list[CompletionRow]:
    """1131 completion among those who want work: per township for the county, per village inside one."""

    async def compute() -> list[CompletionRow]:
        rows = await reports.completion(scope, by_village=scope.township_id is not None, wants_work=True)
        return official_order(rows, order)

    return await cache.get(("1131", scope), compute)


async def overview(svc: Services, scope: Scope, cache: FlightCache) -> Overview:
    order = list(svc.content.townships)
    campaigns = await svc.briefings.campaigns(limit=1)
    campaign = campaigns[0] if campaigns else None
    reach = await reach_rows(svc.reports, campaign.id, scope, cache, order) if campaign else []
    completion = await completion_rows(svc.reports, scope, cache, order)
    week_ago = (datetime.now(UTC) - timedelta(days=7)).isoformat(timespec="seconds")
    asked, open_count, top = await cache.get(("questions",), lambda: _questions(svc.questions, week_ago))
    townships = [scope.township_id] if scope.township_id else None
    postings = await svc.postings.store.current(today().isoformat(), townships, limit=10)
    return Overview(
        campaign,
        reach,
        total_reach(reach),
        completion,
        total_completion(completion),
        asked,
        open_count,
        top,
        postings,
    )


async def _questions(store: QuestionStore, since: str) -> tuple[int, int, list[OpenQuestion]]:
    return await store.asked_since(since), await store.open_count(), await store.list_open(limit=5)
