"""The topic of a message inside a conversation (bot.faq.conversation.Reader): when a message with a weak
topic signal keeps the current topic, and when it leaves it."""

from __future__ import annotations

import pytest

from bot.content import ContentPack
from bot.faq.context import Context
from bot.faq.conversation import Reader
from bot.faq.facets import Facet
from bot.faq.followups import rules_only
from bot.faq.matcher import FaqMatcher
from bot.services import Services
from tests.conftest import Chat


@pytest.fixture
def reader(matcher: FaqMatcher, content: ContentPack) -> Reader:
    return Reader(matcher, content)


def test_an_aside_in_words_the_faq_uses_too_keeps_the_topic(reader: Reader) -> None:
    # 个人 and 企业 are both words FAQ entries use; an out-of-scope topic (taxes) only shares their characters
    topic = Context("job-retention-subsidy", None, "what")
    for text in ("给企业还是给个人", "到底是发给个人还是发给企业"):
        reading = reader.read(text, topic)
        assert (reading.outcome, reading.entry) == ("answer", "job-retention-subsidy"), text
        assert reading.context.off_topic is None


def test_an_aside_in_a_word_only_another_office_uses_leaves_the_topic(reader: Reader) -> None:
    reading = reader.read("医保在哪交", Context("job-retention-subsidy", None, "what"))
    assert reading.outcome == "decline" and reading.off_topic == "medical-insurance"
    assert reading.context.entry == "job-retention-subsidy"  # kept for the next follow-up


def follow(reader: Reader, topic: str, *texts: str) -> list[tuple[str | None, str | None]]:
    """Each message read against the context the previous one left (as the handler stores it)."""
    context = Context(topic)
    seen: list[tuple[str | None, str | None]] = []
    for text in texts:
        reading = reader.read(text, context)
        seen.append((reading.entry, reading.facet))
        context = reading.context
    return seen


def test_after_a_proxy_question_what_to_bring_is_the_proxy_applications(reader: Reader) -> None:
    seen = follow(reader, "job-retention-subsidy", "俺人在外省 叫俺姐替俺办中不", "得准备些啥", "啥时候能发下来")
    # someone else applying: the subsidy's proxy side (whose text is 委托代办) or 委托代办 itself, the subsidy its
    # parent; writers label both
    assert seen[0] in {("job-retention-subsidy", "proxy"), ("proxy-application", "proxy")}
    assert seen[1:] == [
        ("proxy-application", "materials"),  # what someone applying for another brings
        ("job-retention-subsidy", "when"),  # the money is the subsidy's again
    ]


def test_the_context_keeps_its_parent_through_the_stored_text() -> None:
    context = Context("proxy-application", None, "materials", "transport-subsidy")
    assert Context.decode(context.encode()) == context
    assert Context.decode("proxy-application#materials") == Context("proxy-application", None, "materials")
    assert Context(None, "pension", None, "transport-subsidy").encode() == ">pension"  # a parent needs a topic


def test_a_list_of_choices_is_kept_with_its_likeliest_entry(reader: Reader) -> None:
    reading = reader.read("补贴", Context())
    assert reading.outcome == "suggest" and len(reading.suggestions) > 1
    assert reading.context == Context(reading.suggestions[0], choices=reading.suggestions[1:])
    assert Context.decode(reading.context.encode()) == reading.context


def test_a_follow_up_after_choices_says_which_was_meant(reader: Reader) -> None:
    offered = Context("zero-employment-household", choices=("wage-arrears", "public-welfare-job"))
    meant = reader.read("上哪告去", offered)  # 告: suing for wages
    assert meant.entry == "wage-arrears"
    assert meant.context.choices == ()  # settled: the next follow-up stays there
    plain = reader.read("找谁", offered)  # nothing of its own: the likeliest
    assert plain.entry == "zero-employment-household"


def test_that_x_with_x_nothing_known_asks_the_same_side_of_the_topic(reader: Reader) -> None:
    reading = reader.read("那俺去包头呢", Context("transport-subsidy", None, "who"))
    assert (reading.outcome, reading.entry, reading.facet) == ("answer", "transport-subsidy", "who")
    aside = reader.read("那医保呢", Context("transport-subsidy", None, "amount"))  # another office's business
    assert aside.outcome == "decline" and aside.off_topic == "medical-insurance"


