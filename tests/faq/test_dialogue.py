"""Conversations the way laborers talk: follow-ups, facets, small talk, declines that route, hand-over."""

from __future__ import annotations

import pytest

from bot.messages import Button, Capabilities, Reply
from bot.render import plain_texts
from bot.services import Services
from tests.conftest import Chat


async def decline_count(services: Services) -> int:
    row = await services.db.fetchone("SELECT count(*) FROM question_log WHERE outcome = 'decline'")
    return int(row[0]) if row else 0


async def test_follow_ups_are_read_against_the_current_topic(chat: Chat, services: Services) -> None:
    [first] = await chat.say("创业补贴")
    assert first.text.startswith("【一次性创业补贴】")
    [amount] = await chat.say("补多少")
    assert amount.text.startswith("【一次性创业补贴 · 给多少】") and "带动就业人数" in amount.text
    assert "依据：五人社函〔2023〕24号 二.(二)" in amount.text
    [materials] = await chat.say("要带啥材料")
    assert "通知里没写一次性创业补贴要带哪些材料" in materials.text and "先问乡镇就业服务站" in materials.text
    [where] = await chat.say("在哪办")
    assert "县市场局" in where.text
    [switched] = await chat.say("那稳岗补贴呢，给多少")
    assert switched.text.startswith("【稳岗补贴")
    assert await services.questions.list_open() == []


async def test_facet_without_context(chat: Chat) -> None:
    [reply] = await chat.say("培训生活补贴一天给多少钱")
    assert "每人每天15元" in reply.text
    [vague] = await chat.say("补多少")  # a follow-up on the training allowance now
    assert "15" in vague.text


async def test_a_follow_up_after_the_topic_expired_asks_which(chat: Chat, services: Services) -> None:
    await chat.say("交通补贴咋领")
    await services.db.execute("UPDATE conversations SET topic_at = '2020-01-01T00:00:00+00:00'")
    [reply] = await chat.say("补多少")
    assert "哪一项" in reply.text and reply.buttons
    assert await services.questions.list_open() == []


async def test_small_talk_and_control_words_are_never_queued(chat: Chat, services: Services) -> None:
    for text in ["你好", "在吗", "谢谢", "好的谢谢啦👍", "😂", "你是机器人吗", "退订", "第二个", "再见"]:
        [reply] = await chat.say(text)
        assert reply.text and "记下" not in reply.text, text
    assert await services.questions.list_open() == []
    assert await decline_count(services) == 0


async def test_more_than_a_phrase_is_still_small_talk_and_keeps_the_topic(chat: Chat, services: Services) -> None:
    await chat.say("交通补贴咋领")
    # going off to act on the answer, a complaint, an introduction with a greeting: nothing asked
    for text in ("好 俺这就去", "你这说了跟没说一样", "你咋听不懂人话", "你好 俺是开羊场的"):
        [reply] = await chat.say(text)
        assert not reply.text.startswith("【") and "记下" not in reply.text, text
    [amount] = await chat.say("补多少")  # the topic is still the transport subsidy
    assert amount.text.startswith("【一次性交通补贴 · 给多少】")
    # a complaint that asks again is answered; an introduction during a topic says where the asker is
    [again] = await chat.say("你咋听不懂 俺问的是多少钱")
    assert again.text.startswith("【一次性交通补贴 · 给多少】")
    assert await services.questions.list_open() == []
    assert await decline_count(services) == 0


async def test_a_short_question_is_not_taken_for_small_talk(chat: Chat) -> None:
    await chat.say("零工驿站在哪")
    [reply] = await chat.say("俺是胡会乡的")
    assert reply.text.startswith("【")


async def test_out_of_scope_names_the_office_and_keeps_the_topic(chat: Chat, services: Services) -> None:
    await chat.say("交通补贴咋领")
    [pension] = await chat.say("顺便问下养老保险今年交多少")
    assert "社会保险中心" in pension.text
    [where] = await chat.say("在哪交")  # still about pensions
    assert "社会保险中心" in where.text
    [weather] = await chat.say("明天下雨不")
    assert "答不了" in weather.text
    [back] = await chat.say("补多少")  # the weather did not erase the topic
    assert back.text.startswith("【一次性交通补贴 · 给多少】")
    [dibao] = await chat.say("低保怎么申请")
    assert "民政部门" in dibao.text
    [medical] = await chat.say("医保报销比例是多少")
    assert "医保部门" in medical.text
    assert await services.questions.list_open() == []
    for reply in (pension, where, dibao, medical):
        assert "电话" not in reply.text and "地址" not in reply.text


