"""A message is normalised once: the handler's and the reader's calls share the analyzer's cache, which
gives the same text as normalising anew."""

from __future__ import annotations

from bot.services import Services
from tests.conftest import Chat


async def test_a_question_is_normalised_once(chat: Chat, services: Services) -> None:
    analyzer = services.matcher.analyzer
    analyzer.forget()
    [answer] = await chat.say("交通补贴咋领")
    assert answer.text.startswith("【")
    info = analyzer._normalised.cache_info()
    assert info.misses == 1 and info.hits >= 1


async def test_cached_normalising_gives_what_normalising_anew_gives(services: Services) -> None:
    analyzer = services.matcher.analyzer
    for text in ["交通补贴咋领", "俺的电话 138 1234 5678，稳岗补贴", "ＡＢＣ 創業貸款", "x" * 5000, ""]:
        first = analyzer.normalise(text)
        assert analyzer.normalise(text) == first == analyzer._normalise(text)