@pytest.mark.parametrize("side", ["amount", None])
def test_that_x_with_x_the_word_telling_a_subsidy_apart_asks_that_subsidy(reader: Reader, side: Facet | None) -> None:
    # 交通 alone names nothing (交通罚款 is another office's); beside 稳岗补贴 it is the transport subsidy
    reading = reader.read("那交通的呢", Context("job-retention-subsidy", None, side))
    assert (reading.outcome, reading.entry) == ("answer", "transport-subsidy")
    if side is not None:  # the side asked last is asked of it too
        assert reading.facet == side


@pytest.mark.parametrize(("topic", "text", "entry"), [("job-retention-subsidy", "交通的多少", "transport-subsidy")])
def test_a_follow_up_opening_with_the_word_telling_a_subsidy_apart_asks_that_subsidy(
    reader: Reader, topic: str, text: str, entry: str
) -> None:
    reading = reader.read(text, Context(topic))
    assert (reading.outcome, reading.entry, reading.facet) == ("answer", entry, "amount")
    assert reader.read("俺的多少", Context(topic)).entry == topic  # 俺 tells no subsidy apart


def test_a_plight_told_before_may_i_is_asked_of_the_topic_but_a_benefit_named_is_asked_itself(reader: Reader) -> None:
    # 欠薪 gives nothing one may 领: the asker's plight, asked against the subsidy; 交通补贴 named before
    # "还能领不" is the subsidy asked about, whatever the topic
    assert follow(reader, "job-retention-subsidy", "俺被欠薪了中途回来的 还能领不", "给多少") == [
        ("job-retention-subsidy", "who"),
        ("job-retention-subsidy", "amount"),
    ]
    assert reader.read("俺家俩人都被欠薪回来了 现在都没活 算不算", Context("zero-employment-household")).entry == (
        "zero-employment-household"
    )
    reading = reader.read("他问俺领没领交通补贴 俺没领 现在还能领不", Context("phone-callback"))
    assert reading.entry == "transport-subsidy"


def test_the_asking_clause_names_the_new_topic_the_story_names_the_old(reader: Reader) -> None:
    topic = Context("public-welfare-job", None, "amount")
    switched = reader.read("俺打算辞了公岗 去外省干活 路费补贴还能领不", topic)
    assert (switched.entry, switched.facet) == ("transport-subsidy", "who")
    assert switched.context.entry == "transport-subsidy"
    stays = reader.read("俺在公岗上 能去外省干活不", topic)  # the asking clause names nothing else
    assert stays.entry == "public-welfare-job"


def test_whether_the_asker_counts_as_a_group_asks_about_that_group(reader: Reader) -> None:
    topic = Context("relocation-employment", None, "what")
    asked = reader.read("俺家这样算不算零就业户", topic)  # the group is what 算不算 asks about
    assert (asked.entry, asked.facet) == ("zero-employment-household", "who")
    told = reader.read("俺是监测户也能领不", topic)  # the group is who asks: still the topic
    assert told.entry == "relocation-employment"


def test_someone_else_acting_for_the_asker_is_the_topics_proxy_side(reader: Reader) -> None:
    # on its own the story (in another place, at home) reads like 委托代办; after a topic it is its proxy side
    for topic, text in (
        ("wage-arrears", "俺闺女在外地 俺在家能替她去要不"),
        ("skills-training", "娃在外地上班 俺在家替他报个名中不"),
    ):
        reading = reader.read(text, Context(topic, None, "what"))
        assert (reading.entry, reading.facet) == (topic, "proxy"), text
    named = reader.read("补贴能找人代办不", Context("wage-arrears", None, "what"))  # names 委托代办 itself
    assert named.entry == "proxy-application"


@pytest.mark.parametrize("text", ["你怎么啥都不知道", "就会说不清楚", "俺想问件事", "你好 我想问个事情"])
def test_complaints_and_openings_are_small_talk(text: str, matcher: FaqMatcher) -> None:
    from bot.faq.smalltalk import small_talk

    assert small_talk(matcher.analyzer.normalise(text), text) is not None


async def test_what_it_can_do_asks_the_topic_when_there_is_one(chat: Chat, services: Services) -> None:
    [alone] = await chat.say("能干啥")  # no topic: what the bot can do
    assert "小助手" in alone.text
    await chat.say("零工驿站在哪")
    [topic] = await chat.say("能干啥")
    assert topic.text.startswith("【就业服务站/零工驿站")
    [bot] = await chat.say("你能干啥")  # said to the bot
    assert "小助手" in bot.text
    assert await services.questions.list_open() == []


def test_a_short_facet_question_wholly_in_another_entrys_words_is_its(reader: Reader) -> None:
    moved = reader.read("想再学个技术 培训要钱不", Context("graduate-support", None, "what"))
    assert (moved.entry, moved.facet) == ("skills-training", "amount")
    # one word of another entry is not enough: 反映 (complaining about wages) after 公益岗 asks where, of 公益岗
    assert reader.read("找谁反映", Context("public-welfare-job", None, "what")).entry == "public-welfare-job"