@pytest.mark.parametrize("text", ["有没有超市招收银的", "有暑假工没"])
async def test_asking_for_work_the_faq_cannot_name_is_queued_and_pointed_to_the_postings(
    chat: Chat, services: Services, text: str
) -> None:
    [reply] = await chat.say(text)
    assert "答不上来" in reply.text and "看最近招聘" in reply.text
    assert [b.data for b in reply.buttons][:1] == ["postings:latest"]
    [queued] = await services.questions.list_open()  # local hiring: staff can answer it
    assert queued.question == text


async def test_asking_where_in_the_county_work_is_going_gets_the_postings_entry(chat: Chat) -> None:
    [reply] = await chat.say("最近县里哪搭盖房子缺人")  # labelled job-postings in bench/data
    assert reply.text.startswith("【招聘和零工信息")
    assert "postings:latest" in [b.data for b in reply.buttons]


@pytest.mark.parametrize("text", ["劳务派遣公司靠谱不", "唉 这一年白忙活了", "招兼职的是不是骗子"])
async def test_a_decline_that_asks_for_no_work_is_not_pointed_to_the_postings(chat: Chat, text: str) -> None:
    replies = await chat.say(text)
    assert all("看最近招聘" not in r.text for r in replies)


async def test_a_places_hours_are_not_an_employment_question(chat: Chat, services: Services) -> None:
    [reply] = await chat.say("县医院几点上班")  # 上班 here is the hospital's hours: staff cannot answer it either
    assert "答不上来" in reply.text
    assert await services.questions.list_open() == []


async def test_asking_for_a_person_after_an_answer_queues_nothing(chat: Chat, services: Services) -> None:
    await chat.say("交通补贴咋领")
    [reply] = await chat.say("转人工")
    assert "已经答了" in reply.text and await services.questions.list_open() == []
    [handed] = await chat.press(reply.buttons[0].data)  # "没答对，找工作人员"
    assert "已经记下" in handed.text
    [queued] = await services.questions.list_open()
    assert queued.question == "交通补贴咋领"


async def test_asking_for_a_person_with_nothing_asked_asks_what(chat: Chat, services: Services) -> None:
    [reply] = await chat.say("转人工")
    assert "想问什么" in reply.text and await services.questions.list_open() == []
    [said] = await chat.say("俺说不清楚 你给俺转人工吧")  # asked for within a sentence
    assert "想问什么" in said.text


async def test_asking_for_a_person_about_a_topic_answers_the_topic(chat: Chat) -> None:
    [reply] = await chat.say("我想找个真人问问公益岗的事")
    assert reply.text.startswith("【乡村公益性岗位】")


async def test_staff_answers_are_reused_only_in_the_same_topic(chat: Chat, services: Services) -> None:
    await chat.say("劳务派遣公司靠谱不")
    [queued] = await services.questions.list_open()
    await services.questions.answer(queued.id, "请问乡镇就业服务站。", "县人社局")
    other = Chat(chat.dispatcher, user="u2")
    [same] = await other.say("劳务派遣公司靠谱不")
    assert "县人社局" in same.text and "答复" in same.text and "请问乡镇就业服务站。" in same.text
    third = Chat(chat.dispatcher, user="u3")
    await third.say("创业补贴咋申请")  # another topic: the same words are another question
    [fresh] = await third.say("劳务派遣公司靠谱不")
    assert "请问乡镇就业服务站。" not in fresh.text


async def test_choices_in_words_and_out_of_range(chat: Chat) -> None:
    [menu] = await chat.say("补贴")
    if menu.buttons:
        [chosen] = await chat.say("第一个")
        assert chosen.text.startswith("【")
    [reply] = await chat.say("9")
    assert "没有这个选项" in reply.text


async def test_greeting_mentions_voice_only_where_the_channel_recognises_it(chat: Chat, services: Services) -> None:
    [plain] = await chat.say("/start")
    assert "语音" not in plain.text
    [wechat] = await Chat(chat.dispatcher, user="w1", channel="wechat").say("/start")
    assert "语音" in wechat.text


def test_choices_are_numbered_across_the_messages_of_one_reply() -> None:
    replies = [
        Reply("第一条", (Button("a", "x:1"), Button("b", "x:2"))),
        Reply("第二条", (Button("c", "x:3"),)),
    ]
    first, second = plain_texts(replies, Capabilities(buttons=False))
    assert "1. a" in first and "2. b" in first and "3. c" in second and "1. c" not in second


