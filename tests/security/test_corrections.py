"""Re-importing the ledger keeps work information a liaison confirmed after the ledger was saved."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path

from bot.roster.importer import import_ledger
from bot.services import Services
from handlers import build_dispatcher
from storage import Staff
from storage.roster import RosterStore
from tests.conftest import Chat
from tests.fakes.roster_data import KEY, make_id, person_row, roster_config, write_xlsx


async def test_confirmed_corrections_survive_a_reimport_and_conflicts_are_reported(
    services: Services, tmp_path: Path
) -> None:
    rsvc = dataclasses.replace(services, config=roster_config(services.config))
    ledger = write_xlsx(tmp_path / "台账.xlsx", [person_row(1), person_row(2)])
    an_hour_ago = time.time() - 3600
    os.utime(ledger, (an_hour_ago, an_hour_ago))  # the bureau saved the ledger before the corrections
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
    corrected = await store.person(zhang.person_id)
    assert corrected is not None and (corrected.work_place, corrected.phone) == ("北京市朝阳区", "13800001111")

    again = await import_ledger(ledger, store, rsvc.content, KEY)  # the same, older file once more
    assert again.applied and again.updated == 2
    assert await store.person(zhang.person_id) == corrected  # the confirmed corrections survived
    conflicts = {(c.where, c.field, c.ledger, c.confirmed) for c in again.conflicts}
    assert conflicts == {
        ("第2行", "work_place", "太原市", "北京市朝阳区"),
        ("第2行", "phone", zhang.phone, "13800001111"),
    }
    summary = again.summary()
    assert "不一致 2 处" in summary and "北京市朝阳区" in summary and "138****1111" in summary
    assert "13800001111" not in summary

    newer = write_xlsx(tmp_path / "新台账.xlsx", [person_row(1), person_row(2)])  # saved after the corrections
    later = time.time() + 60
    os.utime(newer, (later, later))
    third = await import_ledger(newer, store, rsvc.content, KEY)
    assert third.conflicts == []
    after = await store.person(zhang.person_id)
    assert after is not None and after.work_place == "太原市"  # a newer ledger is the bureau's word
