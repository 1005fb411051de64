"""Binding chat accounts to the roster, staff scope, corrections confirmed by liaisons, the staff CLI."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import cli
from bot.dispatcher import Dispatcher
from bot.messages import Inbound
from bot.roster.binding import Binder
from bot.services import Services
from handlers.roster import bind_payload
from storage import Staff
from storage.roster import RosterStore
from tests.conftest import Chat
from tests.fakes.roster_data import KEY, make_id, person_row, seed, write_xlsx


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


@pytest.fixture
async def store(rsvc: Services, tmp_path: Path) -> RosterStore:
    rows = [person_row(1), person_row(2), person_row(3, village="西村"), person_row(4, township="前所乡")]
    store = await seed(rsvc.db, rsvc.content, tmp_path, rows)
    directory = rsvc.directory
    await directory.add_staff(Staff("test", "liaison-east", "liaison", "东村联络员", "sunjiaping", "东村"))
    await directory.add_staff(Staff("test", "liaison-west", "liaison", "西村联络员", "sunjiaping", "西村"))
    await directory.add_staff(Staff("test", "station-q", "station", "前所站", "qiansuo", None))
    return store


async def test_code_binding_single_use_expiring_and_rate_limited(
    rdisp: Dispatcher[Services], store: RosterStore
) -> None:
    liaison = Chat(rdisp, "liaison-east")
    [sheet] = await liaison.say("/bangdingma")
    assert "张1" in sheet.text and "张3" not in sheet.text  # only the liaison's own village
    code = sheet.text.split("张1（后四位")[1].split("：")[1].split()[0]

    laborer = Chat(rdisp, "worker-1")
    [ok] = await laborer.say(f"/bangding {code.lower()}")
    assert "绑定好了" in ok.text and "张*" in ok.text
    assert (await store.bound_person("test", "worker-1")) is not None
    [again] = await Chat(rdisp, "someone-else").say(f"/bangding {code}")
    assert "已经用过" in again.text
    assert (await store.bound_person("test", "someone-else")) is None

    guesser = Chat(rdisp, "guesser")
    for _ in range(3):
        [wrong] = await guesser.say("/bangding ABCDEFGH")
        assert "不对" in wrong.text
    [other] = await liaison.say("/bangdingma")
    code2 = other.text.split("张2（后四位")[1].split("：")[1].split()[0]
    [limited] = await guesser.say(f"/bangding {code2}")
    assert "次数太多" in limited.text  # even a right code waits after too many failures


async def test_expired_code_and_deep_link(rsvc: Services, rdisp: Dispatcher[Services], store: RosterStore) -> None:
    binder = Binder(store, rsvc.config.roster)
    person = (await store.find("张2", make_id(2)[-4:]))[0]
    [old] = await binder.issue([person], "test", hours=-1)
    [expired] = await Chat(rdisp, "w2").say(f"/bangding {old.code}")
    assert "过期" in expired.text
    [fresh] = await binder.issue([person], "test")
    msg = Inbound(channel="test", user_id="w2", chat_id="w2", text=f"/start b_{fresh.code}", payload=f"b_{fresh.code}")
    assert await bind_payload(replace(msg, payload="t_sancha"), rsvc) == []  # not a binding payload
    replies = await bind_payload(msg, rsvc)
    assert "绑定好了" in replies[0].text


async def test_self_service_waits_for_the_liaison_of_that_village(
    rsvc: Services, rdisp: Dispatcher[Services], store: RosterStore
) -> None:
    laborer = Chat(rdisp, "w1")
    [asked] = await laborer.say(f"/bangding 张1 {make_id(1)[-4:]}")
    assert "等村联络员确认" in asked.text
    assert (await store.bound_person("test", "w1")) is None
    [nothing] = await laborer.say("/bangding 张1 0000")
    assert "没找到" in nothing.text

    told = await rsvc.db.fetchall("SELECT recipient FROM outbox WHERE item_kind = 'notice' AND item_id LIKE 'bind:%'")
    assert [r[0] for r in told] == ["liaison-east"]  # the village's liaison is told there is a request
    [west] = await Chat(rdisp, "liaison-west").say("/daiban")
    assert "没有待确认" in west.text  # another village's request is not shown
    [shown] = await Chat(rdisp, "liaison-east").say("/daiban")
    assert "申请绑定" in shown.text and shown.buttons[0].data.startswith("rq:ok:")
    [refused] = await Chat(rdisp, "liaison-west").press(shown.buttons[0].data)
    assert "不归您管" in refused.text
    assert (await store.bound_person("test", "w1")) is None
    [done] = await Chat(rdisp, "liaison-east").press(shown.buttons[0].data)
    assert "已确认" in done.text
    assert (await store.bound_person("test", "w1")) is not None
    audited = [(e[1], e[3], e[4]) for e in await store.audit_entries()]
    assert ("test:liaison-east", "button:rq", shown.buttons[0].data) in audited  # the guard logs staff actions
    assert "bind.request" in [e[1] for e in audited]


async def test_laborer_corrects_work_info(rsvc: Services, rdisp: Dispatcher[Services], store: RosterStore) -> None:
    person = (await store.find("张1", make_id(1)[-4:]))[0]
    await store.bind("test", "w1", person.person_id, "code")
    laborer = Chat(rdisp, "w1")
    [group] = await laborer.say("/xinxi", chat_kind="group")
    assert "私聊" in group.text and "太原" not in group.text  # never in a group
    for text in ("/xinxi", "/gai 电话 13800001111"):
        assert "还没有绑定" in (await Chat(rdisp, "stranger").say(text))[0].text
    [info] = await laborer.say("/xinxi")
    assert person.phone not in info.text and person.phone[-4:] in info.text and "太原市" in info.text
    assert "岗位推介 0/3" in info.text
    [bad] = await laborer.say("/gai 电话 123")
    assert "格式不对" in bad.text
    [sent] = await laborer.say("/gai 电话 13800001111")
    assert "138****1111" in sent.text and "13800001111" not in sent.text
    [pending] = await Chat(rdisp, "liaison-east").say("/daiban")
    assert "13800001111" not in pending.text and "138****1111" in pending.text
    await Chat(rdisp, "liaison-east").press(pending.buttons[0].data)
    assert (await store.person(person.person_id)) == dataclasses.replace(person, phone="13800001111")
    progress = await rsvc.outbox.progress("notice", pending.buttons[0].data.replace("rq:ok:", "request:"))
    assert progress.total == 1  # the laborer is told through the outbox


async def test_staff_scope_and_offline_record(rdisp: Dispatcher[Services], store: RosterStore) -> None:
    [denied] = await Chat(rdisp, "nobody").say("/daiban")
    assert "工作人员" in denied.text
    east = Chat(rdisp, "liaison-east")
    [other] = await east.say(f"/jilu 张3 {make_id(3)[-4:]} 指导")
    assert "没找到" in other.text  # 张3 lives in 西村
    [ok] = await east.say(f"/jilu 张1 {make_id(1)[-4:]} 职业指导 入户", message_id="m1")
    assert "已记录" in ok.text
    [twice] = await east.say(f"/jilu 张1 {make_id(1)[-4:]} 职业指导 入户", message_id="m1")  # redelivered
    assert "已经记过" in twice.text
    [station] = await Chat(rdisp, "station-q").say(f"/jilu 张4 {make_id(4)[-4:]} 推介 招聘会")
    assert "已记录" in station.text
    [ask] = await Chat(rdisp, "station-q").say("/bangdingma")
    assert "村名" in ask.text
    [codes] = await Chat(rdisp, "station-q").say("/bangdingma 东村")
    assert "张4" in codes.text and "张1" not in codes.text  # 东村 of the station's own township only


def test_cli_staff_import_and_code_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BOT_ROSTER_TELEGRAM_BOT", "wuzhai_bot")
    monkeypatch.delenv("BOT_ROSTER_ID_KEY", raising=False)
    monkeypatch.setenv("BOT_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    ledger = write_xlsx(tmp_path / "l.xlsx", [person_row(1), person_row(2)])
    assert cli.main(["roster", "import", str(ledger)]) == 2  # refuses without a key
    monkeypatch.setenv("BOT_ROSTER_ID_KEY", KEY)
    assert cli.main(["roster", "import", str(ledger), "--dry-run"]) == 0
    assert cli.main(["roster", "import", str(ledger)]) == 0
    assert cli.main(["staff", "add", "--channel", "telegram", "--user", "42", "--role", "liaison"]) == 2
    args = ["staff", "add", "--channel", "telegram", "--user", "42", "--role", "liaison", "--township", "孙家坪"]
    assert cli.main([*args, "--village", "东村"]) == 0
    out = tmp_path / "codes.xlsx"
    assert cli.main(["roster", "codes", "--township", "孙家坪乡", "--village", "东村", "--out", str(out)]) == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert str(rows[0][0]).startswith("聊天账号绑定码（孙家坪乡东村）")
    assert rows[1][0] == "姓名" and len(rows) == 4
    assert str(rows[2][4]).startswith("https://t.me/wuzhai_bot?start=b_") and str(rows[2][5]).startswith("b_")
    assert (
        cli.main(["roster", "record", "--name", "张1", "--last4", make_id(1)[-4:], "--kind", "培训", "--note", "x"])
        == 0
    )
