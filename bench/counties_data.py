"""The fictional prefecture bench/counties_bench.py loads: a content tree of counties with numbered townships
(the shipped FAQ shared), one county's ledger as the importer's CSV with valid ID numbers, and the other
counties' people and the service events as records for COPY. Seeded: every run generates the same data."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.content import ContentPack

ROOT = Path(__file__).resolve().parent.parent
TOWNSHIPS = 15
VILLAGES = 20
KINDS = ("policy_briefing", "career_guidance", "job_recommendation", "training")
NOW = "2024-01-01T00:00:00+00:00"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # ID number check digit


def make_id(n: int) -> str:
    born = f"19{60 + n % 40:02d}{1 + n % 12:02d}{1 + n % 28:02d}"
    body = f"{140900 + n // 1000 % 99:06d}{born}{n % 1000:03d}"[:17]
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def content_tree(folder: Path, counties: int) -> Path:
    """The shipped content with `counties` fictional counties of TOWNSHIPS townships each."""
    tree = folder / "content"
    shutil.copytree(ROOT / "content", tree)
    (tree / "townships.toml").unlink()
    ids = [f"c{n:02d}" for n in range(1, counties + 1)]
    order = ", ".join(f'"{c}"' for c in ids)
    (tree / "counties.toml").write_text(f'prefecture = "测试市"\ndefault = "c01"\norder = [{order}]\n', "utf-8")
    for n, county in enumerate(ids, start=1):
        own = tree / "counties" / county
        own.mkdir(parents=True)
        towns = [f"{county}-t{t:02d}" for t in range(1, TOWNSHIPS + 1)]
        lines = [f"order = [{', '.join(f'{chr(34)}{t}{chr(34)}' for t in towns)}]\n"]
        for t, town in enumerate(towns, start=1):
            lines.append(f'[[township]]\nid = "{town}"\nname = "{n}县{t}乡"\nkind = "township"\naliases = []\n')
        (own / "townships.toml").write_text("\n".join(lines), "utf-8")
        (own / "county.toml").write_text(f'name = "测试{n}县"\nadopts = ["五人社函〔2023〕24号"]\n', "utf-8")
    return tree


def write_ledger(path: Path, content: ContentPack, county: str, people: int) -> None:
    towns = content.counties[county].townships
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        out.write("姓名,身份证号码,联系电话,乡镇,村,户主,人员类别,务工状态\n")
        for n in range(people):
            town = content.townships[towns[n % len(towns)]].name
            phone = f"13{rng.randrange(10**9):09d}"
            status = "务工" if n % 2 else "未就业"
            out.write(f"劳{n},{make_id(n)},{phone},{town},{n // len(towns) % VILLAGES}村,户{n // 4},脱贫户,{status}\n")


def people_records(content: ContentPack, counties: list[str], first: int, count: int) -> Iterator[tuple[Any, ...]]:
    towns = [t for c in counties for t in content.counties[c].townships]
    for n in range(first, first + count):
        town = towns[n % len(towns)]
        yield (
            f"b{n:08d}",
            f"h{n:08d}",
            f"{n % 10000:04d}",
            f"劳{n}",
            f"138{n % 10**8:08d}",
            town,
            f"{n // len(towns) % VILLAGES}村",
            f"户{n // 4}",
            "脱贫户",
            "务工" if n % 2 else "未就业",
            "",
            "",
            "",
            "",
            "bench",
            NOW,
            NOW,
            0 if n % 10 == 0 else 1,
        )


PEOPLE_COLUMNS = [
    "person_id", "id_hash", "id_last4", "name", "phone", "township_id", "village", "household", "categories",
    "work_status", "work_place", "employer", "wage", "work_since", "ledger", "created_at", "updated_at", "wants_work",
]  # fmt: skip


def event_records(ids: list[str], users: list[str], count: int) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(2)
    for n in range(count):
        kind = KINDS[n % 4] if n % 7 else "job_recommendation"
        if n % 50 == 0:
            yield (kind, None, "bench", users[rng.randrange(len(users))], f"r{n}", "bot", NOW, NOW)
        else:
            yield (kind, ids[rng.randrange(len(ids))], None, None, f"r{n}", "bot", NOW, NOW)