def test_after_an_aside_a_question_with_nothing_of_the_aside_goes_back_to_the_topic(reader: Reader) -> None:
    after_pensions = Context("transport-subsidy", "pension", "what")
    back = reader.read("需要申请不", after_pensions)  # pensions share none of its words, the subsidy does
    assert (back.outcome, back.entry) == ("answer", "transport-subsidy")
    still = reader.read("在哪交", after_pensions)  # paying in is the pension's
    assert still.outcome == "decline" and still.off_topic == "pension"


def test_how_often_postings_are_updated_is_a_postings_question(reader: Reader) -> None:
    # content: job-postings holds 更新 `within` its own facts (适时公布); elsewhere 更新 is one's work information
    assert reader.read("隔几天更新一回", Context("job-postings", None, "what")).entry == "job-postings"
    assert reader.read("打工信息咋更新", Context("transport-subsidy", None, "what")).entry == "update-work-info"


def test_a_stored_context_naming_entries_the_content_no_longer_has_is_read_without_them(reader: Reader) -> None:
    gone = reader.read("补多少", Context("retired-entry", None, "what"))
    assert gone.entry is None and gone.outcome == "suggest"  # as with no topic: which one?
    parent_gone = reader.read("多久到账", Context("proxy-application", None, "materials", "retired-entry"))
    assert parent_gone.entry == "proxy-application"
    choice_gone = reader.read("上哪告去", Context("zero-employment-household", choices=("retired-entry",)))
    assert choice_gone.entry == "zero-employment-household"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("你好 我是杏岭子乡的", "greeting"),  # a greeting with who is asking: nothing asked yet
        ("您好 俺替俺舅舅问问", "greeting"),
        ("多谢师傅", "thanks"),  # thanks to a form of address
        ("你比乡里的干部都清楚", "thanks"),  # praise by comparison
        ("行 我记住了", "ok"),
        ("中 那我后天去问问", "ok"),
        ("成", "ok"),
        ("这里不管这事啊", "ok"),
        ("你可别告诉别人", "privacy"),
        ("俺不太会打字", "typing"),
        ("哎 太难了", "sigh"),
        ("你听得懂俺说的不", "identity"),
        ("喂喂 能听见不", "identity"),
        ("你是人还是电脑", "identity"),  # what the bot is, as a choice or a guess
        ("你是人社局的人吗", "identity"),
        ("是自动回复吗", "identity"),
        ("机器人", "identity"),
        ("小妹在不", "greeting"),
        ("在线吗", "greeting"),
        ("在不 有个事想问", "greeting"),
        ("啥也不知道 要你有甚用", "complaint"),
        ("你也不知道啊", "complaint"),  # not "ok" for 不知道: the bot is the one who does not know
        ("真慢", "complaint"),
        ("你们管甚的", "identity"),
        ("俺说话你能听懂不", "identity"),
        ("你是机器人不", "identity"),
        ("哼", "sigh"),
        ("没天理", "sigh"),
        ("emmm", "ok"),
        ("那你能管啥", "identity"),
        ("你好 你是哪个单位的", "identity"),
        ("说了半天也没个数", "complaint"),  # no figure given, said as a complaint
        ("咋又说以公布为准", "complaint"),
        ("差点上当", "ok"),
        ("俺打字慢 你等等", "ok"),
        ("算了不说了", "bye"),
        ("中嘞", "ok"),  # 晋北: fine, got it
        ("谢", "thanks"),
        ("ok 3q", "thanks"),
        ("在？", "greeting"),
        ("问下", "greeting"),
        ("哦 不归你们管啊", "ok"),
        ("行 俺自己去银行问吧", "ok"),  # going to ask elsewhere: nothing asked here
        ("好的，我赶紧去跟村民说一声", "ok"),
        ("可不是嘞 谢谢啊", "thanks"),
        ("怎么不吭声", "complaint"),
    ],
)
def test_kinds_of_small_talk(text: str, kind: str, matcher: FaqMatcher) -> None:
    from bot.faq.smalltalk import small_talk

    assert small_talk(matcher.analyzer.normalise(text), text) == kind


@pytest.mark.parametrize("text", ["我是杏岭子乡的", "你好 我是杏岭子乡的 零工驿站在哪", "成不", "我替他问问能领不"])
def test_an_introduction_without_a_greeting_or_with_a_question_is_not_small_talk(
    text: str, matcher: FaqMatcher
) -> None:
    from bot.faq.smalltalk import small_talk

    # mid-conversation "俺是胡会乡的" tells the topic where the asker is
    assert small_talk(matcher.analyzer.normalise(text), text) is None


