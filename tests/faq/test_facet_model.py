"""bot.faq.facet_model: the shipped model, how it and the cue rules share the decision, and what it fixes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chat_json import converse
from bot.config import Config
from bot.content import ContentPack
from bot.faq import facet_model
from bot.faq.context import Context
from bot.faq.conversation import Reader
from bot.faq.facet_model import Asked
from bot.faq.facets import FACETS, Facet, detect
from bot.faq.linear import MODELS, LinearModel
from bot.faq.matcher import FaqMatcher
from tests.conftest import CONTENT, Chat

# a hand-made model that always says "where"
WHERE = LinearModel(FACETS, tuple(5.0 if f == "where" else 0.0 for f in FACETS), {})


@pytest.fixture
def reader(matcher: FaqMatcher, content: ContentPack) -> Reader:
    return Reader(matcher, content)


def test_the_shipped_model_loads_with_the_facets_as_its_classes() -> None:
    model = facet_model.shipped()
    assert sorted(model.classes) == sorted(FACETS)
    assert len(model.weights) > 1000  # n-grams, not only the cue features
    assert (MODELS / f"{facet_model.NAME}.json").stat().st_size <= 1_000_000


def test_the_model_decides_with_the_rules_cue_as_one_of_its_features() -> None:
    assert facet_model.choose(WHERE, Asked("交通补贴给多少", "amount", None, "amount")) == "where"
    assert facet_model.choose(WHERE, Asked("交通补贴那个事", None, None, "what")) == "where"
    assert "cue:amount" in facet_model.features(Asked("交通补贴给多少", "amount", None, "amount"))
    assert facet_model.choose(facet_model.shipped(), Asked("交通补贴给多少", "amount", None, "amount")) == "amount"


@pytest.mark.parametrize(
    ("topic", "text", "facet"),
    [
        # no cue word at all (位置 is no place cue, 入手 no procedure cue): the rules fall back to "what"
        ("job-service-station", "服务站在镇政府哪个位置", "where"),
    ],
)
def test_the_model_reads_a_side_no_cue_names(reader: Reader, topic: str, text: str, facet: str) -> None:
    assert detect(reader.matcher.analyzer.normalise(text)) is None
    reading = reader.read(text, Context(topic))
    assert (reading.outcome, reading.entry, reading.facet) == ("answer", topic, facet)
    assert reading.context.facet == facet  # "那X呢" next asks the same side


def test_the_side_asked_last_stays_for_an_elided_question(matcher: FaqMatcher, content: ContentPack) -> None:
    reader = Reader(matcher, content, facets=WHERE)  # whatever the model would say
    reading = reader.read("那稳岗补贴呢", Context("transport-subsidy", None, "amount"))
    assert (reading.entry, reading.facet) == ("job-retention-subsidy", "amount")


def test_a_long_message_costs_what_its_end_costs() -> None:
    short = facet_model.features(Asked("补" * facet_model.TAIL, None, None, None))
    long = facet_model.features(Asked("补" * 200_000, None, None, None))
    assert long == short  # the model reads the message's end only: its cost does not grow with the text
    story = "俺在外头打工好些年了 " * 5_000 + "服务站在镇上哪个位置"
    assert len(facet_model.features(Asked(story, None, None, None))) < 300


def test_what_where_the_rules_read_no_side_keeps_no_side_in_the_context(reader: Reader) -> None:
    # the whole entry answered: a following "那X呢" must ask the same question about X, not what X is
    reading = reader.read("最近有没有招保安的", Context())
    assert (reading.entry, reading.facet) == ("job-postings", "what")
    assert reading.context.facet is None


async def test_a_side_the_model_reads_is_answered_as_that_side_with_its_source(chat: Chat) -> None:
    await chat.say("就业服务站是干啥的")
    [reply] = await chat.say("服务站在镇政府哪个位置")  # where, by the model: 位置 is no cue word
    assert "· 在哪办、找谁】" in reply.text and "依据：" in reply.text


def test_the_reader_reads_with_the_model_it_is_given(matcher: FaqMatcher, content: ContentPack) -> None:
    given = Reader(matcher, content, facets=WHERE).read("交通补贴给多少", Context())
    default = Reader(matcher, content)
    assert (given.entry, given.facet) == ("transport-subsidy", "where")
    assert default.facets is facet_model.shipped()  # None: the shipped model, loaded when the reader is built
    assert default.read("交通补贴给多少", Context()).facet == "amount"


async def test_chat_json_reads_with_the_reader_it_is_given(tmp_path: Path) -> None:
    config = Config(content_dir=CONTENT, data_dir=tmp_path)
    talks = [["交通补贴给多少"]]
    [given] = [r async for r in converse(config, talks, lambda m, c: Reader(m, c, facets=WHERE))]
    [default] = [r async for r in converse(config, talks)]
    assert (given["entry"], given["facet"], default["facet"]) == ("transport-subsidy", "where", "amount")


def one_feature(feature: str, facet: Facet) -> LinearModel:
    """A hand-made model that reads `facet` where `feature` is present and "what" otherwise."""
    return LinearModel(FACETS, tuple(1.0 if f == "what" else 0.0 for f in FACETS), {feature: TOWARDS[facet]})


TOWARDS = {facet: tuple(5.0 if f == facet else 0.0 for f in FACETS) for facet in FACETS}


def test_the_side_asked_last_is_read_crossed_with_the_cue(matcher: FaqMatcher, content: ContentPack) -> None:
    assert "lastcue" in facet_model.GROUPS
    reader = Reader(matcher, content, facets=one_feature("lc:amount|none", "where"))
    text = "服务站在镇政府哪个位置"  # no cue: after a question of amount, this model reads where
    assert reader.read(text, Context("job-service-station", None, "amount")).facet == "where"
    assert reader.read(text, Context("job-service-station", None, "who")).facet == "what"


def test_the_words_of_the_message_end_are_read(matcher: FaqMatcher, content: ContentPack) -> None:
    assert "words" in facet_model.GROUPS
    cut = matcher.analyzer.words
    ask = facet_model.asked("服务站在镇政府哪个位置", None, Context("job-service-station"), False, cut=cut)
    assert "位置" in ask.words and "w:位置" in facet_model.features(ask)
    reader = Reader(matcher, content, facets=one_feature("w:位置", "where"))
    assert reader.read("服务站在镇政府哪个位置", Context("job-service-station")).facet == "where"
    # 位置 as characters, not as a word ("单位置换"): the word feature is not there
    assert "w:位置" not in facet_model.features(facet_model.asked("单位置换了", None, Context(), False, cut=cut))
