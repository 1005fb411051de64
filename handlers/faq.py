"""Policy questions in a conversation: small talk, follow-ups on the current topic, facets, answers,
choices, declines that say whose business a question is, and the hand-over to staff.

Only questions staff can answer (employment help the FAQ lacks) are queued for them; small talk,
weather or pensions never are. "转人工" hands over the last question the bot did not answer.
"""

from __future__ import annotations

import re
import weakref
from datetime import UTC, datetime

from bot.content import ContentPack, fold
from bot.dispatcher import Router
from bot.faq import answers, asides, trace
from bot.faq.context import Context
from bot.faq.conversation import Reader, Reading
from bot.faq.matcher import FaqMatcher
from bot.faq.signals import VAGUE
from bot.faq.smalltalk import REPLIES, besides_request, control
from bot.messages import Button, Inbound, Reply
from bot.privacy import mask
from bot.services import Services
from handlers import start, subscriptions
from storage.conversations import TOPIC_TTL

router: Router[Services] = Router()

EMPTY = "请直接打字说说您想问什么，比如：交通补贴咋领？"
VOICE_EMPTY = "没听清您的语音，麻烦打字再问一次。"
SUGGEST = "您是想问下面哪一个？"
WHICH_TOPIC = "您问的是哪一项？选一个，我告诉您。"
NONE_OF_THESE = "都不是，找工作人员"
ASK_WHAT = "好的。请直接说说您想问什么，答不上来的我交给工作人员。"
ALREADY_QUEUED = "您的问题已经记下了，工作人员答复后会转告您。"
ANSWERED_ALREADY = "您刚才的问题我已经答了。还有别的想问，直接说；答不上来的，我再交给工作人员。"
NOT_ANSWERED = "没答对，找工作人员"
AGAIN = "human:again"  # the answer given did not fit: hand the question over all the same
HIRING = r"招(?!生|呼|商)|兼职|假工|要人|缺人"  # someone taking on workers, or work of a season
# employment help staff can answer; anything else declined without a topic is not queued ("县医院几点上班" asks a
# place's hours, not for work)
EMPLOYMENT = re.compile(
    r"工作|务工|就业|补贴|培训|岗|工资|欠薪|招聘|零工|创业|贷款|劳动|工地|老板|企业|(?<!几点)上班|技能|证书|人社|用工|合同"
    r"|干活|活|" + HIRING
)
# a last clause asking or wishing for work of some kind ("有没有超市招收银的", "有暑假工没", "县里哪搭盖房子缺人"):
# the FAQ cannot know every trade, so it is declined; queued for staff, it is pointed to the postings too (not a scam)
SEEKS_WORK = re.compile(r"(?<!生)活(?!动)|工作|零工|岗位|" + HIRING)
SCAM = re.compile(r"骗|传销|报警|警察")
_TO_THE_BOT = re.compile(r"你|机器|人工|真人|小助手")  # "你能干啥" asks the bot; "能干啥" may ask the topic
_readers: weakref.WeakKeyDictionary[FaqMatcher, Reader] = weakref.WeakKeyDictionary()


def reader(svc: Services) -> Reader:
    """One Reader per matcher (built once, it holds no state)."""
    found = _readers.get(svc.matcher)
    if found is None:
        found = _readers[svc.matcher] = Reader(svc.matcher, svc.content)
    return found


def install(svc: Services, made: Reader) -> None:
    """Read `svc`'s messages with `made` (a Reader with models of its own: training scripts and benches)."""
    _readers[svc.matcher] = made


def question_key(svc: Services, text: str, topic: str | None) -> str:
    """The same question in the same topic has the same key (a staff answer is reused only then)."""
    return f"{topic or '-'}|{fold(svc.matcher.analyzer.normalise(text))}"