async def test_asking_for_the_bureau_phone_gets_no_invented_number(chat: Chat) -> None:
    for text in ("人社局电话多少", "县人社局在哪里"):
        [reply] = await chat.say(text)
        assert reply.text.startswith("【县人社局怎么找") and "通知里没写" in reply.text, text
        assert not any(ch.isdigit() for ch in reply.text.split("依据")[0]), text
    [jobs] = await chat.say("有没有活干")
    assert jobs.text.startswith("【招聘和零工信息】")


async def test_an_aside_in_the_middle_of_a_topic_does_not_capture_what_follows(chat: Chat) -> None:
    await chat.say("老板拖着工钱不给咋办")
    [aside] = await chat.say("对了，失业保险咋领")
    assert "答不了" in aside.text or "不归" in aside.text or "社会保险" in aside.text
    [back] = await chat.say("拖的那些钱多久能要回来")  # reads like the wage topic, not like the aside
    assert back.text.startswith("【被欠工资")


async def test_a_family_member_alone_asks_who_qualifies(chat: Chat) -> None:
    await chat.say("交通补贴咋领")
    [reply] = await chat.say("那我爸呢")
    assert reply.text.startswith("【一次性交通补贴 · 谁能享受】")


async def test_after_an_out_of_scope_question_a_question_the_faq_knows_is_read_on_its_own(chat: Chat) -> None:
    await chat.say("养老保险一年交多少")
    [reply] = await chat.say("那出去打工有补贴没")
    about_transport = reply.text.startswith("【一次性交通补贴") or "一次性交通补贴" in [b.label for b in reply.buttons]
    assert "养老" not in reply.text and about_transport


async def test_a_follow_up_moves_to_a_related_entry_it_reads_clearly_more_like(chat: Chat) -> None:
    await chat.say("想学个手艺，县里有培训没")
    [reply] = await chat.say("一天给几块")  # money for the trainee: the training allowance, not the course
    assert "每人每天15元" in reply.text and reply.text.startswith("【培训生活补贴")


async def test_after_suggestions_a_follow_up_is_read_against_the_likeliest(chat: Chat) -> None:
    [which] = await chat.say("打工的人有补贴没")
    assert which.text.startswith("您问的是") and len(which.buttons) > 2  # a list, no answer
    [reply] = await chat.say("咋领")
    assert reply.text.startswith(f"【{which.buttons[0].label} · 怎么办】")


async def test_an_faq_keyword_inside_another_offices_question_does_not_switch_the_topic(chat: Chat) -> None:
    await chat.say("创业补贴给多少")
    [reply] = await chat.say("娃的助学贷款到期了咋还")  # 贷款 names 创业担保贷款, but this is not that
    assert "房贷/车贷等非创业贷款" in reply.text and "答不了" in reply.text


async def test_a_generic_follow_up_stays_on_the_topic(chat: Chat) -> None:
    """Follow-ups made of facet words and a lone verb stay on the topic, even where a related entry's
    questions happen to share the verb ("弄", "联系")."""
    await chat.say("交通补贴是啥")
    for text in ("那我去哪弄", "隔几天发一次", "咋联系"):
        [reply] = await chat.say(text)
        assert reply.text.startswith("【一次性交通补贴"), text


async def test_a_long_new_question_in_the_middle_of_a_topic_is_read_on_its_own(chat: Chat) -> None:
    await chat.say("有没有零工活")
    [reply] = await chat.say("前些天打零工 老板扣了俺两天工钱不给 咋办")  # 零工 in passing: a wage question
    assert reply.text.startswith("【被欠工资")


async def test_a_follow_up_on_a_side_another_entry_answers_goes_there_by_words_not_by_facet(chat: Chat) -> None:
    """[[refer]]: money for a trainee is the allowance, signing up is the training; someone else applying
    after 交通补贴 is the proxy scheme (who may act), with the subsidy kept as its parent: "多久到账" next is
    about the subsidy's money again."""
    await chat.say("县里有啥培训")
    [money] = await chat.say("培训给钱不")
    assert money.text.startswith("【培训生活补贴")
    [sign_up] = await chat.say("在哪报名")
    assert sign_up.text.startswith("【职业技能培训")
    await chat.say("交通补贴咋领")
    [proxy] = await chat.say("他回不来 俺替他办行不行")
    assert proxy.text.startswith("【委托代办补贴 · 别人代办")
    [when] = await chat.say("多久到账")
    assert when.text.startswith("【一次性交通补贴 · ")


