"""Lists that were deployment-wide: the briefing answers per county for the prefecture, the current postings
of a county's bureau, the invite drop-down's townships named with their county. SQLite and PostgreSQL."""

from __future__ import annotations

from bot.postings.extract import text_key
from bot.reports.service import answers_text
from bot.services import Services
from storage import Staff
from tests.counties.test_scope import _signed_in, _site, _web
from tests.fakes.counties import two_counties

FIELDS = {"title": "电焊工", "salary": "6000元/月", "contact_phone": "13812345678", "valid_until": "2099-12-31"}


def test_briefing_answers_roll_up_per_county_for_the_prefecture() -> None:
    content = two_counties()
    rows = [("sunjiaping", 2, 1, 1, 1, 0, 1), ("qiansuo", 1, 1, 0, 0, 1, 0), ("dongchuan", 3, 2, 1, 1, 1, 1)]
    text = answers_text(rows, content)
    assert "五寨县：3 / 2,1 / 1,1,1" in text and "样例县：3 / 2,1 / 1,1,1" in text, text
    assert "孙家坪" not in text and text.index("五寨县") < text.index("样例县")
    one = answers_text(rows[2:], content)  # one county's rows: per township, as before
    assert "东川镇：3 / 2,1 / 1,1,1" in one, one


async def test_a_county_bureau_lists_its_countys_postings_and_the_prefecture_all(seeded: Services) -> None:
    svc = _web(seeded)
    boss = Staff("test", "pref", "bureau", "市局", None, None, None)
    await svc.postings.store.create(FIELDS, "job", ["sunjiaping"], text_key("a"), boss, "published")
    await svc.postings.store.create(
        FIELDS | {"title": "样例县砌墙工"}, "job", ["dongchuan"], text_key("b"), boss, "published"
    )
    async with _site(svc) as base, await _signed_in(svc, base, "yl") as yl, await _signed_in(svc, base, "pref") as pref:
        own = await (await yl.get("/admin/postings")).text()
        assert "样例县砌墙工" in own and "电焊工" not in own
        every = await (await pref.get("/admin/postings")).text()
        assert "样例县砌墙工" in every and "电焊工" in every


async def test_invite_townships_carry_their_county(seeded: Services) -> None:
    svc = _web(seeded)
    async with _site(svc) as base, await _signed_in(svc, base, "pref") as pref:
        page = await (await pref.get("/admin/accounts")).text()
        assert "样例县 · 东川镇" in page and "五寨县 · 孙家坪乡" in page
