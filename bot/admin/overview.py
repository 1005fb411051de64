"""The figures behind 总览, for one scope: briefing reach, 1131 among those who want work, questions, postings.

Aggregates over the whole roster (a second or two for the county at 100,000 laborers) run on the pages' own
read connection (`figures_db`, opened when the server starts), so they never hold up the bot's reader; they
are cached per scope and refreshed in the background (FlightCache), so no page waits for them but the first.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from bot.content import ContentPack
from bot.postings.dates import today
from bot.reports.rollup import by_county, rolls_up
from bot.reports.service import by_township, place
from bot.services import Services
from storage.briefings import Campaign
from storage.people import Scope
from storage.postings import Posting
from storage.questions import OpenQuestion
from storage.reports import CompletionRow, ReachRow, ReportStore

T = TypeVar("T")
log = logging.getLogger(__name__)
TTL = 15.0  # seconds the roster-wide figures may be old
REACH_TTL = 3.0  # a campaign's reach while it is being sent: nearly live


class FlightCache:
    """Values by key, fresh for max(ttl, 5 x the time they took to compute); one computation per key at a time.

    A stale value is served at once while one background task recomputes it (stale-while-revalidate), so a
    request waits for a computation only when there is no value yet; slow figures are recomputed less often.
    """

    def __init__(self, ttl: float = TTL) -> None:
        self.ttl = ttl
        self._values: dict[Any, tuple[float, float, Any]] = {}  # key -> (computed at, seconds taken, value)
        self._locks: dict[Any, asyncio.Lock] = {}
        self._refreshing: dict[Any, asyncio.Task[None]] = {}

    def _fresh(self, key: Any, ttl: float) -> bool:
        stamp, took, _ = self._values[key]
        return time.monotonic() - stamp < max(ttl, 5 * took)

    async def get(self, key: Any, compute: Callable[[], Awaitable[T]], ttl: float | None = None) -> T:
        ttl = self.ttl if ttl is None else ttl
        if key in self._values:
            if not self._fresh(key, ttl) and key not in self._refreshing:
                self._refreshing[key] = asyncio.create_task(self._refresh(key, compute))
            return self._values[key][2]  # type: ignore[no-any-return]
        async with self._locks.setdefault(key, asyncio.Lock()):
            if key not in self._values:
                await self._compute(key, compute)
            return self._values[key][2]  # type: ignore[no-any-return]

    async def _compute(self, key: Any, compute: Callable[[], Awaitable[Any]]) -> None:
        started = time.monotonic()
        value = await compute()
        self._values[key] = (time.monotonic(), time.monotonic() - started, value)

    async def _refresh(self, key: Any, compute: Callable[[], Awaitable[Any]]) -> None:
        try:
            async with self._locks.setdefault(key, asyncio.Lock()):
                await self._compute(key, compute)
        except Exception:
            log.exception("recomputing %s failed; the old figures stay", key)
        finally:
            self._refreshing.pop(key, None)

    def forget(self, match: Callable[[Any], bool]) -> None:
        """Drop the values whose key matches (the next request computes them: for small, changed figures)."""
        for key in [k for k in self._values if match(k)]:
            del self._values[key]

    def expire(self, match: Callable[[Any], bool]) -> None:
        """Mark the matching values stale (the next request gets them once more and starts a refresh)."""
        for key in [k for k in self._values if match(k)]:
            _, took, value = self._values[key]
            self._values[key] = (0.0, took, value)

    def clear(self) -> None:
        """Forget every value (after an import or a recorded service: the next request computes afresh)."""
        self._values.clear()

    async def close(self) -> None:
        for task in list(self._refreshing.values()):
            task.cancel()
        await asyncio.gather(*self._refreshing.values(), return_exceptions=True)


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


def area_rows(content: ContentPack, scope: Scope, rows: Sequence[R]) -> tuple[list[R], dict[str, str], str]:
    """Rows as a page shows them, their names and the URL key of their links: per county for a prefecture
    (a deployment of several counties), else per township or village as computed."""
    if rolls_up(content, scope):
        return by_county(rows, content), {c.id: c.name for c in content.counties.values()}, "county"
    return list(rows), {t: place(content, t) for t in content.townships}, "township"


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


async def overview(svc: Services, reports: ReportStore, scope: Scope, cache: FlightCache) -> Overview:
    """`reports` reads on the pages' own connection (see figures_db)."""
    order = list(svc.content.townships)
    campaigns = await cache.get(("latest",), lambda: svc.briefings.campaigns(limit=1), ttl=2.0)
    campaign = campaigns[0] if campaigns else None
    week_ago = (datetime.now(UTC) - timedelta(days=7)).isoformat(timespec="seconds")
    county = _county(svc, scope)
    townships = [scope.township_id] if scope.township_id else list(scope.county_townships) if scope.county_id else None

    async def reach() -> list[ReachRow]:
        return await reach_rows(reports, campaign.id, scope, cache, order) if campaign else []

    # The figures are independent: computed side by side, a page waits for the slowest, not for their sum.
    reach_, completion, (asked, open_count, top), postings = await asyncio.gather(
        reach(),
        completion_rows(reports, scope, cache, order),
        cache.get(("questions", county), lambda: _questions(svc, week_ago, county)),
        cache.get(
            ("postings", scope.township_id, scope.county_id),
            lambda: svc.postings.store.current(today().isoformat(), townships, limit=10),
        ),
    )
    reach_, completion = area_rows(svc.content, scope, reach_)[0], area_rows(svc.content, scope, completion)[0]
    return Overview(
        campaign,
        reach_,
        total_reach(reach_),
        completion,
        total_completion(completion),
        asked,
        open_count,
        top,
        postings,
    )


def _county(svc: Services, scope: Scope) -> str | None:
    """The county whose open questions the scope shows (None: every county's, or the only one's)."""
    if not svc.content.multi:
        return None
    return scope.county_id or (svc.content.county_of(scope.township_id) if scope.township_id else None)


async def _questions(svc: Services, since: str, county: str | None) -> tuple[int, int, list[OpenQuestion]]:
    """This week's questions, the open ones and the five most asked, of the county (None: all). A question
    counts for its asker's county: their bound person's township's, the default county's when unbound."""
    store, scope = svc.questions, svc.inbox.scope(county)
    if county is None:
        asked = await store.asked_since(since)
    else:
        townships = svc.content.counties[county].townships
        asked = await store.asked_since(since, townships, unbound=county == svc.content.default_county)
    return asked, await store.open_count(scope), await store.list_open(5, False, scope)
