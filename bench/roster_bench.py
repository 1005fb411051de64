"""Roster benchmark: import of a 100,000-row ledger, reach and 1131 reports over 1,000,000 service events,
XLSX exports, and peak memory.

Everything is generated (fictional checksum-valid ID numbers): a ledger XLSX over all townships and
villages; 60% of people bound to a chat account; one briefing campaign to everyone through the real
outbox table (delivery outcomes then set in bulk: 85% sent, the rest unreachable) with 30% confirmations;
1,000,000 service events spread over the four 1131 kinds, some recorded against chat users before binding.

Run by hand:  .venv/bin/python bench/roster_bench.py [--people 100000] [--events 1000000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.briefings.catalog import load_briefings  # noqa: E402
from bot.briefings.send import start_campaign  # noqa: E402
from bot.content import load_content  # noqa: E402
from bot.outbox.sender import Outbox  # noqa: E402
from bot.reports.exports import export_completion, export_reach, export_roster  # noqa: E402
from bot.reports.service import first_unreached  # noqa: E402
from bot.roster.importer import import_ledger  # noqa: E402
from bot.roster.visibility import Viewer  # noqa: E402
from storage import Database  # noqa: E402
from storage.briefings import BriefingStore  # noqa: E402
from storage.ledger import rebuild_counts  # noqa: E402
from storage.people import Scope  # noqa: E402
from storage.reports import ReportStore  # noqa: E402
from storage.roster import RosterStore  # noqa: E402

KEY = "bench-key"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
KINDS = ("policy_briefing", "career_guidance", "job_recommendation", "training")


def make_id(n: int) -> str:
    born = f"19{60 + n % 40:02d}{1 + n % 12:02d}{1 + n % 28:02d}"
    body = f"{140928 + n // 1000 % 50:06d}{born}{n % 1000:03d}"[:17]
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def write_ledger(path: Path, people: int, townships: list[str]) -> None:
    from openpyxl import Workbook

    rng = random.Random(1)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    sheet.append(["五寨县2023年脱贫户、监测户劳动力务工台账"])
    sheet.append(["序号", "姓名", "身份证号码", "联系电话", "乡镇", "村", "户主", "人员类别", "务工状态"])
    for n in range(people):
        township = townships[n % len(townships)]
        sheet.append(
            [
                n + 1,
                f"劳{n}",
                make_id(n),
                f"13{rng.randrange(10**9):09d}",
                township,
                f"{n // len(townships) % 20}村",
                f"户{n // 4}",
                "脱贫户" if n % 3 else "监测户",
                "务工" if n % 2 else "未就业",
            ]
        )
    book.save(path)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def timed(label: str, coro: object) -> object:
    """Wall time, and CPU time of this process (all its threads): on a shared machine the CPU time is the
    steadier figure to compare runs by."""
    started, cpu = time.perf_counter(), time.process_time()
    result = await coro  # type: ignore[misc]
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label:40} {wall:7.2f} s  cpu {used:6.2f} s  (peak RSS {peak_mb():.0f} MB)")
    return result


async def bench(people: int, events: int, folder: Path) -> None:
    content = load_content(ROOT / "content")
    townships = [t.name for t in content.townships.values()]
    ledger = folder / "ledger.xlsx"
    started = time.perf_counter()
    write_ledger(ledger, people, townships)
    print(f"(generated a {people}-row ledger in {time.perf_counter() - started:.1f} s)")
    async with await Database.open(folder / "bench.sqlite3") as db:
        store = RosterStore(db)
        started = time.perf_counter()
        report = await timed(f"import {people} people (XLSX)", import_ledger(ledger, store, content, KEY))
        assert getattr(report, "applied", False), getattr(report, "summary", lambda: "")()
        print(f"  {people / (time.perf_counter() - started):,.0f} rows/s")
        started = time.perf_counter()
        await timed(f"re-import {people} people (all updates)", import_ledger(ledger, store, content, KEY))
        print(f"  {people / (time.perf_counter() - started):,.0f} rows/s")

        ids = [r[0] for r in await db.fetchall("SELECT person_id FROM people ORDER BY person_id")]
        rng = random.Random(2)
        bound = [(f"u{i}", pid) for i, pid in enumerate(ids) if rng.random() < 0.6]
        await db.executemany(
            "INSERT INTO bindings (channel, user_id, person_id, method, bound_at) VALUES ('bench', ?, ?, 'code', '')",
            bound,
        )
        rows: list[tuple[str, str | None, str | None, str | None, str]] = []
        for n in range(events):
            kind = KINDS[n % 4] if n % 7 else "job_recommendation"
            if n % 50 == 0 and bound:
                user, _ = bound[rng.randrange(len(bound))]
                rows.append((kind, None, "bench", user, f"r{n}"))
            else:
                rows.append((kind, ids[rng.randrange(len(ids))], None, None, f"r{n % 5000}"))
        started = time.perf_counter()
        async with db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO service_events (kind, person_id, channel, user_id, ref, source, occurred_at, "
                "created_at) VALUES (?, ?, ?, ?, ?, 'bot', '2024-01-01', '2024-01-01') ON CONFLICT DO NOTHING",
                rows,
            )
            await rebuild_counts(tx)  # bulk-loaded past the ledger store, so count once here
        count = (await db.fetchone("SELECT count(*) FROM service_events"))[0]  # type: ignore[index]
        print(f"(inserted {count} service events in {time.perf_counter() - started:.1f} s)")
        del rows

        briefing = load_briefings(content)["transport-retention"]
        result = await timed(
            "campaign to everyone (targets + outbox)", start_campaign(db, Outbox(db), content, briefing)
        )
        cid = getattr(result, "campaign_id", 1)
        await db.execute(
            "UPDATE outbox SET status = CASE WHEN abs(random()) % 100 < 85 THEN 'sent' ELSE 'unreachable' END, "
            "sent_at = '2024-01-02' WHERE item_kind = 'briefing'"
        )
        await db.execute(
            "UPDATE briefing_targets SET confirmed_at = '2024-01-02', knew_before = abs(random()) % 2 "
            "WHERE channel IS NOT NULL AND abs(random()) % 100 < 30"
        )
        await timed("ledger sync of sent briefings", BriefingStore(db).sync_ledger())

        reports = ReportStore(db)
        await db.execute("ANALYZE")
        await timed("reach report (county, by village)", reports.reach(cid, Scope()))
        first = content.townships[next(iter(content.townships))].id
        await timed("reach report (one township)", reports.reach(cid, Scope(first)))
        await timed("unreached list in chat (first 80)", first_unreached(db, content, cid, Scope()))
        found = await timed("unreached list (county, all rows)", reports.unreached(cid, Scope()))
        print(f"  {len(found)} unreached")  # type: ignore[arg-type]
        await timed("answers report", reports.answers(cid, Scope()))
        await timed("1131 report (county, per township)", reports.completion(Scope()))
        await timed("1131 report (one township)", reports.completion(Scope(first)))
        campaign = await BriefingStore(db).campaign(cid)
        assert campaign is not None
        bureau = Viewer.bureau(full_phones=True)
        export = export_reach(db, content, campaign, "#1", bureau, folder / "r.xlsx")
        await timed("XLSX export: reach + unreached", export)
        await timed("XLSX export: 1131 completion", export_completion(db, content, bureau, folder / "c.xlsx"))
        await timed("XLSX export: roster with 1131", export_roster(db, content, bureau, folder / "a.xlsx"))
        await timed("CSV export: roster with 1131", export_roster(db, content, bureau, folder / "a.csv"))
        print(f"peak RSS {peak_mb():.0f} MB; database {(folder / 'bench.sqlite3').stat().st_size / 2**20:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the files here instead of a temporary folder")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        asyncio.run(bench(args.people, args.events, args.keep))
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(args.people, args.events, Path(folder)))


if __name__ == "__main__":
    main()
