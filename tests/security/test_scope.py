"""Staff stay inside their area: /fasong naming another area is refused, staff add needs a real village."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot import cli
from bot.dispatcher import Dispatcher
from bot.services import Services
from handlers import build_dispatcher
from storage import Staff
from tests.conftest import Chat
from tests.fakes.roster_data import KEY, person_row, roster_config, seed, write_xlsx


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


BRIEFING = "transport-retention"


@pytest.fixture
async def rdisp(services: Services, tmp_path: Path) -> Dispatcher[Services]:
    rsvc = dataclasses.replace(services, config=roster_config(services.config))
    rows = [person_row(1), person_row(2, village="西村"), person_row(3, township="前所乡")]
    await seed(rsvc.db, rsvc.content, tmp_path, rows)
    await rsvc.directory.add_staff(Staff("test", "east", "liaison", "东村联络员", "sunjiaping", "东村"))
    await rsvc.directory.add_staff(Staff("test", "qiansuo", "station", "前所站", "qiansuo", None))
    return build_dispatcher(rsvc)


async def campaigns(dispatcher: Dispatcher[Services]) -> int:
    row = await dispatcher.services.db.fetchone("SELECT count(*) FROM briefing_campaigns")
    return int(row[0]) if row else 0


@pytest.mark.parametrize(
    ("user", "target"), [("qiansuo", "孙家坪乡"), ("east", "西村"), ("east", "前所乡"), ("qiansuo", "北村")]
)
async def test_fasong_outside_the_senders_area_is_refused(rdisp: Dispatcher[Services], user: str, target: str) -> None:
    [reply] = await Chat(rdisp, user).say(f"/fasong {BRIEFING} {target}")
    assert "不在您负责的范围" in reply.text and target in reply.text
    assert await campaigns(rdisp) == 0


async def test_fasong_inside_the_area_still_works(rdisp: Dispatcher[Services]) -> None:
    [reply] = await Chat(rdisp, "east").say(f"/fasong {BRIEFING} 东村")
    assert "已开始发送" in reply.text and "目标 1 人" in reply.text
    [station] = await Chat(rdisp, "qiansuo").say(f"/fasong {BRIEFING} 前所乡")
    assert "目标 1 人" in station.text
    assert await campaigns(rdisp) == 2


def test_staff_add_refuses_a_village_the_roster_does_not_have(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BOT_ROSTER_ID_KEY", KEY)
    monkeypatch.setenv("BOT_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    assert cli.main(["roster", "import", str(write_xlsx(tmp_path / "l.xlsx", [person_row(1)]))]) == 0
    add = ["staff", "add", "--channel", "telegram", "--user", "42", "--role", "liaison", "--township", "孙家坪乡"]
    capsys.readouterr()
    assert cli.main([*add, "--village", "北村"]) == 2
    assert "没有「北村」" in capsys.readouterr().err
    assert cli.main([*add, "--village", "东村"]) == 0