@pytest.mark.parametrize(
    "text",
    [
        "学电脑是人社局管吗",
        "电脑培训有补贴不",
        "机器人操作工培训",
        "你是人吗 问交通补贴",
        "补贴咋还不到 烦死了",
        "就没个数吗",  # asks the amount again, unlike "说了半天也没个数"
        "你就说个数",
    ],
)
def test_the_bots_words_in_a_question_are_not_small_talk(text: str, matcher: FaqMatcher) -> None:
    from bot.faq.smalltalk import small_talk

    assert small_talk(matcher.analyzer.normalise(text), text) is None


def test_a_long_story_that_names_an_entry_by_its_own_words_is_about_it(reader: Reader) -> None:
    # the story's many other words cover nothing well enough to answer; the subsidy it names is what it asks
    story = "俺在河北廊坊的物流园里装卸货 干了快三年了 昨天刷快手看到个稳岗补贴 也不晓得俺这样的算不算 要不要回来一趟"
    reading = reader.read(story, Context())
    assert (reading.outcome, reading.entry) == ("answer", "job-retention-subsidy")
    # naming a word of an entry does not override another office's business
    assert reader.read("俺在外地打工 养老保险断了几年 补缴要多少钱", Context()).outcome == "decline"


def test_a_question_about_the_topics_effect_on_another_entry_stays_on_the_topic(reader: Reader) -> None:
    # the other subsidy is what might be affected; what is asked about is updating one's work information
    topic = Context("update-work-info", None, "how")
    for text in ("要是报了新地址 会不会影响俺领稳岗补贴", "报了以后耽误领补贴不"):
        assert reader.read(text, topic).entry == "update-work-info", text
    # without an effect, naming the other subsidy moves there
    assert reader.read("稳岗补贴咋领", topic).entry == "job-retention-subsidy"


def test_the_side_of_an_out_of_scope_question_is_the_side_another_entry_is_asked_on(reader: Reader) -> None:
    # with no FAQ topic: the pension question asked an amount, so "那稳岗补贴呢" asks the subsidy's amount
    after = reader.read("养老保险一年交多少", Context()).context
    assert Context.decode(after.encode()) == after and after.facet == "amount"
    asked = reader.read("那稳岗补贴呢", after)
    assert (asked.entry, asked.facet) == ("job-retention-subsidy", "amount")
    assert reader.read("那医保呢", after).outcome == "decline"  # another office's, on the same side
    # with an FAQ topic answered on another side: the side asked last counts, not the side answered last
    topic = reader.read("交通补贴谁能领", Context()).context
    aside = reader.read("对了 医保一年交多少", topic).context
    asked = reader.read("那稳岗补贴呢", aside)
    assert (asked.entry, asked.facet) == ("job-retention-subsidy", "amount")


def test_whether_the_askers_own_case_counts_is_asked_of_the_topic(reader: Reader) -> None:
    # the case told before "算不" is in words only other offices' topics use (杂粮, 残疾人), but
    # what is asked is whether it counts for the current topic
    topic = Context("startup-subsidy", None, "what")
    for text in ("在村里种杂粮算不", "俺家有残疾人算不算"):
        reading = reader.read(text, topic)
        assert (reading.outcome, reading.entry, reading.facet) == ("answer", "startup-subsidy", "who"), text


@pytest.mark.parametrize("topic", ["job-retention-subsidy", "transport-subsidy"])
def test_a_follow_up_stays_on_its_subsidy_not_on_the_twin_the_notice_states_beside_it(
    reader: Reader, topic: str
) -> None:
    # the twins share their words; one whose questions hold 去年/今年 must not pull a follow-up of the other to it
    rules = Reader(reader.matcher, reader.content, followups=rules_only())
    for read in (reader, rules):
        seen = follow(read, topic, "去年领了今年还能领不", "有截止时间没")
        assert [entry for entry, _ in seen] == [topic, topic]


def test_how_to_claim_after_a_callback_is_the_subsidy_it_asked_about(reader: Reader) -> None:
    seen = follow(reader, "phone-callback", "那我现在去领 咋弄", "多久到账")
    assert [entry for entry, _ in seen] == ["transport-subsidy", "transport-subsidy"]
    for text in ("没接到会影响俺领补贴不", "他问我领没领补贴"):  # the callback's own business
        assert reader.read(text, Context("phone-callback")).entry == "phone-callback", text
