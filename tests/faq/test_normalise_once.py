"""A message is normalised once: the handler's and the reader's calls share the analyzer's cache, which
gives the same text as normalising anew."""

from __future__ import annotations

from bot.services import Services
from tests.conftest import Chat


async def test_a_question_is_normalised_once(chat: Chat, services: Services) -> None:
    analyzer = services.matcher.analyzer
    await chat.say("稳岗补贴咋领")  # the reader is built on the first question (it normalises the content)
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


async def test_forgetting_reads_a_message_anew_with_the_same_result(services: Services) -> None:
    """The benches measure a message read for the first time: `forget` empties every cache of text read."""
    matcher = services.matcher
    first = matcher.match("出去打工有啥补贴")
    matcher.forget()
    assert matcher._ranked.cache_info().currsize == 0 and matcher.analyzer._cut.cache_info().currsize == 0
    assert matcher.reranker is None or not matcher.reranker._recent
    assert matcher.match("出去打工有啥补贴") == first
