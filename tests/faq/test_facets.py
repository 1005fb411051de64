"""Facet detection of one message: the cue lexicon by meaning, its precedence, and the asker's group."""

from __future__ import annotations

import pytest

from bot.content import ContentPack
from bot.faq.context import Context
from bot.faq.conversation import PROXY, Reader
from bot.faq.facets import detect, residue
from bot.faq.matcher import FaqMatcher


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        # what an entry gives or does, though phrased like "can I": a certificate, a benefit also paid,
        # the help there is, what a service does for people
        ("培训完发证不", "what"),
        ("考完能拿个证吗", "what"),
        ("场地补贴也有不", "what"),
        ("毕业生有什么政策", "what"),
        ("服务站能帮我寻个活不", "what"),
        ("车费能补不", "what"),  # whether a cost is covered
        ("能学些啥", "what"),  # "能" with a question word asks what there is, not whether one may
        ("公益岗能干些啥活", "what"),
        ("一年推荐几次工作", "what"),  # how often a service is given is part of what it gives ...
        ("一个月发几次", "when"),  # ... unlike when a payment comes
        ("去年的还能补不", "when"),  # but "还能补" is making up a missed payment
        # "can I apply / take part / borrow" asks who qualifies, not the procedure its verb names
        ("我家老二能报名吗", "who"),
        ("能再申请一次补贴吗", "who"),
        ("征信有问题能贷创业担保贷款吗", "who"),
        ("怎么轮到我了", "who"),
        ("我怎么一直没有", "who"),
        ("在外地上班能否", "who"),
        ("搬迁户每家都安排吗", "who"),
        ("这个补贴有我的没", "who"),
        ("在外地打工能领不", "who"),  # not "is it in ...": a place in the story, a "can I" question
        ("网上卖货算就业不", "who"),  # "does my case count", though it names a place (网上)
        ("那能不能", "who"),  # a bare "can it" after the asker's story
        ("我务工不到半年 行不", "who"),  # a bare "is that OK" after it
        ("我在自家院里弄的 场地补贴有没有", "who"),
        ("这个给不给我们", "who"),
        ("我家够不够", "who"),
        ("我爸行不", "who"),  # whether a relative qualifies ...
        ("我家老二算不算", "who"),
        ("我妈60了能不能", "who"),
        ("让我儿子去办可以不", "proxy"),  # ... unless he goes or does it for the asker
        ("能给我介绍个活不", "how"),  # asking for a job referral asks for the service
        ("什么样的人能申请", "who"),
        ("搬迁户有吗", "who"),  # a group of people "有吗": whether they get it ...
        ("打工的都有吗", "who"),
        ("农民工有吗", "who"),
        ("交通补贴有吗", None),  # ... a benefit "有吗": whether it exists
        ("那监测户呢", "who"),
        ("必须是脱贫户吗", "who"),
        ("只要出去打工就有吗", "who"),
        ("我有没有份", "who"),
        ("我们村的有没有", "who"),  # "the ones from …": whether a group gets it
        ("家里就我一个劳力 能不能给安排个公益岗", "who"),
        ("能给安排个保洁岗吗", "who"),
        ("干了几十年了能领不", "who"),  # a number of years is not an amount
        # the steps, though asked with 是什么; a procedure online; paying back
        ("流程是啥", "how"),
        ("第一步干啥", "how"),
        ("在手机上咋申请", "how"),
        ("咋还款", "how"),
        ("我去不了咋办", "proxy"),
        ("一共几千块", "amount"),
        ("能给几个名额", "amount"),
        ("报名要啥", "materials"),
        ("只干了两个月 给不给", "who"),
        ("政策咋规定的", "what"),  # what the rule says, not a procedure
        ("这个是咋个说法", "what"),
        ("那俺先干啥", "how"),  # the first step, not "what is it for"
        ("下一步干啥", "how"),
        ("补贴高不高", "amount"),
        ("补助高不", "amount"),
        ("路费够不够", "amount"),  # whether the money is enough, not whether the asker is
        ("资格够不够", "who"),
        ("按人头算还是按户算", "amount"),
        ("要不要利息", "amount"),
        ("要走啥程序", "how"),
        ("明年还有不", "when"),
        ("钱发了没", "when"),
        ("本人不去行不", "proxy"),
        ("俺替俺儿子问交通补贴他能领不", "who"),  # asking for someone is not applying for him ...
        ("俺能替他问吗", "proxy"),  # ... unless the question is whether one may
        ("干了两个月能领不", "who"),  # a duration the asker has done, not a time limit asked about
        ("出去才一个月能领不", "who"),
        ("没营业执照能领不", "who"),  # lacking a paper: whether one still qualifies, not what to bring
        ("俺没签合同行不", "who"),
        # what a step needs
        ("办这个要什么手续", "materials"),
        ("还要什么", "materials"),
        ("要给他什么东西", "materials"),
        # the procedure of a proxy application, and whether a step is needed at all
        ("怎么委托别人", "how"),
        ("用不用登记", "how"),
        ("要自己去申请吗", "how"),
        # how much / how many
        ("人多能多给不", "amount"),
        ("能安排几个", "amount"),
        # time spans, rhythm of payment, waiting, seasons
        ("半个月内能安排上吗", "when"),
        ("是一月一发吗", "when"),
        ("申请了三个月了还没消息", "when"),
        ("过年有活干没", "when"),
        # where: a choice of places, an office that handles it, a place to do it, "is it inside …"
        ("去镇上还是去村里", "where"),
        ("小区有管招工的吗", "where"),
        ("能在乡里报名不", "where"),
        ("在镇政府旁边吗", "where"),
        ("县城能办不", "where"),  # a place offered for the errand ...
        ("在县里打工能领不", "who"),  # ... not the place the asker works
        ("必须到乡里去吗", "where"),
        ("找联络员还是找镇上", "where"),
        ("这事谁负责", "where"),
        ("办理地点", "where"),
        ("给个电话呗", "where"),
        ("服务站的电话", "where"),
        ("刚接到人社局的电话", None),  # a call received is the story, not a number asked for
        ("哪个月开始", "when"),
        ("有时限没", "when"),
        ("怎么还没发下来", "when"),
        ("要提交哪些", "materials"),
    ],
)
def test_cues(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    "question",
    [
        "我家是脱贫户 有什么好政策",  # an open question after the asker names his group
        "我们是搬迁户 想找点活干",  # no question word at all
        "我是低保户 镇上管不管",  # "does anyone look after it" = "am I covered"
        "孩子是监测户家的 有什么帮扶",
        "我都五十八了 想找点活",  # an age, like a group, is what the rules ask about
        "我50多岁了 有适合的活没",
    ],
)
def test_an_askers_group_makes_an_open_question_a_who_question(matcher: FaqMatcher, question: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == "who"


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("什么是监测户", None),  # the group is the topic, not the asker's
        ("脱贫户毕业生有什么帮扶", "what"),
        ("我是监测户 交通补贴多少钱", "amount"),  # a question with its own facet keeps it
        ("我是脱贫户 交通补贴是啥意思", "what"),  # what the thing is, whoever asks
        ("我是监测户 在哪申请", "where"),
        ("工资变了也要报吗", None),  # "also": does the duty include this, not whether a step is needed
    ],
)
def test_the_askers_group_does_not_override_a_facet(matcher: FaqMatcher, question: str, facet: str | None) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