async def answer_question(msg: Inbound, svc: Services) -> list[Reply]:
    """Free text: small talk, a control word, or a question read in the conversation's context."""
    normalised = svc.matcher.analyzer.normalise(msg.text).strip()
    if not msg.text.strip() or (msg.voice and not normalised):
        return [Reply(VOICE_EMPTY if msg.voice else EMPTY)]
    command = control(normalised)
    if command == "human" and svc.matcher.naming(besides_request(normalised), VAGUE):
        command = None  # "我想找个真人问问公益岗的事": the question is there; answered, with the way to staff
    if command == "human":
        return await talk_to_person(msg, svc)
    if command is not None:
        trace.record("command")
        handler = subscriptions.unsubscribe_all if command == "unsubscribe" else start.help_
        return await handler(msg, svc)
    state = await svc.conversations.get(msg.channel, msg.chat_id, msg.user_id)
    context = Context.decode(state.topic)
    kind = reader(svc).small_talk(normalised, msg.text, context)
    if kind == "identity" and context.entry is not None and not _TO_THE_BOT.search(normalised):
        kind = None  # "能干啥" after 零工驿站: what the topic does, not what the bot can do
    if kind is not None:
        trace.record("smalltalk")
        if kind == "identity":  # the laborer's county's bureau, in a deployment of several
            return [Reply(REPLIES[kind].format(bureau=(await svc.content_for(msg.channel, msg.user_id)).bureau()))]
        return [Reply(REPLIES[kind])]
    reading = reader(svc).read(msg.text, context)
    if reading.outcome == "answer" or reading.context != context:
        await svc.conversations.set_topic(msg.channel, msg.chat_id, msg.user_id, reading.context.encode())
    question = mask(msg.text.strip())[:500]
    if reading.outcome == "answer" and reading.entry is not None:
        return await _answer(msg, svc, question, reading)
    if reading.outcome == "suggest":
        await svc.questions.record(msg.channel, msg.user_id, question, "suggest", None, reading.score)
        trace.record("suggest", None, reading.facet, reading.suggestions)
        buttons = [Button(svc.content.entries[e].title, f"faq:{e}") for e in reading.suggestions]
        text = WHICH_TOPIC if reading.facet and not reading.off_topic else SUGGEST
        return [Reply(text, (*buttons, Button(NONE_OF_THESE, "human")))]
    return [await _decline(msg, svc, question, normalised, reading, context)]


async def _answer(msg: Inbound, svc: Services, question: str, reading: Reading) -> list[Reply]:
    assert reading.entry is not None
    entry = svc.content.entries[reading.entry]
    await svc.questions.record(msg.channel, msg.user_id, question, "answer", entry.id, reading.score)
    trace.record("answer", entry.id, reading.facet, reading.suggestions)
    whole = reading.facet is None or (reading.facet in ("what", "how") and not reading.followup)
    content = await svc.content_for(msg.channel, msg.user_id)  # the laborer's county: its amounts, contacts
    entry = content.entries[entry.id]
    if whole:
        return [answers.render_entry(content, entry, reading.also)]
    return [answers.render_facet(content, entry, reading.facet or "what")]


async def _decline(
    msg: Inbound, svc: Services, question: str, normalised: str, reading: Reading, context: Context
) -> Reply:
    if reading.off_topic is not None:  # another office's business: say whose, never queue
        await svc.questions.record(msg.channel, msg.user_id, question, "decline", None, reading.score)
        trace.record("decline", None, reading.facet, ())
        return Reply(answers.declined(svc.content, reading.off_topic))
    key = question_key(svc, mask(msg.text), context.entry)  # keys never hold personal numbers
    county = await svc.county_for(msg.channel, msg.user_id)  # several counties: answers stay in the county
    staff = await svc.questions.staff_answer(key, county)
    if staff is not None:
        await svc.questions.record(msg.channel, msg.user_id, question, "answer", None, reading.score)
        trace.record("answer", context.entry, reading.facet, ())
        return Reply(answers.staff_answer(staff.answer, staff.answered_by, staff.answered_at))
    if not EMPLOYMENT.search(normalised):
        await svc.questions.record(msg.channel, msg.user_id, question, "decline", None, reading.score)
        trace.record("decline", None, reading.facet, ())
        return Reply(answers.not_employment())
    open_id = await _queue(msg, svc, question, key, county)
    await svc.questions.record(msg.channel, msg.user_id, question, "decline", None, reading.score, open_id)
    trace.record("decline", None, reading.facet, (), queued=True)
    content = await svc.content_for(msg.channel, msg.user_id)
    clauses = normalised.split()
    last = clauses[-1] if clauses else ""
    asked = asides.asks(last) or "想" in last  # a question or a wish, not "这一年白忙活了"
    seeking = asked and SEEKS_WORK.search(last) is not None and SCAM.search(normalised) is None
    line, buttons = answers.postings_pointer(content) if seeking else ("", ())
    return Reply(answers.handover(content, queued=True, then=line), buttons)


