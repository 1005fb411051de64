"""The analyzer's tokenizer (jieba with its hot loops tightened) cuts exactly as jieba does."""

from __future__ import annotations

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.faq.analyzer import _Tokenizer, trimmed_dictionary

# words of the domain, their pieces and characters that join them into other words, spaces and Latin letters
PIECES = [
    "交通补贴",
    "稳岗",
    "补贴",
    "公益性岗位",
    "脱贫户",
    "内蒙古",
    "煤矿",
    "开车",
    "三年",
    "能领",
    "不",
    "了",
    "我们",
    "家",
    "他",
    "现在",
    "还",
    "创业",
    "担保",
    "贷款",
    "一直",
    "没",
    "领过",
    "那个",
    " ",
    "a",
    "1131",
    "甚",
]


@pytest.fixture(scope="module")
def pair() -> tuple[jieba.Tokenizer, _Tokenizer]:
    stock, tight = jieba.Tokenizer(trimmed_dictionary()), _Tokenizer(trimmed_dictionary())
    stock.initialize()
    tight.initialize()
    return stock, tight


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_the_tokenizer_cuts_as_jieba_does(pair: tuple[jieba.Tokenizer, _Tokenizer], text: str) -> None:
    stock, tight = pair
    assert tight.lcut(text, HMM=False) == stock.lcut(text, HMM=False)


def test_a_word_whose_frequency_changes_cuts_as_jieba_cuts_it() -> None:
    """The kept log-probabilities follow the dictionary: a word made common after a first cut counts."""
    stock, tight = jieba.Tokenizer(trimmed_dictionary()), _Tokenizer(trimmed_dictionary())
    text = "这是我们的活"
    for frequency in (1, 10**7):
        for tokenizer in (stock, tight):
            tokenizer.add_word("我们的", frequency)
        assert tight.lcut(text, HMM=False) == stock.lcut(text, HMM=False)
        assert ("我们的" in tight.lcut(text, HMM=False)) == (frequency > 1)
