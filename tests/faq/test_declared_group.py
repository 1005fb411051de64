"""An asker who says which household category he belongs to (我是监测户) is asking about something else."""

from __future__ import annotations

from bot.faq.matcher import FaqMatcher


def test_saying_one_is_a_monitored_household_does_not_make_that_the_topic(matcher: FaqMatcher) -> None:
    question = "俺家是监测户 俺在村里养了五十只羊 这算创业不"
    match = matcher.match(question)
    assert match.entry != "monitoring-household"
    assert match.suggestions[0] == "startup-subsidy"  # what is asked: answered (the re-ranker) or offered first
    rules = matcher.match_rules(matcher.analyzer.normalise(question))
    assert rules.outcome == "suggest" and rules.suggestions[:2] == ("startup-subsidy", "monitoring-household")


def test_the_category_alone_is_answered_and_what_it_is_stays_the_first_suggestion(matcher: FaqMatcher) -> None:
    assert matcher.match("我是监测户 有啥政策").entry == "monitoring-household"
    # what the category is: the rules answer it; the re-ranker, whose writers never asked the FAQ for it (they
    # label such questions out of scope), declines it and keeps the entry among the two likeliest suggestions
    # (beside 技能培训, which "什么意思" questions of the writers often ask about: the two are about as likely)
    normalised = matcher.analyzer.normalise("监测户是什么意思")
    assert matcher.match_rules(normalised).entry == "monitoring-household"
    assert "monitoring-household" in matcher.match_normalised(normalised).suggestions[:2]
