"""The grouped report queries agree with the per-person record: 1131 completion per township and village
(counts kept in service_counts plus events still keyed by a bound account) and briefing reach per village."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from bot.content import ContentPack
from storage import Database, ServiceLedger
from storage.ledger import EventKind
from storage.people import Scope
from storage.reports import CompletionRow, ReportStore
from tests.fakes.roster_data import person_row, seed

KINDS: tuple[EventKind, ...] = ("policy_briefing", "career_guidance", "job_recommendation", "training")
PLACES = [("孙家坪乡", "东村"), ("孙家坪乡", "西村"), ("前所乡", "南村")]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


def expected(
    statuses: list[tuple[str, str, int, tuple[int, int, int, int]]], by_village: bool, wants_work: bool
) -> list[CompletionRow]:
    """The completion rows tallied person by person from (township, village, wants_work, counts)."""
    groups: dict[tuple[str, str], Counter[str]] = {}
    for township, village, wants, (pb, cg, jr, tr) in statuses:
        if wants_work and not wants:
            continue
        tally = groups.setdefault((township, village if by_village else ""), Counter())
        tally["people"] += 1
        tally["wanting"] += wants
        reached = {"briefing": pb >= 1, "guidance": cg >= 1, "recommendations": jr >= 3, "training": tr >= 1}
        for name, ok in reached.items():
            tally[name] += wants and ok
        tally["complete"] += wants and all(reached.values())
    return [
        CompletionRow(
            t,
            c["people"],
            c["briefing"],
            c["guidance"],
            c["recommendations"],
            c["training"],
            c["complete"],
            v,
            c["wanting"],
        )
        for (t, v), c in sorted(groups.items())
    ]


async def test_completion_matches_the_per_person_counts(db: Database, content: ContentPack, tmp_path: Path) -> None:
    rng = random.Random(7)
    rows = []
    for n in range(1, 37):
        row = person_row(n, *PLACES[n % len(PLACES)])
        row[8] = "无就业意愿" if n % 5 == 0 else "务工"
        rows.append(row)
    store = await seed(db, content, tmp_path, rows)
    people = await store.people(Scope())
    ledger = ServiceLedger(db)
    for i, person in enumerate(people):
        for _ in range(rng.randrange(6)):
            await ledger.record(rng.choice(KINDS), f"r{rng.randrange(4)}", person_id=person.person_id)
        if i % 3 == 0:  # a bound account: events before binding move to the person, later ones stay keyed by it
            user = f"u{i}"
            await ledger.record("job_recommendation", "before", channel="test", user_id=user)
            await store.bind("test", user, person.person_id, "code")
            for ref in ("a", "b", "r0"):
                await ledger.record(rng.choice(KINDS), ref, channel="test", user_id=user)

    reports = ReportStore(db)
    wants = {p.person_id: p.wants_work for p in people}
    per_person = [
        (p.township_id, p.village, wants[p.person_id], (s.briefing, s.guidance, s.recommendations, s.training))
        for p, s in await reports.statuses(Scope())
    ]
    kept = await db.fetchone("SELECT sum(briefing + guidance + recommendations + training) FROM service_counts")
    assert kept is not None and sum(sum(c) for *_, c in per_person) > int(kept[0])  # some still keyed by account
    for person_id in list(wants)[:6]:  # the single-person path agrees with the listing
        status = await reports.status_of(person_id)
        listed = next(c for p, c in await reports.statuses(Scope()) if p.person_id == person_id)
        assert status == listed
    for scope in (Scope(), Scope("sunjiaping"), Scope("sunjiaping", "西村")):
        mine = [s for s in per_person if scope.covers(s[0], s[1])]
        for by_village in (False, True):
            for wants_work in (False, True):
                got = await reports.completion(scope, by_village=by_village, wants_work=wants_work)
                assert got == expected(mine, by_village, wants_work), (scope, by_village, wants_work)