async def test_a_who_question_that_is_wholly_another_offices_leaves_the_topic(chat: Chat) -> None:
    await chat.say("县里有啥培训")
    [reply] = await chat.say("娃娃上学有补助不")
    assert "上学/教育" in reply.text and "答不了" in reply.text
    await chat.say("创业贷款咋贷")
    [mine] = await chat.say("俺是脱贫户能贷不")  # 贷 is the topic's word: who qualifies for the loan
    assert mine.text.startswith("【创业担保贷款")


async def test_an_elliptical_question_asks_the_same_side_of_another_topic(chat: Chat) -> None:
    """The conversation remembers the side (facet) answered last: "那稳岗补贴呢" after "交通补贴谁能领" asks who
    qualifies for 稳岗补贴; "那监测户呢" is the asker's group, so who of the same topic; "那贷款呢" after an
    amount names its entry by itself."""
    await chat.say("交通补贴谁能领")
    [other] = await chat.say("那稳岗补贴呢")
    assert other.text.startswith("【稳岗补贴 · 谁能享受】")
    [group] = await chat.say("那监测户呢")
    assert group.text.startswith("【稳岗补贴 · 谁能享受】")
    await chat.say("创业补贴能先领多少")
    [loan] = await chat.say("那贷款呢")
    assert loan.text.startswith("【创业担保贷款及贴息 · ")


def test_the_context_keeps_its_facet_through_the_stored_text() -> None:
    from bot.faq.context import Context

    for context in (Context("transport-subsidy", None, "amount"), Context("wage-arrears", "pension", "where")):
        assert Context.decode(context.encode()) == context
    assert Context.decode("transport-subsidy") == Context("transport-subsidy")  # stored before facets were kept
    assert Context.decode("transport-subsidy#nonsense") == Context("transport-subsidy")
    # the side of an out-of-scope question is kept too ("那稳岗补贴呢" asks it); a side of nothing is not
    assert Context.decode(Context(None, "pension", "who").encode()) == Context(None, "pension", "who")
    assert Context(None, None, "who").encode() is None
    # the topic held before is kept beside the current one; it needs a current topic
    before = Context("proxy-application", None, "how", "transport-subsidy", ("graduate-support",), "startup-subsidy")
    assert Context.decode(before.encode()) == before
    assert Context(None, "pension", prior="startup-subsidy").encode() == ">pension"


async def test_a_job_after_training_stays_with_the_training(chat: Chat) -> None:
    """The notice promises help into a job after training in the training clause (四): "学完给推荐工作不"
    after 技能培训 is the training's side, not the 1131 service's."""
    await chat.say("县里有啥培训")
    [reply] = await chat.say("学完给推荐工作不")
    assert reply.text.startswith("【职业技能培训")


async def test_another_entrys_word_the_topic_covers_stays_on_the_topic(chat: Chat) -> None:
    """`within` in content: the notice gives each relocation community 3 公岗, so "那有公岗不" after 易地搬迁 is
    about the relocation help; with no topic it is the 公益岗 entry's question."""
    await chat.say("易地搬迁户有啥就业帮扶")
    [reply] = await chat.say("那有公岗不")
    assert reply.text.startswith("【易地搬迁")
    await chat.say("谢谢")
    await chat.say("交通补贴咋领")
    [post] = await chat.say("那有公岗不")
    assert post.text.startswith("【乡村公益性岗位")


async def test_asking_for_a_person_after_another_offices_question_hands_nothing_over(
    chat: Chat, services: Services
) -> None:
    await chat.say("公益岗咋申请")
    [pension] = await chat.say("那俺爸的养老金能涨不")  # another office's: declined, routed
    assert "社会保险中心" in pension.text
    [reply] = await chat.say("转人工")  # staff here cannot answer it either: say where, queue nothing
    assert "社会保险中心" in reply.text and "记下" not in reply.text
    assert await services.questions.list_open() == []
    await chat.press(reply.buttons[0].data)  # "没答对，找工作人员": read wrong, the person still reaches staff
    [insisted] = await services.questions.list_open()
    assert insisted.question == "那俺爸的养老金能涨不"
    await chat.say("劳务派遣公司靠谱不")  # employment help the FAQ lacks: handed over at once
    await chat.say("转人工")
    assert {q.question for q in await services.questions.list_open()} == {"那俺爸的养老金能涨不", "劳务派遣公司靠谱不"}
