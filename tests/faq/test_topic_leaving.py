"""When a follow-up leaves the conversation's topic (bot.faq.conversation.Reader with bot.faq.detours and
bot.faq.neighbours): a paper's own errand, and the topic kept for what comes after."""

from __future__ import annotations

import pytest

from bot.content import ContentPack
from bot.faq.context import Context
from bot.faq.conversation import Reader
from bot.faq.matcher import FaqMatcher
from tests.faq.test_followups import follow


@pytest.fixture
def reader(matcher: FaqMatcher, content: ContentPack) -> Reader:
    return Reader(matcher, content)


@pytest.mark.parametrize(
    ("topic", "text"),
    [
        ("job-retention-subsidy", "存折丢了咋办"),
        ("startup-subsidy", "执照过期了去哪换"),
        # "户口本在哪补办" right after the subsidy is named: the 74 writers' follow-up model reads the subsidy's where
        # (writers label such questions either way; making the rules decide cost 16 of their follow-ups)
        ("transport-subsidy", "身份证丢了在哪补办"),
    ],
)
def test_a_papers_own_errand_is_not_what_the_topic_asks_to_bring(reader: Reader, topic: str, text: str) -> None:
    reading = reader.read(text, Context(topic))
    assert reading.outcome == "decline", text
    assert reading.context.entry == topic  # the next follow-up is read against the topic again


@pytest.mark.parametrize(
    ("topic", "text", "facets"),
    [
        ("job-retention-subsidy", "要带存折不", {"materials"}),  # whether to bring it: the topic's materials
        # a proof of the topic's own kind of work, and where: the writers label such a question either side
        # (where to get a paper the topic asks for), and the facet model follows the paper's cue since 42 writers
        ("transport-subsidy", "务工证明去哪开", {"where", "materials"}),
    ],
)
def test_a_paper_the_topic_asks_for_stays_with_the_topic(
    reader: Reader, topic: str, text: str, facets: set[str]
) -> None:
    reading = reader.read(text, Context(topic))
    assert (reading.outcome, reading.entry) == ("answer", topic), text
    assert reading.facet in facets, text


@pytest.mark.parametrize(
    ("group", "text", "entry"),
    [
        ("zero-employment-household", "想自己创业 给补贴吗", "startup-subsidy"),
        ("zero-employment-household", "创业有补助不", "startup-subsidy"),
        ("monitoring-household", "监测户也能去技能培训吗", "skills-training"),
    ],
)
def test_after_a_group_a_question_in_a_benefits_words_asks_for_that_benefit(
    reader: Reader, group: str, text: str, entry: str
) -> None:
    reading = reader.read(text, Context(group))
    assert (reading.outcome, reading.entry) == ("answer", entry), text


@pytest.mark.parametrize("text", ["去哪反映", "要带啥", "多久能安排上"])
def test_after_a_group_the_groups_own_sides_stay_with_it(reader: Reader, text: str) -> None:
    reading = reader.read(text, Context("zero-employment-household"))
    assert (reading.outcome, reading.entry) == ("answer", "zero-employment-household"), text


def test_an_entry_the_topic_only_mentions_is_asked_about_when_asked_how_to_get_it(reader: Reader) -> None:
    # the relocation entry's facts say each community has 公岗: whether there are some is either entry's question
    # (writers label it either way), where to sign up for one is the public-welfare job's
    [(entry, facet)] = follow(reader, "relocation-employment", "那小区有公岗不")
    assert entry in ("relocation-employment", "public-welfare-job") and facet == "what"
    assert follow(reader, "relocation-employment", "小区的公岗去哪报名") == [("public-welfare-job", "where")]


def test_the_entry_a_message_mentioned_beside_the_topic_can_be_meant_next(reader: Reader) -> None:
    seen = follow(reader, "relocation-employment", "小区有没有公岗", "到哪报名")
    assert seen == [("relocation-employment", "what"), ("public-welfare-job", "where")]


def test_what_the_callback_asked_about_is_the_callbacks_question_until_the_asker_wants_it(reader: Reader) -> None:
    assert follow(reader, "phone-callback", "他还问我稳岗补贴领了没有") == [("phone-callback", "what")]
    assert follow(reader, "phone-callback", "俺没领稳岗补贴 现在还能领不") == [("job-retention-subsidy", "who")]


