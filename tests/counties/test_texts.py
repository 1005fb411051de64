"""Texts that name the bureau speak for the laborer's county when the deployment has several: the greeting,
the bot-help FAQ entry (a `{county}` template in content), the group greeting (no county before /bind)."""

from __future__ import annotations

from datetime import date

from bot.content import load_content
from bot.dispatcher import Dispatcher
from bot.messages import Inbound
from bot.services import Services
from tests.conftest import Chat
from tests.counties.conftest import person_in
from tests.fakes.counties import ROOT


async def test_greeting_and_bot_help_name_the_laborers_county(mdisp: Dispatcher[Services]) -> None:
    svc = mdisp.services
    assert await svc.roster.bind("test", "u-yl", await person_in(svc, "dongchuan"), "confirmed")
    [greeting] = await Chat(mdisp, "u-yl").say("/start")
    assert "我是样例县人社局的就业帮扶小助手" in greeting.text and "五寨" not in greeting.text
    [helped] = await Chat(mdisp, "u-yl").press("faq:bot-help")
    assert "这里是样例县人社局就业帮扶问答" in helped.text and "五寨" not in helped.text
    [default] = await Chat(mdisp, "stranger").say("/start")  # unbound: the default county
    assert "我是五寨县人社局的就业帮扶小助手" in default.text
    [own] = await Chat(mdisp, "stranger").press("faq:bot-help")
    assert "这里是五寨县人社局就业帮扶问答" in own.text and "{county}" not in own.text


async def test_a_new_group_is_greeted_without_naming_a_county(mdisp: Dispatcher[Services]) -> None:
    joined = Inbound("test", "someone", "g1", "group", event="group_joined")
    [reply] = await mdisp.dispatch(joined)
    assert reply.text.startswith("大家好！我是人社局的就业帮扶小助手") and "五寨" not in reply.text


def test_one_county_text_is_unchanged() -> None:
    pack = load_content(ROOT / "content")
    assert "这里是五寨县人社局就业帮扶问答" in pack.entries["bot-help"].answer
    assert pack.bureau() == "五寨县人社局"


async def test_the_bot_says_whose_helper_it_is_by_the_laborers_county(mdisp: Dispatcher[Services]) -> None:
    svc = mdisp.services
    assert await svc.roster.bind("test", "u-yl", await person_in(svc, "dongchuan"), "confirmed")
    [own] = await Chat(mdisp, "u-yl").say("你是谁")
    assert "我是样例县人社局的就业帮扶小助手" in own.text and "五寨" not in own.text
    [default] = await Chat(mdisp, "stranger").say("你是谁")
    assert "我是五寨县人社局的就业帮扶小助手" in default.text


async def test_a_forwarded_posting_names_the_bureau_of_its_townships(seeded: Services) -> None:
    from bot.postings.draft import Draft
    from storage import Staff

    service = seeded.postings
    for township, bureau, other in (("dongchuan", "样例县人社局", "五寨"), ("sunjiaping", "五寨县人社局", "样例")):
        author = Staff("test", f"li-{township}", "liaison", "联络员", township, "东村")
        await seeded.directory.add_staff(author)
        await seeded.directory.add_staff(Staff("test", f"fwd-{township}", "liaison", "转发员", township, "西村"))
        text = f"{township}急招搬运工3名，一天200元，电话13934561234，有效期到12月31日"
        draft = Draft.from_text(text, service.names(), (township,)).with_default_expiry(30, date.today())
        posting = (await service.submit(author, draft)).posting
        assert service.bureau(posting) == bureau
        await service.publish(posting)
        rows = await seeded.db.fetchall(
            "SELECT reply FROM outbox WHERE recipient = ? AND item_id = ?", (f"fwd-{township}", str(posting.id))
        )
        assert rows and f"{bureau}就业帮扶小助手转发" in rows[0][0] and other not in rows[0][0]


def test_a_long_posting_keeps_its_footer_within_a_robot_message() -> None:
    from bot.postings.render import WECOM_TEXT_BYTES, forward_text
    from storage.postings import Posting

    text = dict.fromkeys(("title", "employer", "location", "salary", "headcount", "contact_name"), "某" * 300)
    posting = Posting(
        1, "job", **text, requirements="能吃苦" * 2000, contact_phone="", valid_until="2026-12-31",
        townships=("dongchuan",), status="published", author_channel="test", author_user_id="a",
        author_role="bureau", author_township=None, reviewed_by=None, review_note="", created_at="",
        published_at=None,
    )  # fmt: skip
    forwarded = forward_text(posting, "样例县人社局")
    assert len(forwarded.encode("utf-8")) <= WECOM_TEXT_BYTES
    assert forwarded.endswith("…\n（样例县人社局就业帮扶小助手转发，请直接联系招工方）")
