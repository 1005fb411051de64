"""Briefings: content validation, a campaign through the real outbox, confirmations, follow-up answers, reach."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import cli
from bot.briefings.catalog import load_briefings, load_briefings_from
from bot.briefings.send import TargetError, start_campaign
from bot.content import ContentError, ContentPack
from bot.dispatcher import Dispatcher
from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus, RecipientKind
from bot.roster.binding import Binder
from bot.services import Services
from storage import Staff
from storage.people import Scope
from tests.conftest import Chat
from tests.fakes.roster_data import KEY, make_id, person_row, seed, write_xlsx


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


class PlatformEdge:
    """The transport edge a platform adapter implements: records pushes; some recipients blocked the bot."""

    channel = "test"

    def __init__(self, blocked: set[str]) -> None:
        self.blocked = blocked
        self.pushed: list[tuple[str, Reply]] = []

    async def push(self, recipient: str, kind: RecipientKind, reply: Reply) -> DeliveryResult:
        if recipient in self.blocked:
            return DeliveryResult(DeliveryStatus.UNREACHABLE, detail="403 blocked")
        self.pushed.append((recipient, reply))
        return DeliveryResult(DeliveryStatus.SENT)


def test_real_briefings_are_valid_and_linked(content: ContentPack) -> None:
    briefings = load_briefings(content)
    assert {"transport-retention", "service-1131", "startup-subsidy", "training-allowance"} <= set(briefings)
    for b in briefings.values():
        assert b.faq and all(e in content.entries for e in b.faq)
        assert b.source.document in content.sources


def test_invalid_briefings_are_named(content: ContentPack, tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        'title = "交通补贴"\ntext = "每人补贴500元，电话0350-1234567"\nfaq = ["no-such-entry"]\n'
        '[source]\ndocument = "五人社函〔2023〕24号"\nsection = "二"\n',
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        load_briefings_from(tmp_path, content)
    text = "\n".join(err.value.problems)
    assert "briefings/bad.toml" in text and "no-such-entry" in text and "'500'" in text and "phone" in text


def test_briefing_claims_need_their_source_clause(content: ContentPack, tmp_path: Path) -> None:
    """A briefing passes the FAQ's facts check: each sentence's numbers, glossary terms (proxies, offices)
    and claims of existence must be in the clauses it quotes, and the quotes must be in the source."""
    (tmp_path / "proxies.toml").write_text(
        'title = "交通补贴"\n'
        'text = "在外地的，可以让第一书记代办。每个乡镇都有就业服务站。每人每天15元。"\n'
        'faq = ["transport-subsidy"]\n'
        'basis = ["由本人亲属、乡村干部、驻村帮扶干部代为申请办理", "县里每人补1000元"]\n'
        '[source]\ndocument = "五人社函〔2023〕24号"\nsection = "二.(一)"\n',
        encoding="utf-8",
    )
    (tmp_path / "unquoted.toml").write_text(
        'title = "培训"\ntext = "培训有生活补贴。"\nfaq = ["training-allowance"]\n'
        '[source]\ndocument = "五人社函〔2023〕24号"\nsection = "四"\n',
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        load_briefings_from(tmp_path, content)
    problems = err.value.problems
    text = "\n".join(problems)
    assert "mentions '第一书记'" in text  # the notice's proxies are 亲属、乡村干部、驻村帮扶干部
    assert "claims '都有'" in text  # the notice orders stations set up; it does not say they exist
    assert "states '15'" in text  # 15 is in the notice, but not in the clauses this briefing quotes
    assert "'县里每人补1000元' is not in the source" in text
    assert any(p.startswith("briefings/unquoted.toml") and "basis must list" in p for p in problems)


async def test_campaign_reach_confirmation_and_follow_up(
    rsvc: Services, rdisp: Dispatcher[Services], tmp_path: Path
) -> None:
    rows = [person_row(1), person_row(2), person_row(3, village="西村"), person_row(4, township="前所乡")]
    store = await seed(rsvc.db, rsvc.content, tmp_path, rows)
    people = {p.name: p for p in await store.people(Scope())}
    await store.bind("test", "w1", people["张1"].person_id, "code")
    await store.bind("test", "w2", people["张2"].person_id, "code")
    for user, village in (("liaison-east", "东村"), ("liaison-west", "西村")):
        await rsvc.directory.add_staff(Staff("test", user, "liaison", user, "sunjiaping", village))
    await rsvc.directory.add_staff(Staff("test", "bureau", "bureau", "县局", None, None))

    briefing = load_briefings(rsvc.content)["transport-retention"]
    with pytest.raises(TargetError):
        await start_campaign(rsvc.db, rsvc.outbox, rsvc.content, briefing, townships=["火星乡"])
    result = await start_campaign(
        rsvc.db, rsvc.outbox, rsvc.content, briefing, townships=["孙家坪"], categories=["脱贫户"]
    )
    assert (result.targeted, result.queued, result.not_bound) == (3, 2, 1)
    again = await start_campaign(rsvc.db, rsvc.outbox, rsvc.content, briefing, townships=["孙家坪"])
    assert again.campaign_id != result.campaign_id

    edge = PlatformEdge(blocked={"w2"})
    await rsvc.outbox.run({"test": edge}, until_idle=True)
    sent = [r for u, r in edge.pushed if u == "w1"]
    assert len(sent) == 2 and "一次性交通补贴" in sent[0].text and sent[0].buttons[0].label == "我已知晓"
    assert "五人社函〔2023〕24号 二.(一)" in sent[0].text

    reports = rsvc.reports
    assert (await reports.status_of(people["张1"].person_id)).briefing == 1  # one briefing, two campaigns
    assert (await reports.status_of(people["张2"].person_id)).briefing == 0

    cid = result.campaign_id
    [stranger] = await Chat(rdisp, "w9").press(f"bf:a:{cid}")
    assert "不是发给您的" in stranger.text
    laborer = Chat(rdisp, "w1")
    [q1] = await laborer.press(sent[0].buttons[0].data)
    assert "之前知道吗" in q1.text
    [q2] = await laborer.press(q1.buttons[1].data)  # 不知道
    assert "领到了吗" in q2.text
    [done] = await laborer.press(q2.buttons[1].data)  # 没领到
    assert "谢谢" in done.text and "联络员" in done.text
    [twice] = await laborer.press(f"bf:a:{cid}")
    assert "已经确认过" in twice.text

    rows_east = await reports.reach(cid, Scope("sunjiaping", "东村"))
    assert [(r.targeted, r.delivered, r.confirmed, r.unreachable, r.not_bound) for r in rows_east] == [(2, 1, 1, 1, 0)]
    answers = await reports.answers(cid, Scope())
    assert answers == [("sunjiaping", 1, 0, 1, 0, 1, 0)]

    [east] = await Chat(rdisp, "liaison-east").say(f"/weichuda {cid}")
    assert "张2" in east.text and "张3" not in east.text and "联系不上" in east.text
    assert people["张2"].phone in east.text  # the village's own liaison phones them: the full number
    [west] = await Chat(rdisp, "liaison-west").say(f"/weichuda {cid}")
    assert "张3" in west.text and "未绑定" in west.text and "张2" not in west.text
    [report] = await Chat(rdisp, "liaison-west").say(f"/baobiao {cid}")
    assert "西村" in report.text and "东村" not in report.text
    [county] = await Chat(rdisp, "bureau").say(f"/baobiao {cid}")
    assert "东村" in county.text and "西村" in county.text and "送达 1（触达率 33.3%）" in county.text
    [chart] = await Chat(rdisp, "bureau").say(f"/tubiao {cid}")
    assert chart.image is not None and chart.image.startswith(b"\x89PNG")
    [record] = await Chat(rdisp, "bureau").say("/1131")
    assert "孙家坪乡：3 3 1 0 0 0 0" in record.text
    [usage] = await Chat(rdisp, "liaison-west").say("/fasong")
    assert "service-1131" in usage.text
    [sent_west] = await Chat(rdisp, "liaison-west").say("/fasong service-1131")
    assert "目标 1 人" in sent_west.text and "未绑定 1 人" in sent_west.text  # only the liaison's village
    [code] = await Binder(store, rsvc.config.roster).issue([people["张3"]], "test")
    await Chat(rdisp, "w3").say(f"/bangding {code.code}")
    late = await rsvc.db.fetchall("SELECT item_id FROM outbox WHERE item_kind = 'briefing' AND recipient = 'w3'")
    assert str(cid) in {r[0] for r in late}  # bound later: the briefing they missed is sent now
    assert not [u for u, t in await reports.unreached(cid, Scope()) if u.name == "张3"]
    [denied] = await Chat(rdisp, "w1").say("/baobiao")
    assert "工作人员" in denied.text


def test_cli_send_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BOT_ROSTER_ID_KEY", KEY)
    monkeypatch.setenv("BOT_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    ledger = write_xlsx(tmp_path / "l.xlsx", [person_row(i) for i in range(1, 12)])
    assert cli.main(["roster", "import", str(ledger)]) == 0
    assert cli.main(["briefing", "send", "no-such"]) == 2
    assert cli.main(["briefing", "send", "service-1131", "--village", "东村"]) == 0
    assert cli.main(["briefing", "list"]) == 0
    assert cli.main(["briefing", "resume", "1"]) == 0  # nothing missing: nothing queued twice
    assert cli.main(["briefing", "resume", "99"]) == 1
    for kind in ("reach", "unreached", "answers", "1131"):
        assert cli.main(["report", kind]) == 0
    assert cli.main(["report", "sample"]) == 2  # needs a seed
    assert cli.main(["report", "sample", "--seed", "2024-03", "--out", str(tmp_path / "s.xlsx")]) == 0
    sample = load_workbook(tmp_path / "s.xlsx").active
    assert sample is not None
    lines = list(sample.iter_rows(values_only=True))
    assert len(lines) == 4 and "满意度" in lines[1] and "****" in str(lines[2][4])  # 10% of 11, rounded up
    capsys.readouterr()
    assert cli.main(["report", "callbacks", "--seed", "2024-03"]) == 0  # the results entered on the page
    printed = capsys.readouterr().out
    assert "电话回访（批次 2024-03）" in printed and "合计：2 / 0 / 0" in printed
    assert cli.main(["report", "export", "--campaign", "1", "--out", str(tmp_path / "r.xlsx")]) == 0
    assert cli.main(["report", "export", "--out", str(tmp_path / "all.xlsx"), "--full"]) == 0
    assert cli.main(["report", "chart", "--out", str(tmp_path / "c.png")]) == 0
    assert (tmp_path / "c.png").read_bytes().startswith(b"\x89PNG")
    sheet = load_workbook(tmp_path / "all.xlsx").active
    assert sheet is not None
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row]
    assert person_row(1)[3] in cells and make_id(1) not in cells  # full phone for the bureau, never the ID


async def test_concurrent_campaigns_do_not_collide(rsvc: Services, tmp_path: Path) -> None:
    await seed(rsvc.db, rsvc.content, tmp_path, [person_row(1), person_row(2)])
    briefing = load_briefings(rsvc.content)["service-1131"]
    first, second = await asyncio.gather(
        start_campaign(rsvc.db, rsvc.outbox, rsvc.content, briefing),
        start_campaign(rsvc.db, rsvc.outbox, rsvc.content, briefing, villages=["东村"]),
    )
    assert first.campaign_id != second.campaign_id and first.targeted == second.targeted == 2
