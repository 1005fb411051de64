"""Aggregate queries behind the bureau's reports: briefing reach, the unreached, answers and the 1131 record."""

from __future__ import annotations

from dataclasses import dataclass

from storage.briefings import ITEM_KIND
from storage.database import Database
from storage.people import Person, Scope

_FAILED = "('unreachable', 'invalid', 'out_of_window', 'failed', 'cancelled')"
_AFTER = "AND (p.village, p.name, p.person_id) > (?, ?, ?) "  # keyset paging, served by index people_order
PageKey = tuple[str, str, str]

# 1131 counts per person: service_counts (kept by storage/ledger.py), plus events of bound chat accounts recorded
# after binding (still keyed by account) that the person does not already have.


def _extra(within: str = "") -> str:
    """Counts of unmoved events per person; `within` (a join on people q) keeps them to a scope's people."""
    return (
        "SELECT person_id, count(*) FILTER (WHERE kind = 'policy_briefing') AS pb, "
        "count(*) FILTER (WHERE kind = 'career_guidance') AS cg, "
        "count(*) FILTER (WHERE kind = 'job_recommendation') AS jr, count(*) FILTER (WHERE kind = 'training') AS tr "
        "FROM (SELECT DISTINCT b.person_id, e.kind, e.ref FROM service_events e "
        f"JOIN bindings b ON b.channel = e.channel AND b.user_id = e.user_id {within}WHERE e.person_id IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM service_events x WHERE x.person_id = b.person_id AND x.kind = e.kind "
        "AND x.ref = e.ref)) AS moved GROUP BY person_id"
    )


_EXTRA = _extra()
_JOIN = f"LEFT JOIN service_counts c ON c.person_id = p.person_id LEFT JOIN ({_EXTRA}) x ON x.person_id = p.person_id"


def _scoped_extra(scope: Scope) -> tuple[str, tuple[str, ...]]:
    """_EXTRA for a county's (or township's) report: its unmoved events only of the scope's people, so one
    county's report does not scan the whole deployment's. (SQL, its parameters)."""
    where, params = scope.where("q")
    if not params:
        return _EXTRA, ()
    return _extra(f"JOIN people q ON q.person_id = b.person_id AND {where} "), params


_PB = "(coalesce(c.briefing, 0) + coalesce(x.pb, 0))"
_CG = "(coalesce(c.guidance, 0) + coalesce(x.cg, 0))"
_JR = "(coalesce(c.recommendations, 0) + coalesce(x.jr, 0))"
_TR = "(coalesce(c.training, 0) + coalesce(x.tr, 0))"


@dataclass(frozen=True, slots=True)
class ReachRow:
    township_id: str
    village: str
    targeted: int
    not_bound: int
    delivered: int
    confirmed: int
    unreachable: int
    pending: int


@dataclass(frozen=True, slots=True)
class CompletionRow:
    """1131 counts of one township (or village); the services are counted among those who want work."""

    township_id: str
    people: int
    briefing: int  # ≥ 1 政策宣讲
    guidance: int  # ≥ 1 职业指导
    recommendations: int  # ≥ 3 岗位推介
    training: int  # ≥ 1 技能培训或就业见习
    complete: int  # all four
    village: str = ""  # per village when the report is for one township
    wanting: int = 0  # 有就业意愿: the denominator of the completion rate


@dataclass(frozen=True, slots=True)
class Status1131:
    briefing: int
    guidance: int
    recommendations: int
    training: int

    @property
    def complete(self) -> bool:
        return self.briefing >= 1 and self.guidance >= 1 and self.recommendations >= 3 and self.training >= 1


class ReportStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def reach(self, campaign_id: int, scope: Scope) -> list[ReachRow]:
        where, params = scope.where()
        rows = await self.db.fetchall(
            "SELECT p.township_id, p.village, count(*), count(*) FILTER (WHERE t.channel IS NULL), "
            "count(*) FILTER (WHERE o.status = 'sent'), count(*) FILTER (WHERE t.confirmed_at IS NOT NULL), "
            f"count(*) FILTER (WHERE o.status IN {_FAILED}), "
            "count(*) FILTER (WHERE o.status IN ('pending', 'sending')) "
            "FROM briefing_targets t JOIN people p ON p.person_id = t.person_id "
            "LEFT JOIN outbox o ON o.item_kind = ? AND o.item_id = ? AND o.channel = t.channel "
            "AND o.recipient = t.user_id "
            f"WHERE t.campaign_id = ? AND {where} GROUP BY p.township_id, p.village ORDER BY p.township_id, p.village",
            (ITEM_KIND, str(campaign_id), campaign_id, *params),
        )
        return [ReachRow(*(r[0], r[1]), *(int(v or 0) for v in r[2:])) for r in rows]

    async def unreached(self, campaign_id: int, scope: Scope, limit: int = -1) -> list[tuple[Person, str]]:
        """Targeted people the briefing did not reach: (person, 'not_bound' or the outbox's failure)."""
        where, params = scope.where()
        cols = ", ".join(f"p.{c}" for c in Person.__slots__)
        rows = await self.db.fetchall(
            f"SELECT {cols}, CASE WHEN t.channel IS NULL THEN 'not_bound' ELSE o.status END "
            "FROM briefing_targets t JOIN people p ON p.person_id = t.person_id "
            "LEFT JOIN outbox o ON o.item_kind = ? AND o.item_id = ? AND o.channel = t.channel "
            "AND o.recipient = t.user_id "
            f"WHERE t.campaign_id = ? AND (t.channel IS NULL OR o.status IN {_FAILED}) AND {where} "
            "ORDER BY p.township_id, p.village, p.name" + (" LIMIT ?" if limit >= 0 else ""),
            (ITEM_KIND, str(campaign_id), campaign_id, *params, *((limit,) if limit >= 0 else ())),
        )
        return [(Person(*r[:-1]), str(r[-1])) for r in rows]

    async def answers(self, campaign_id: int, scope: Scope) -> list[tuple[str, int, int, int, int, int, int]]:
        """Per township: confirmed, knew yes, knew no, received yes, no, not applicable."""
        where, params = scope.where()
        rows = await self.db.fetchall(
            "SELECT p.township_id, count(*) FILTER (WHERE t.confirmed_at IS NOT NULL), "
            "count(*) FILTER (WHERE t.knew_before = 1), count(*) FILTER (WHERE t.knew_before = 0), "
            "count(*) FILTER (WHERE t.received_subsidy = 'yes'), count(*) FILTER (WHERE t.received_subsidy = 'no'), "
            "count(*) FILTER (WHERE t.received_subsidy = 'na') "
            "FROM briefing_targets t JOIN people p ON p.person_id = t.person_id "
            f"WHERE t.campaign_id = ? AND {where} GROUP BY p.township_id ORDER BY p.township_id",
            (campaign_id, *params),
        )
        return [(r[0], *(int(v or 0) for v in r[1:])) for r in rows]

    async def completion(self, scope: Scope, by_village: bool = False, wants_work: bool = False) -> list[CompletionRow]:
        """Per township, or per village of the scope's township(s) when by_village; only those who want work
        (有就业意愿) when wants_work.

        One grouped query: the counts from service_counts for everyone in scope (a covering-index join, no
        table rows), plus, for the few people whose bound accounts still hold events (_EXTRA), the difference
        those events make (their status with the events minus without), summed per group."""
        where, params = scope.where()
        extra, within = _scoped_extra(scope)
        if wants_work:
            where = f"{where} AND p.wants_work = 1"  # decided at import: bot/roster/fields.py wants_work
        village = "p.village" if by_village else "''"
        base = tuple(f"coalesce(c.{c}, 0)" for c in ("briefing", "guidance", "recommendations", "training"))
        moved = (_PB, _CG, _JR, _TR)
        rows = await self.db.fetchall(
            "SELECT township_id, village, sum(people), sum(pb), sum(cg), sum(jr), sum(tr), sum(done), sum(wanting) "
            f"FROM (SELECT p.township_id AS township_id, {village} AS village, count(*) AS people, "
            f"{_flags(base)}, count(*) FILTER (WHERE p.wants_work = 1) AS wanting "
            f"FROM people p LEFT JOIN service_counts c ON c.person_id = p.person_id WHERE {where} GROUP BY 1, 2 "
            f"UNION ALL SELECT p.township_id, {village}, 0, {_flags(moved, base)}, 0 "
            f"FROM ({extra}) x JOIN people p ON p.person_id = x.person_id "
            f"LEFT JOIN service_counts c ON c.person_id = p.person_id WHERE {where} GROUP BY 1, 2) AS parts "
            "GROUP BY township_id, village ORDER BY township_id, village",
            (*params, *within, *params),
        )
        out = []
        for r in rows:
            n = [int(v or 0) for v in r[2:]]
            out.append(CompletionRow(r[0], n[0], n[1], n[2], n[3], n[4], n[5], village=r[1], wanting=n[6]))
        return out

    async def statuses(self, scope: Scope) -> list[tuple[Person, Status1131]]:
        """Every person in scope with their 1131 counts (for exports)."""
        where, params = scope.where()
        cols = ", ".join(f"p.{c}" for c in Person.__slots__)
        rows = await self.db.fetchall(
            f"SELECT {cols}, {_PB}, {_CG}, {_JR}, {_TR} FROM people p {_JOIN} "
            f"WHERE {where} ORDER BY p.township_id, p.village, p.name",
            params,
        )
        return [(Person(*r[:-4]), Status1131(*r[-4:])) for r in rows]

    async def status_of(self, person_id: str) -> Status1131:
        row = await self.db.fetchone(
            f"SELECT {_PB}, {_CG}, {_JR}, {_TR} FROM people p {_JOIN} WHERE p.person_id = ?", (person_id,)
        )
        return Status1131(*(int(v or 0) for v in row)) if row else Status1131(0, 0, 0, 0)

    # --- pages for exports: one township at a time, keyset-paged in (village, name, person_id) order ----------

    async def townships(self, scope: Scope) -> list[str]:
        """Township ids with people in the scope (the caller puts them in the county's official order)."""
        if scope.township_id is not None:
            return [scope.township_id]
        if scope.county_id is not None:
            return list(scope.county_townships)
        return [str(r[0]) for r in await self.db.fetchall("SELECT DISTINCT township_id FROM people")]

    async def status_page(
        self, scope: Scope, township_id: str, after: PageKey | None, limit: int
    ) -> list[tuple[Person, Status1131]]:
        """People of one township in scope with their 1131 counts, the `limit` after `after`."""
        where, params = scope.where()
        cols = ", ".join(f"p.{c}" for c in Person.__slots__)
        rows = await self.db.fetchall(
            f"SELECT {cols}, coalesce(c.briefing, 0), coalesce(c.guidance, 0), coalesce(c.recommendations, 0), "
            "coalesce(c.training, 0) FROM people p LEFT JOIN service_counts c ON c.person_id = p.person_id "
            f"WHERE p.township_id = ? AND {where} {_AFTER if after else ''}"
            "ORDER BY p.village, p.name, p.person_id LIMIT ?",
            (township_id, *params, *(after or ()), limit),
        )
        found = [(Person(*r[:-4]), [int(v) for v in r[-4:]]) for r in rows]
        extra = await self._unmoved_events([p.person_id for p, _ in found])
        out = []
        for person, counts in found:
            more = extra.get(person.person_id, (0, 0, 0, 0))
            out.append((person, Status1131(*(a + b for a, b in zip(counts, more, strict=True)))))
        return out

    async def _unmoved_events(self, person_ids: list[str]) -> dict[str, tuple[int, int, int, int]]:
        """1131 counts from events of the people's bound accounts that are still keyed by the account."""
        if not person_ids:
            return {}
        marks = ", ".join("?" * len(person_ids))
        rows = await self.db.fetchall(
            "SELECT person_id, count(*) FILTER (WHERE kind = 'policy_briefing'), "
            "count(*) FILTER (WHERE kind = 'career_guidance'), count(*) FILTER (WHERE kind = 'job_recommendation'), "
            "count(*) FILTER (WHERE kind = 'training') FROM (SELECT DISTINCT b.person_id, e.kind, e.ref "
            "FROM bindings b JOIN service_events e ON e.channel = b.channel AND e.user_id = b.user_id "
            f"WHERE b.person_id IN ({marks}) AND e.person_id IS NULL AND NOT EXISTS (SELECT 1 FROM service_events x "
            "WHERE x.person_id = b.person_id AND x.kind = e.kind AND x.ref = e.ref)) AS moved GROUP BY person_id",
            tuple(person_ids),
        )
        return {str(r[0]): (int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows}

    async def unreached_page(
        self, campaign_id: int, scope: Scope, township_id: str, after: PageKey | None, limit: int
    ) -> list[tuple[Person, str]]:
        """Targeted people of one township the briefing did not reach, the `limit` after `after`."""
        where, params = scope.where()
        cols = ", ".join(f"p.{c}" for c in Person.__slots__)
        rows = await self.db.fetchall(
            f"SELECT {cols}, CASE WHEN t.channel IS NULL THEN 'not_bound' ELSE o.status END "
            "FROM people p JOIN briefing_targets t ON t.campaign_id = ? AND t.person_id = p.person_id "
            "LEFT JOIN outbox o ON o.item_kind = ? AND o.item_id = ? AND o.channel = t.channel "
            f"AND o.recipient = t.user_id WHERE p.township_id = ? AND (t.channel IS NULL OR o.status IN {_FAILED}) "
            f"AND {where} {_AFTER if after else ''}ORDER BY p.village, p.name, p.person_id LIMIT ?",
            (campaign_id, ITEM_KIND, str(campaign_id), township_id, *params, *(after or ()), limit),
        )
        return [(Person(*r[:-1]), str(r[-1])) for r in rows]


def _flags(counts: tuple[str, ...], minus: tuple[str, ...] = ()) -> str:
    """Per 1131 service (and all four), how many in the group who want work reach it with `counts`; with
    `minus`, how many more than with `minus` (the difference events still keyed by account make)."""

    def reached(c: tuple[str, ...]) -> list[str]:
        want = "p.wants_work = 1 AND "
        parts = [f"{c[0]} >= 1", f"{c[1]} >= 1", f"{c[2]} >= 3", f"{c[3]} >= 1"]
        return [f"count(*) FILTER (WHERE {want}{x})" for x in [*parts, " AND ".join(parts)]]

    names = ("pb", "cg", "jr", "tr", "done")
    if not minus:
        return ", ".join(f"{x} AS {n}" for x, n in zip(reached(counts), names, strict=True))
    return ", ".join(f"{x} - {y}" for x, y in zip(reached(counts), reached(minus), strict=True))


def page_key(person: Person) -> PageKey:
    return (person.village, person.name, person.person_id)
