"""bot.faq.reranker: the shipped model fits the content, entries it does not know are handled safely, and
questions the rules alone got wrong are answered right (wording written for these tests)."""

from __future__ import annotations

import pytest

from bot.content import ContentPack
from bot.faq.decision import Match
from bot.faq.linear import LinearModel, load
from bot.faq.matcher import FaqMatcher
from bot.faq.reranker import NAME, OUT, TEXT, YES, Cutoffs, Reranker, bare, choose, features, load_reranker


def test_the_shipped_model_loads_and_names_only_the_contents_entries(content: ContentPack) -> None:
    reranker = load_reranker()
    assert reranker is not None and reranker.text is not None
    assert reranker.model.classes[-1] == YES
    entries = {f.removeprefix("entry:") for f in reranker.model.weights if f.startswith("entry:")}
    assert entries <= set(content.entries)
    assert set(reranker.text.classes) <= {*content.entries, OUT}
    c = reranker.cutoffs
    assert 0.0 < c.answer < 1.0 and c.suggest > 0.0 and 0.0 <= c.lead < 1.0
    assert load(NAME).weights == reranker.model.weights and load(TEXT).classes == reranker.text.classes


def test_the_matcher_uses_the_shipped_reranker(matcher: FaqMatcher) -> None:
    assert matcher.reranker is not None


def _without(model: LinearModel, entry: str) -> LinearModel:
    """The model as if trained before `entry` existed, and with an entry the content no longer has."""
    keep = [i for i, c in enumerate(model.classes) if c != entry]
    classes = (*(model.classes[i] for i in keep), "ghost-entry")
    weights = {f: (*(row[i] for i in keep), 5.0) for f, row in model.weights.items()}
    intercept = (*(model.intercept[i] for i in keep), 5.0)
    return LinearModel(classes, intercept, weights)


def test_entries_missing_from_the_model_leave_the_decision_to_the_rules(matcher: FaqMatcher) -> None:
    shipped = matcher.reranker
    assert shipped is not None and shipped.text is not None
    weights = {f: w for f, w in shipped.model.weights.items() if f != "entry:wage-arrears"}
    weights["entry:ghost-entry"] = (0.0, 9.0)  # an entry the content no longer has
    stale = Reranker(
        LinearModel(shipped.model.classes, shipped.model.intercept, weights),
        shipped.cutoffs,
        _without(shipped.text, "wage-arrears"),
    )
    question = matcher.analyzer.normalise("去年在工地上干活 包工头跑了 钱要不回来")
    rules = matcher.match_rules(question)
    assert "wage-arrears" in rules.suggestions
    assert stale.decide(matcher, question, rules) == rules  # a candidate newer than the model: the rules'
    other = matcher.analyzer.normalise("俺从外地回来了 信息要改不")  # no such candidate: the model's
    alone = matcher.match_rules(other)
    assert "wage-arrears" not in features(matcher, other, alone, shipped.text)
    match = stale.decide(matcher, other, alone)
    assert stale.probabilities(matcher, other, alone) and match.suggestions[0] == "update-work-info"
    assert "ghost-entry" not in {match.entry, *match.suggestions, *match.also}


def test_a_decline_for_another_offices_topic_stands_below_the_override() -> None:
    rules = Match("decline", None, (), 0.5, off_topic="pension")
    cutoffs = Cutoffs(answer=0.6, lead=0.1, suggest=0.4, override=0.9, confirm=1.0)
    assert choose({"transport-subsidy": 0.8}, rules, cutoffs) == rules
    assert choose({"transport-subsidy": 0.95}, rules, cutoffs).entry == "transport-subsidy"