def _not_ours(content: ContentPack, off_topic: str) -> str:
    """Why a question of another office's is not handed to staff, and where to ask it."""
    topic = content.out_of_scope[off_topic]
    where = f"归{topic.office}管，请到那里问" if topic.office else "不归人社局就业帮扶管"
    return (
        f"「{topic.name}」的事{where}；这里的工作人员也答不了，就没转过去。要是我理解错了，选下面的找工作人员。\n"
        "就业帮扶的事，直接问我就行。"
    )


async def _queue(msg: Inbound, svc: Services, question: str, key: str, county: str | None) -> int:
    return await svc.questions.open(key, question, msg.channel, msg.user_id, msg.chat_id, county)


@router.button("faq")
async def chosen_entry(msg: Inbound, svc: Services) -> list[Reply]:
    """A suggestion or related entry was chosen: it becomes the conversation's topic, and the topic before it
    the prior one (a follow-up may go back to it)."""
    entry = svc.content.entries.get((msg.button or "").partition(":")[2])
    if entry is None:
        return [Reply("这条内容已经更新了，请重新提问。")]
    state = await svc.conversations.get(msg.channel, msg.chat_id, msg.user_id)
    question = mask(state.last_question or entry.title)
    await svc.questions.record(msg.channel, msg.user_id, question, "choice", entry.id, 1.0)
    topic = Context(entry.id, prior=Context.decode(state.topic).moved_to(entry.id))
    await svc.conversations.set_topic(msg.channel, msg.chat_id, msg.user_id, topic.encode())
    trace.record("choice", entry.id)
    content = await svc.content_for(msg.channel, msg.user_id)
    return [answers.render_entry(content, content.entries[entry.id])]


@router.button("human")
@router.command("human", "rengong")
async def talk_to_person(msg: Inbound, svc: Services) -> list[Reply]:
    """ "None of these" / 转人工: queue the last question the bot did not answer, or ask what it is."""
    since = (datetime.now(UTC) - TOPIC_TTL).isoformat(timespec="seconds")
    last = await svc.questions.last_asked(msg.channel, msg.user_id, since)
    if last is None:
        trace.record("command")
        return [Reply(f"{ASK_WHAT}\n{answers.people(await svc.content_for(msg.channel, msg.user_id))}")]
    if last.open_question_id is not None:
        trace.record("command", queued=True)
        return [Reply(ALREADY_QUEUED)]
    if last.outcome in ("answer", "choice") and msg.button != AGAIN:
        trace.record("command")
        return [Reply(ANSWERED_ALREADY, (Button(NOT_ANSWERED, AGAIN),))]
    state = await svc.conversations.get(msg.channel, msg.chat_id, msg.user_id)
    context = Context.decode(state.topic)
    if last.outcome == "decline" and msg.button != AGAIN:
        # declined as another office's business ("那他的养老金能涨不"): staff here cannot answer it either. Read
        # again in the context it left, it is declined for the same office; a question declined for no office
        # left the context as it was and is handed over; so is any question after "没答对，找工作人员"
        office = reader(svc).read(last.question, context).off_topic
        if office is not None:
            trace.record("command")
            # never a dead end: if the question was read wrong, the person can still reach staff
            not_ours = _not_ours(await svc.content_for(msg.channel, msg.user_id), office)
            return [Reply(not_ours, (Button(NOT_ANSWERED, AGAIN),))]
    topic = context.entry
    county = await svc.county_for(msg.channel, msg.user_id)
    open_id = await _queue(msg, svc, last.question, question_key(svc, last.question, topic), county)
    await svc.questions.link(last.id, open_id)
    trace.record("command", queued=True)
    return [Reply(answers.handover(await svc.content_for(msg.channel, msg.user_id), queued=True))]