def test_a_lead_offered_as_a_choice_is_the_topic_a_follow_up_is_read_against(reader: Reader) -> None:
    # "四十多了还能培训不" asks who, and its cue takes the word that names the training: the reader offers
    # choices rather than answer, but the matcher's lead stays the likeliest topic for what comes next
    first = reader.read("四十多了还能培训不", Context())
    assert first.outcome == "suggest" and first.suggestions[0] == "skills-training"
    second = reader.read("给发证不", Context.decode(first.context.encode()))
    assert (second.outcome, second.entry) == ("answer", "skills-training")


def test_where_to_apply_through_someone_else_stays_with_the_proxy_application(reader: Reader) -> None:
    seen = follow(reader, "transport-subsidy", "俺在外地回不来 叫俺哥替俺办中不", "要准备些啥", "到哪办", "钱多久到")
    assert seen == [
        ("proxy-application", "proxy"),  # the subsidy stays its parent
        ("proxy-application", "materials"),
        ("proxy-application", "where"),  # where the one acting for the asker goes
        ("transport-subsidy", "when"),  # the money is the subsidy's again
    ]


def test_naming_the_proxy_scheme_after_a_subsidy_keeps_the_subsidy_for_the_money(reader: Reader) -> None:
    seen = follow(reader, "job-retention-subsidy", "他回不来 俺替他办中不", "委托代办咋弄", "钱多久到")
    assert [entry for entry, _ in seen] == ["proxy-application", "proxy-application", "job-retention-subsidy"]


@pytest.mark.parametrize(
    ("topic", "text"),
    [("public-welfare-job", "俺领着低保 能干这个不"), ("startup-loan", "俺信用卡有逾期 还能贷不")],
)
def test_another_offices_word_before_may_i_do_the_topics_thing_describes_the_asker(
    reader: Reader, topic: str, text: str
) -> None:
    reading = reader.read(text, Context(topic))
    assert (reading.outcome, reading.entry, reading.facet) == ("answer", topic, "who"), text


def test_may_i_have_more_of_another_offices_benefit_is_still_an_aside(reader: Reader) -> None:
    reading = reader.read("那俺的低保能多给点不", Context("public-welfare-job"))
    assert reading.outcome == "decline" and reading.context.entry == "public-welfare-job"


@pytest.mark.parametrize("text", ["一个月给多少", "一年能领多少钱"])
def test_how_much_by_the_month_after_another_offices_benefit_asks_about_that_benefit(reader: Reader, text: str) -> None:
    reading = reader.read(text, Context("public-welfare-job", "social-assistance"))
    assert (reading.outcome, reading.off_topic) == ("decline", "social-assistance"), text


@pytest.mark.parametrize(
    ("topic", "text", "office"),
    [
        ("wage-arrears", "失业金俺能领不", "other-insurance"),
        ("zero-employment-household", "慢病卡能办不", "medical-insurance"),
    ],
)
def test_another_offices_benefit_jieba_would_split_is_still_that_offices(
    reader: Reader, topic: str, text: str, office: str
) -> None:
    reading = reader.read(text, Context(topic))  # 失业金, 慢病卡: words of the user dictionary, not 失业 + 金
    assert (reading.outcome, reading.off_topic, reading.context.entry) == ("decline", office, topic), text


@pytest.mark.parametrize("topic", ["transport-subsidy", "job-retention-subsidy"])
def test_working_on_a_building_site_asks_whether_the_subsidy_is_ones_own(reader: Reader, topic: str) -> None:
    reading = reader.read("俺在工地上 今年五十六了 能领不", Context(topic))  # 工地 is no injury of 工伤保险
    assert (reading.outcome, reading.entry, reading.facet) == ("answer", topic, "who")


@pytest.mark.parametrize(
    ("topic", "text", "entry"),
    [
        ("startup-subsidy", "能贷多少", "startup-loan"),  # 贷 names the loan, which the subsidy is not
        ("venue-rent-subsidy", "利息咋算", "startup-loan"),
        ("startup-subsidy", "他还想贷点款 中不中", "startup-loan"),  # the follow-up model's until session 19
        ("venue-rent-subsidy", "还想贷点款扩大一下 咋弄", "startup-loan"),
        ("startup-loan", "能贷多少", "startup-loan"),  # the loan itself stays
    ],
)
def test_money_lent_asked_after_a_subsidy_is_the_loan_beside_it(
    reader: Reader, topic: str, text: str, entry: str
) -> None:
    reading = reader.read(text, Context(topic))
    assert (reading.outcome, reading.entry) == ("answer", entry), text
