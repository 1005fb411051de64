"""A question naming an entry is about that entry even when one rare word of it belongs to another office."""

from __future__ import annotations

from bot.faq.matcher import FaqMatcher


def test_a_named_entry_covering_more_of_the_question_beats_another_offices_rare_word(
    matcher: FaqMatcher,
) -> None:
    match = matcher.match("办稳岗补贴要不要劳动合同 俺在工地干活从来没签过")
    assert (match.outcome, match.entry) == ("answer", "job-retention-subsidy")


def test_another_offices_question_that_names_no_entry_stays_declined(matcher: FaqMatcher) -> None:
    assert matcher.match("老板不跟俺签劳动合同 咋办").outcome == "decline"
