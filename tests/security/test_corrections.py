"""Re-importing the ledger keeps work information a liaison confirmed that the ledger has not caught up with."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.roster.corrections import saved_at
from bot.roster.importer import import_ledger
from bot.services import Services
from handlers import build_dispatcher
from storage import Staff
from storage.people import Person
from storage.roster import RosterStore
from tests.conftest import Chat
from tests.fakes.admin_site import csrf_of, running_site
from tests.fakes.roster_data import HEADER, KEY, make_id, person_row, roster_config, write_xlsx


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


def write_csv(path: Path, rows: list[list[Any]], saved: float) -> Path:
    """A CSV ledger whose file time says when it was saved (a CSV has no time of its own)."""
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows([HEADER, *rows])
    os.utime(path, (saved, saved))
    return path


async def corrected(services: Services, tmp_path: Path) -> tuple[RosterStore, Person, Path]:
    """张1 imported from an xlsx ledger, then 务工地点 and 电话 corrected by 张1 and confirmed by the liaison."""
    rsvc = dataclasses.replace(services, config=roster_config(services.config))
    ledger = write_xlsx(tmp_path / "台账.xlsx", [person_row(1), person_row(2)])
    store = RosterStore(rsvc.db)
    first = await import_ledger(ledger, store, rsvc.content, KEY)
    assert first.applied and first.added == 2
    [zhang] = await store.find("张1", make_id(1)[-4:])
    await store.bind("test", "w1", zhang.person_id, "code")
    await rsvc.directory.add_staff(Staff("test", "east", "liaison", "东村联络员", "sunjiaping", "东村"))
    dispatcher = build_dispatcher(rsvc)
    laborer, liaison = Chat(dispatcher, "w1"), Chat(dispatcher, "east")
    await laborer.say("/gai 务工地点 北京市朝阳区")
    await laborer.say("/gai 电话 13800001111")
    for _ in range(2):
        [request, *_] = await liaison.say("/daiban")
        await liaison.press(request.buttons[0].data)
    now = await store.person(zhang.person_id)
    assert now is not None and (now.work_place, now.phone) == ("北京市朝阳区", "13800001111")
    return store, now, ledger


async def test_reimporting_the_same_ledger_keeps_the_corrections_and_reports_them(
    services: Services, tmp_path: Path
) -> None:
    store, zhang, ledger = await corrected(services, tmp_path)
    again = await import_ledger(ledger, store, services.content, KEY)  # the same file once more
    assert again.applied and again.updated == 2
    assert await store.person(zhang.person_id) == zhang  # the confirmed corrections survived
    old_phone = person_row(1)[3]
    conflicts = {(c.where, c.field, c.ledger, c.confirmed) for c in again.conflicts}
    assert conflicts == {
        ("第2行", "work_place", "太原市", "北京市朝阳区"),
        ("第2行", "phone", old_phone, "13800001111"),
    }
    summary = again.summary()
    assert "不一致 2 处" in summary and "北京市朝阳区" in summary and "138****1111" in summary
    assert "13800001111" not in summary


async def test_a_stale_ledger_uploaded_later_still_loses_to_the_corrections(services: Services, tmp_path: Path) -> None:
    store, zhang, _ = await corrected(services, tmp_path)
    uploaded = write_csv(tmp_path / "台账.csv", [person_row(1), person_row(2)], time.time() + 60)  # file time: now
    report = await import_ledger(uploaded, store, services.content, KEY)
    assert len(report.conflicts) == 2
    assert await store.person(zhang.person_id) == dataclasses.replace(zhang, ledger="台账.csv")


async def test_a_ledger_saved_after_the_correction_with_another_value_wins(services: Services, tmp_path: Path) -> None:
    store, zhang, _ = await corrected(services, tmp_path)
    row = person_row(1)
    row[row.index("太原市")] = "大同市"  # the bureau changed it again, after the correction
    newer = write_csv(tmp_path / "新台账.csv", [row, person_row(2)], time.time() + 60)
    report = await import_ledger(newer, store, services.content, KEY)
    assert [c.field for c in report.conflicts] == ["phone"]  # the phone still shows the replaced number
    after = await store.person(zhang.person_id)
    assert after is not None and (after.work_place, after.phone) == ("大同市", "13800001111")
    older = write_csv(tmp_path / "旧台账.csv", [row, person_row(2)], time.time() - 3600)  # saved before it
    report = await import_ledger(older, store, services.content, KEY)
    assert {c.field for c in report.conflicts} == {"work_place", "phone"}
    kept = await store.person(zhang.person_id)
    assert kept is not None and kept.work_place == "北京市朝阳区"


def test_a_workbooks_own_modified_time_is_its_saved_time(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "l.xlsx", [person_row(1)])
    os.utime(book, (0, 0))
    assert saved_at(book) > "2020"  # the workbook's property, not the file time of 1970
    plain = write_csv(tmp_path / "l.csv", [person_row(1)], 0)
    assert saved_at(plain).startswith("1970-01-01")


async def test_the_workbench_preview_lists_the_conflicts(tmp_path: Path) -> None:
    async with running_site(tmp_path) as site, site.client() as http:
        store = site.services.roster
        [zhang] = await store.find("张2", make_id(2)[-4:])
        request = await store.request("work_info", zhang.person_id, "test", "u-x", "phone", "13800002222")
        assert await store.decide(request, True, "test:liaison") is not None
        await site.login(http, "boss")
        html = await (await http.get("/admin/roster")).text()
        form = aiohttp.FormData()
        body = write_xlsx(tmp_path / "again.xlsx", [person_row(2, "孙家坪乡", "东村")]).read_bytes()
        form.add_field("file", io.BytesIO(body), filename="台账.xlsx", content_type="application/octet-stream")
        preview = await (await http.post(f"/admin/roster/upload?csrf={csrf_of(html)}", data=form)).text()
        assert "不一致 1 处" in preview and "138****2222" in preview and "13800002222" not in preview
