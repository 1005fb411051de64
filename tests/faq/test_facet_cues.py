"""Facet cues by meaning, added for unseen dialogues: whether a benefit exists, the proxy scheme named,
whom to ask, sums and services, words inside words, steps, conditions, complaints."""

from __future__ import annotations

import time

import pytest

from bot.faq.facets import FACETS, after_cue, cue_texts, detect, residue
from bot.faq.matcher import FaqMatcher


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        # a bare "is there such help": what there is
        ("学手艺有补助没", "what"),
        ("开网店有没有扶持", None),  # no cue at all: the default, the whole entry
        ("还有吸纳就业补贴吗", "what"),
        ("场地补贴有没有", "what"),
        # the same question after the asker says who he is or what he did: whether he qualifies
        ("我回村养了几十只羊 有补贴没", "who"),
        ("搬迁户也有生活补贴不", "who"),
        ("我们小厂招了五个人 有奖励不", "who"),
        ("技校毕业的有补贴不", "who"),
        ("明年还有补贴不", "when"),  # another facet's cue keeps its facet
    ],
)
def test_whether_a_benefit_exists_asks_what_unless_the_asker_describes_himself(
    matcher: FaqMatcher, question: str, facet: str
) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("委托的话上哪儿办", "where"),  # the scheme named as a thing: the side asked is where ...
        ("代领的手续咋走", "how"),
        ("代办收钱不", "amount"),
        ("让我妹去代领中不", "proxy"),  # ... but someone acting for the asker is the proxy question
        ("驻村干部能代领不", "proxy"),
        ("代办", None),  # the scheme named alone: the whole entry
        ("稳岗补贴也能委托吗", None),
    ],
)
def test_naming_the_proxy_scheme_leaves_the_side_asked(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("干了半年就不干了 还算不", "who"),  # "does my case count", with nothing between 算 and 不
        ("退伍两年内都算吗", "when"),  # a time window asked about, not the asker's case
        ("考证的事问谁", "where"),  # whom to ask outranks the errand's own cue (证)
        ("创业补贴谁给办", "where"),
        ("县工商局管不", "where"),  # an office offered for the errand
    ],
)
def test_whom_to_ask_and_whether_a_case_counts(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("不会手艺咋整 县里有培训没", "what"),  # the question asked last is whether there is training
        ("我打算学门技术 乡里有培训吗", None),  # a wish is not a fact about the asker: no facet of its own
        ("一个月300块是真的吗", "amount"),  # a sum named is the amount checked ...
        ("干满一年就是800吗", "amount"),  # ... though a time span comes with it
        ("补给老板还是给工人", "who"),  # which of two recipients it is for
        ("招工消息能推到我手机上不", "how"),  # being sent the news is a service, not a qualification
        ("车票钱能给补不", "what"),  # whether a cost is covered
    ],
)
def test_the_last_question_sums_and_services(matcher: FaqMatcher, question: str, facet: str | None) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("技能培训有电焊的不", None),  # 能 inside 技能 is not "can"
        ("工钱结算是月底不", None),  # nor 算 inside 结算
        ("干公岗签合同吗", "what"),  # a signed contract is part of what the job is ...
        ("要带合同不", "materials"),  # ... a contract to bring is a paper
        ("对方要我的银行卡密码", None),  # a card's password is not a paper to bring
        ("铺子是租朋友的 没合同咋办", "who"),  # lacking a paper: whether one still qualifies
    ],
)
def test_words_inside_words_and_papers_that_are_not_to_bring(
    matcher: FaqMatcher, question: str, facet: str | None
) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("怎么样才能领上", "how"),  # the way to get it, though 怎么样 alone asks an opinion
        ("手机号换了要更新不", "how"),  # whether a step is needed
        ("搬家了要登记不", "how"),
    ],
)
def test_whether_a_step_is_needed_and_the_way_to_get_it(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("我儿子能不能享受", "who"),  # whether a relative qualifies, not whether she may act for the asker
        ("我妈可以参加培训不", "who"),
        ("我爸去办中不", "proxy"),  # 中不 (dialect 行不): a relative going for the asker
    ],
)
def test_a_relative_who_qualifies_or_acts(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("申请条件是啥", "who"),  # the conditions, though asked with 是什么
        ("要啥学历", "who"),
        ("是不是每个月都发", "when"),  # the rhythm of payment, not whether the asker gets it
        ("还要体检不", "how"),  # a step to go through
        ("贷款要抵押不", "materials"),  # a pledge to provide
        ("待遇怎么样", "amount"),
    ],
)
def test_conditions_rhythm_steps_and_pay(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("几时给", "when"),
        ("到了问哪个", "where"),  # whom to ask, in other words than 找谁
        ("这个归哪管", "where"),
        ("服务站在几楼", "where"),
        ("去乡里哪个地方", "where"),
        ("划算不", None),  # 算 inside 划算
    ],
)
def test_more_ways_to_ask_when_and_where(matcher: FaqMatcher, question: str, facet: str | None) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


