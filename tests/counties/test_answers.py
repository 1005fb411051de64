"""A laborer's county (their binding's township, or the deployment's default) decides the amounts and
contacts the bot states: the county's own source where it publishes one, "not published" where it does not."""

from __future__ import annotations

from bot.dispatcher import Dispatcher
from bot.services import Services
from tests.conftest import Chat
from tests.counties.conftest import person_in


async def _bound(svc: Services, user: str, township_id: str) -> None:
    assert await svc.roster.bind("test", user, await person_in(svc, township_id), "confirmed")


async def test_a_laborer_of_the_second_county_gets_its_published_amount_and_source(
    mdisp: Dispatcher[Services],
) -> None:
    await _bound(mdisp.services, "u-yl", "dongchuan")
    [reply] = await Chat(mdisp, "u-yl").say("培训生活补贴给多少钱")
    assert "20元" in reply.text and "样人社发〔2024〕1号" in reply.text
    assert "15" not in reply.text


async def test_where_the_county_publishes_no_amount_the_bot_says_so_and_whom_to_ask(
    mdisp: Dispatcher[Services],
) -> None:
    await _bound(mdisp.services, "u-yl", "yl-qiansuo")
    [reply] = await Chat(mdisp, "u-yl").say("交通补贴给多少")
    assert "样例县公布的文件里没写" in reply.text and "办之前先问" in reply.text
    [whole] = await Chat(mdisp, "u-yl").press("faq:transport-subsidy")  # the whole entry
    assert "样例县还没有公布" in whole.text and "样例县人社局" in whole.text


async def test_a_laborer_of_the_first_county_and_an_unbound_one_get_the_shared_notice(
    mdisp: Dispatcher[Services],
) -> None:
    await _bound(mdisp.services, "u-wz", "sunjiaping")
    for user in ("u-wz", "stranger"):
        [reply] = await Chat(mdisp, user).say("培训生活补贴给多少钱")
        assert "15元" in reply.text and "五人社函〔2023〕24号" in reply.text, user
        assert "样人社发" not in reply.text
