"""Entries meant for one kind of asker: the employers' hiring subsidy is not the answer to a laborer."""

from __future__ import annotations

import pytest

from bot.faq.askers import shows_asker
from bot.faq.matcher import FaqMatcher

EMPLOYER = "employer-hiring-subsidy"


@pytest.mark.parametrize(
    "question",
    [
        "俺是建档立卡户 能领啥补贴",
        "开了个小卖部 没雇人 能补贴不",
    ],
)
def test_a_laborer_asking_about_subsidies_is_not_answered_with_the_employers_subsidy(
    matcher: FaqMatcher, question: str
) -> None:
    match = matcher.match(question)
    assert match.entry != EMPLOYER
    assert not match.suggestions or match.suggestions[0] != EMPLOYER


@pytest.mark.parametrize(
    "question",
    ["俺办的车间招了几个脱贫户 能领补贴不", "小公司新雇了五个人 干满半年了 有啥补贴"],
)
def test_an_employer_still_gets_the_hiring_subsidy(matcher: FaqMatcher, question: str) -> None:
    match = matcher.match(question)
    assert (match.outcome, match.entry) == ("answer", EMPLOYER)


def test_a_denied_sign_of_an_employer_is_no_sign() -> None:
    assert shows_asker(EMPLOYER, "我们厂里效益不好")
    assert not shows_asker(EMPLOYER, "我一个人干 没雇人")
    assert not shows_asker(EMPLOYER, "我不招")
    assert shows_asker("transport-subsidy", "我是脱贫户")