def test_whether_a_fee_is_paid_asks_the_amount(matcher: FaqMatcher) -> None:
    """Like 给钱不: whether money for a named cost is paid at all is the amount side."""
    assert detect(matcher.analyzer.normalise("学的那几天给伙食费不")) == "amount"


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("工头欠俺两万多 电话也打不通", "how"),  # a grievance told with no question: what to do
        ("培训补贴到现在没给", "when"),  # a benefit still not paid: when it comes
    ],
)
def test_a_story_without_a_question(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("外县户口的管不管", "who"),  # whether a group is covered ...
        ("人社局管不管", "where"),  # ... not whether an office handles it
        ("我属于零就业家庭不", "who"),
        ("我在不在范围里", "who"),
        ("轮得上我不", "who"),
        ("按人给还是按户给", "amount"),
    ],
)
def test_whether_a_group_is_covered(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("贷款能不能提前还", "what"),  # what the rule allows of the thing itself
        ("补助能给现金不", "what"),
        ("培训可以选工种吗", "what"),
        ("进度能查到不", "how"),  # a way to do it oneself
        ("能打电话办不", "how"),
        ("我能领不", "who"),  # the asker: whether he qualifies
        ("能给安排公益岗不", "who"),
    ],
)
def test_can_it_be_done_asks_the_rule_the_way_or_the_asker(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("学的时候管不管住", "what"),  # board and lodging are part of what it gives ...
        ("县里管不管", "where"),  # ... an office that handles it is where
        ("五十多的要不要", "who"),  # whether a kind of person is taken
    ],
)
def test_what_it_provides_and_whom_it_takes(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("说好的培训 咋一次也没通知", None),  # 怎么 … 也没: a complaint (why), not a procedure asked
        ("申请完一直没消息", "when"),  # still waiting: when it comes
        ("咋都不叫我", "who"),  # why the asker is left out
    ],
)
def test_complaints_are_not_procedures(matcher: FaqMatcher, question: str, facet: str | None) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("学这个有钱拿没", "amount"),  # whether money comes at all
        ("公益岗发工资不", "amount"),
        ("车费全额报吗", "amount"),  # how much of a cost is covered
        ("我能领到钱不", "who"),  # the asker: whether he qualifies
    ],
)
def test_whether_money_comes_at_all(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    "unit", ["能", "怎么", "有没有", "我", "补贴", "老板", "给", "算", "要", "代办", "不", "在", "一"]
)
def test_the_cues_stay_linear_on_a_long_run_of_one_cue(unit: str) -> None:
    """Bounded repeats only: 400 characters of one cue (and a question ending) are read at once (about 3 ms;
    a nested or unbounded pattern would take seconds)."""
    for tail in ("", "不", "没", "还是", "补贴没"):
        text = (unit * 400)[:400] + tail
        started = time.perf_counter()
        detect(text, proxy_talk=True)
        residue(text)
        cue_texts(text, FACETS)
        after_cue(text, "who")
        assert time.perf_counter() - started < 1.0, (unit, tail)