def test_place_cues_leave_topic_words(matcher: FaqMatcher) -> None:
    """Cues that look ahead keep the words after them, which may name the topic."""
    assert "乡政府" in residue(matcher.analyzer.normalise("在乡政府里头吗"))
    assert "培训" in residue(matcher.analyzer.normalise("能在镇上培训不"))


def test_in_a_talk_about_proxies_who_may_act_is_who_the_scheme_allows(matcher: FaqMatcher) -> None:
    """Proxies are the topic there: whether someone may act for the asker asks who, not the proxy side."""
    assert detect(matcher.analyzer.normalise("驻村干部能替我去办不"), proxy_talk=True) == "who"
    assert detect(matcher.analyzer.normalise("驻村干部能替我去办不")) == "proxy"  # in another topic
    assert detect(matcher.analyzer.normalise("我表哥行不行"), proxy_talk=True) == "who"
    assert detect(matcher.analyzer.normalise("代办要带啥"), proxy_talk=True) == "materials"


def test_the_reader_reads_someone_acting_against_the_topic(matcher: FaqMatcher, content: ContentPack) -> None:
    reader = Reader(matcher, content)
    assert reader.read("我哥能替我办不", Context(PROXY)).facet == "who"
    assert reader.read("我哥能替我办不", Context("transport-subsidy")).facet == "proxy"


def test_a_group_named_after_a_topic_asks_whether_it_qualifies(matcher: FaqMatcher, content: ContentPack) -> None:
    reading = Reader(matcher, content).read("那监测户呢", Context("transport-subsidy"))
    assert (reading.entry, reading.facet) == ("transport-subsidy", "who")


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


def test_story_and_requirement_cues_leave_the_topic_words(matcher: FaqMatcher) -> None:
    assert "工资" in residue(matcher.analyzer.normalise("老板欠俺工资不给"))
    assert "补贴" in residue(matcher.analyzer.normalise("培训补贴到现在没给"))
    assert "担保" in residue(matcher.analyzer.normalise("要担保人不"))
    assert "工资" in residue(matcher.analyzer.normalise("工资怎么样"))


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
