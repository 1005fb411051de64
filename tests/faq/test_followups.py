"""The topic of a message inside a conversation (bot.faq.conversation.Reader): when a message with a weak
topic signal keeps the current topic, and when it leaves it."""

from __future__ import annotations

import pytest

from bot.content import ContentPack
from bot.faq.context import Context
from bot.faq.conversation import Reader
from bot.faq.matcher import FaqMatcher


@pytest.fixture
def reader(matcher: FaqMatcher, content: ContentPack) -> Reader:
    return Reader(matcher, content)


def test_an_aside_in_words_the_faq_uses_too_keeps_the_topic(reader: Reader) -> None:
    # 个人 and 企业 are both words FAQ entries use; an out-of-scope topic (taxes) only shares their characters
    topic = Context("job-retention-subsidy", None, "what")
    for text in ("给企业还是给个人", "到底是发给个人还是发给企业"):
        reading = reader.read(text, topic)
        assert (reading.outcome, reading.entry) == ("answer", "job-retention-subsidy"), text
        assert reading.context.off_topic is None


def test_an_aside_in_a_word_only_another_office_uses_leaves_the_topic(reader: Reader) -> None:
    reading = reader.read("医保在哪交", Context("job-retention-subsidy", None, "what"))
    assert reading.outcome == "decline" and reading.off_topic == "medical-insurance"
    assert reading.context.entry == "job-retention-subsidy"  # kept for the next follow-up
