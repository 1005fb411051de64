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
        # whom or where to go, asked with the place word alone or a person at a place
        ("那该找哪", "where"),
        ("上哪去说理", "where"),
        ("问镇上谁", "where"),
        ("我们镇上有没有", "where"),  # whether there is one in one's township
        # a span counted in years is when, though 补多少 asks an amount
        ("最多补多少年", "when"),
        # a thing to bring or send is materials, not what something is
        ("得拿些啥东西", "materials"),
        ("让我寄啥东西过去", "materials"),
        # whether a story is true, the reason for a duty or a call, what something affects: what
        ("说给钱是真的不", "what"),
        ("为啥要登记这个", "what"),
        ("为啥老打电话回访", "what"),
        ("领了这个会不会影响低保", "what"),
        ("对养老金有影响没", "what"),
        ("为啥不给我", "who"),  # ... but a reason for being left out asks who
        # what a person may enjoy asks whether and to what he qualifies
        ("我儿子能享受哪些", "who"),
        # telling it by phone is a way to do it
        ("微信上报行不", "how"),
        # being asked by someone to enquire is not acting for him
        ("邻居叫我问问他能领不", "who"),
        # whether a fee is paid at all asks the amount
        ("上课期间发不发饭钱", "amount"),
        # done by phone or online is a means (how), not a place to go
        ("手机上能查不", "how"),
        ("线上登记行不行", "how"),
        # whether it can go on for good asks how long
        ("可以一直领吗", "when"),
        # the place one works at (打工 is normalised to 务工) is the story, not a place asked for
        ("他们问我在哪打工", None),
        # a last clause that only asks whether the story is true defers to the story's facet
        ("听人说满一年就发钱 是真的吗", "when"),
        ("有人说报名得先交钱 这是真的不", "amount"),
        ("村里广播说的 真的假的", "what"),  # ... or asks what the thing is when the story names no facet
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


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("多久更新一次", "更新"),
        ("会不会影响低保", "低保"),
        ("为啥要报工资", "报工资"),
        ("在乡政府里头吗", "乡政府"),
        ("能在镇上培训不", "培训"),
        ("老板欠俺工资不给", "工资"),
        ("培训补贴到现在没给", "补贴"),
        ("要担保人不", "担保"),
        ("工资怎么样", "工资"),
    ],
)
def test_cues_leave_topic_words(matcher: FaqMatcher, question: str, kept: str) -> None:
    """Cues that look ahead (places, stories, requirements) keep the words after them, which may name the topic."""
    assert kept in residue(matcher.analyzer.normalise(question))


def test_in_a_talk_about_proxies_who_may_act_is_who_the_scheme_allows(matcher: FaqMatcher) -> None:
    """Proxies are the topic there: whether someone may act for the asker asks who, not the proxy side."""
    assert detect(matcher.analyzer.normalise("驻村干部能替我去办不"), proxy_talk=True) == "who"
    assert detect(matcher.analyzer.normalise("驻村干部能替我去办不")) == "proxy"  # in another topic
    assert detect(matcher.analyzer.normalise("我表哥行不行"), proxy_talk=True) == "who"
    assert detect(matcher.analyzer.normalise("代办要带啥"), proxy_talk=True) == "materials"
    # whether someone else will do, asked without 谁 or a verb of acting for, is the proxy side
    assert detect(matcher.analyzer.normalise("村干部也行吗"), proxy_talk=True) == "proxy"
    assert detect(matcher.analyzer.normalise("让俺姐去办行吗"), proxy_talk=True) == "proxy"
    assert detect(matcher.analyzer.normalise("谁能替俺办"), proxy_talk=True) == "who"


def test_the_reader_reads_someone_acting_against_the_topic(matcher: FaqMatcher, content: ContentPack) -> None:
    reader = Reader(matcher, content)
    assert reader.read("我哥能替我办不", Context(PROXY)).facet == "who"
    assert reader.read("我哥能替我办不", Context("transport-subsidy")).facet == "proxy"


def test_a_group_named_after_a_topic_asks_whether_it_qualifies(matcher: FaqMatcher, content: ContentPack) -> None:
    reading = Reader(matcher, content).read("那监测户呢", Context("transport-subsidy"))
    assert (reading.entry, reading.facet) == ("transport-subsidy", "who")


def test_being_told_to_go_oneself_is_not_a_proxy(matcher: FaqMatcher) -> None:
    """叫我办/让俺去领: someone sent the asker; only sending someone else (叫我兄弟去) is acting for another."""
    normalise = matcher.analyzer.normalise
    assert detect(normalise("村里叫我办那个交通补贴 咋办")) == "how"
    assert matcher.match("村里叫我办那个交通补贴 咋办").entry == "transport-subsidy"
    assert detect(normalise("俺叫俺兄弟去帮俺领行不")) == "proxy"
    assert detect(normalise("叫我儿子替我办行不")) == "proxy"
