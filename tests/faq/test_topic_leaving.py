"""When a follow-up leaves the conversation's topic (bot.faq.conversation.Reader with bot.faq.detours and
bot.faq.neighbours): a paper's own errand, and the topic kept for what comes after."""

from __future__ import annotations

import pytest

from bot.content import ContentPack
from bot.faq.context import Context
from bot.faq.conversation import Reader
from bot.faq.matcher import FaqMatcher


@pytest.fixture
def reader(matcher: FaqMatcher, content: ContentPack) -> Reader:
    return Reader(matcher, content)


@pytest.mark.parametrize(
    ("topic", "text"),
    [
        ("job-retention-subsidy", "存折丢了咋办"),
        ("startup-subsidy", "执照过期了去哪换"),
        ("transport-subsidy", "户口本在哪补办"),
    ],
)
def test_a_papers_own_errand_is_not_what_the_topic_asks_to_bring(reader: Reader, topic: str, text: str) -> None:
    reading = reader.read(text, Context(topic))
    assert reading.outcome == "decline", text
    assert reading.context.entry == topic  # the next follow-up is read against the topic again


@pytest.mark.parametrize(
    ("topic", "text"),
    [
        ("job-retention-subsidy", "要带存折不"),  # whether to bring it: the topic's materials
        ("transport-subsidy", "务工证明去哪开"),  # a proof of the topic's own kind of work
    ],
)
def test_a_paper_the_topic_asks_for_stays_with_the_topic(reader: Reader, topic: str, text: str) -> None:
    reading = reader.read(text, Context(topic))
    assert (reading.outcome, reading.entry, reading.facet) == ("answer", topic, "materials"), text


@pytest.mark.parametrize(
    ("group", "text", "entry"),
    [
        ("zero-employment-household", "想自己创业 给补贴吗", "startup-subsidy"),
        ("zero-employment-household", "创业有补助不", "startup-subsidy"),
        ("monitoring-household", "监测户也能去技能培训吗", "skills-training"),
    ],
)
def test_after_a_group_a_question_in_a_benefits_words_asks_for_that_benefit(
    reader: Reader, group: str, text: str, entry: str
) -> None:
    reading = reader.read(text, Context(group))
    assert (reading.outcome, reading.entry) == ("answer", entry), text


@pytest.mark.parametrize("text", ["去哪反映", "要带啥", "多久能安排上"])
def test_after_a_group_the_groups_own_sides_stay_with_it(reader: Reader, text: str) -> None:
    reading = reader.read(text, Context("zero-employment-household"))
    assert (reading.outcome, reading.entry) == ("answer", "zero-employment-household"), text