def test_the_decision_answers_offers_or_declines_by_the_cutoffs() -> None:
    rules = Match("suggest", None, ("a", "b", "c"), 0.3)
    cutoffs = Cutoffs(answer=0.6, lead=0.2, suggest=0.5, override=2.0, confirm=0.4)
    answered = choose({"a": 0.2, "b": 0.9, "c": 0.5}, rules, cutoffs)
    assert (answered.outcome, answered.entry, answered.suggestions, answered.also) == (
        "answer",
        "b",
        ("b", "c", "a"),
        ("c",),
    )
    assert choose({"a": 0.7, "b": 0.6}, rules, cutoffs).outcome == "suggest"  # no lead
    answered = Match("answer", "a", ("a", "b"), 0.5)
    assert choose({"a": 0.3, "b": 0.25, "c": 0.1}, answered, cutoffs).outcome == "suggest"  # likely among them
    assert choose({"a": 0.45, "b": 0.2}, answered, cutoffs).entry == "a"  # the rules' answer, ranked first
    declined = choose({"a": 0.2, "b": 0.1, "c": 0.1}, answered, cutoffs)
    assert (declined.outcome, declined.entry, declined.suggestions) == ("decline", None, ("a", "b", "c"))
    # choices the rules offered stay choices, however unsure the model is ("补贴": which one?)
    assert choose({"a": 0.1, "b": 0.05}, rules, cutoffs).outcome == "suggest"


def test_the_rules_choices_are_declined_when_the_model_finds_none_of_them_likely() -> None:
    rules = Match("suggest", None, ("a", "b", "c"), 0.3)
    cutoffs = Cutoffs(answer=0.6, lead=0.2, suggest=0.5, override=2.0, confirm=1.0, keep=0.1)
    assert choose({"a": 0.06, "b": 0.05}, rules, cutoffs).outcome == "suggest"  # 0.11: likely enough to keep
    declined = choose({"a": 0.03, "b": 0.02, "c": 0.01}, rules, cutoffs)  # "营业执照咋办": another office's
    assert (declined.outcome, declined.suggestions) == ("decline", ("a", "b", "c"))
    # a bare question ("补多少": which one?) keeps them however unlikely
    assert choose({"a": 0.03, "b": 0.02, "c": 0.01}, rules, cutoffs, bare=True).outcome == "suggest"
    answered = Match("answer", "a", ("a",), 0.5)  # only the rules' choices are kept: an answer is not
    assert choose({"a": 0.2}, answered, Cutoffs(0.6, 0.2, 0.5, 2.0, 1.0, keep=0.0)).outcome == "decline"


@pytest.mark.parametrize(
    ("question", "is_bare"),
    [
        ("补多少", True),
        ("在哪办", True),
        ("要带啥材料", True),
        ("一个月给多少", True),  # the unit an amount is asked by names no topic
        ("多少钱一年", True),
        ("营业执照咋办", False),
        ("乡长电话", False),
        ("培训一天给多少", False),  # a day's allowance is the training allowance's own word
    ],
)
def test_a_bare_question_is_one_with_no_word_beside_its_facet_cues(
    matcher: FaqMatcher, question: str, is_bare: bool
) -> None:
    assert bare(matcher, matcher.analyzer.normalise(question)) is is_bare


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("开饭店想贷十万块钱能批下来不", "startup-loan"),  # the rules declined it
        ("俺在厂里上班 厂子不景气 工资拖了三个月", "wage-arrears"),
        ("出去打工的人回来要登记啥信息不", "update-work-info"),
        ("村里谁家都没人上班的 政府管不管", "zero-employment-household"),  # the rules: another office's
    ],
)
def test_questions_the_rules_alone_got_wrong(matcher: FaqMatcher, question: str, entry: str) -> None:
    alone = matcher.match_rules(matcher.analyzer.normalise(question))
    assert (alone.outcome, alone.entry) != ("answer", entry)  # the rules alone did not answer it right
    match = matcher.match(question)
    assert (match.outcome, match.entry) == ("answer", entry)


@pytest.mark.parametrize(
    ("question", "outcome"),
    [
        ("营业执照咋办", "decline"),  # the rules offered choices; the model finds none of them likely
        ("小区停水了啥时候来", "decline"),
        ("补多少", "suggest"),  # a bare question: which one?
        ("有啥补贴", "suggest"),  # vague, but the subsidies are likely enough to ask which
    ],
)
def test_the_rules_choices_are_kept_only_when_likely_or_the_question_is_bare(
    matcher: FaqMatcher, question: str, outcome: str
) -> None:
    assert matcher.match_rules(matcher.analyzer.normalise(question)).outcome == "suggest"
    assert matcher.match(question).outcome == outcome


def test_a_question_naming_nothing_specific_is_offered_choices_not_declined(matcher: FaqMatcher) -> None:
    match = matcher.match("俺想问问补贴的事")
    assert match.outcome == "suggest" and match.suggestions
