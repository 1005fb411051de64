"""The question part of a story does not decide alone when the story names another entry ranked as high."""

from __future__ import annotations

from bot.faq.matcher import FaqMatcher


def test_a_fare_asked_about_beside_training_is_not_answered_with_the_transport_subsidy(
    matcher: FaqMatcher,
) -> None:
    match = matcher.match("俺们村的人去县城培训 每天坐车的车费给报不 还是只有那15块钱")
    assert match.entry != "transport-subsidy"
    assert "training-allowance" in match.suggestions


def test_a_story_ending_in_a_question_about_what_it_names_is_still_answered(matcher: FaqMatcher) -> None:
    match = matcher.match("俺去年腰不行了回来了 在家也没个营生 听说村里有公益岗 俺这情况能不能申请")
    assert (match.outcome, match.entry) == ("answer", "public-welfare-job")
