"""Policy questions: answer from the FAQ, offer choices, or hand over to a person."""

from __future__ import annotations

from bot.content import ContentPack, FaqEntry, fold
from bot.dispatcher import Router
from bot.faq.matcher import Match
from bot.messages import Button, Inbound, Reply
from bot.privacy import mask
from bot.services import Services

router: Router[Services] = Router()

EMPTY = "请直接打字说说您想问什么，比如：交通补贴咋领？"
VOICE_EMPTY = "没听清您的语音，麻烦打字再问一次。"
SUGGEST = "您是想问下面哪一个？"
NONE_OF_THESE = "都不是，找工作人员"
HANDOVER_CONTACTS = ("village-liaison", "township-station", "bureau")
ASK_FOR_PERSON = frozenset({"人工", "转人工", "找人工", "人工服务", "人工客服", "找真人", "真人", "找工作人员"})


def render_entry(content: ContentPack, entry: FaqEntry) -> Reply:
    """An entry as a reply: title, answer, whom to ask, its source, and related entries as buttons."""
    ask = "、".join(content.contacts[c].name for c in entry.contacts)
    text = f"【{entry.title}】\n{entry.answer}\n\n问谁：{ask}\n依据：{content.citation(entry)}"
    actions = tuple(Button(a.label, a.data) for a in entry.actions)
    related = tuple(Button(content.entries[r].title, f"faq:{r}") for r in entry.related[:3])
    return Reply(text, actions + related)


def handover_text(content: ContentPack, queued: bool, topic: str | None = None) -> str:
    """Honest "I don't know" plus the way to a person."""
    if topic:
        first = f"「{topic}」的事不归小助手管，我答不了，怕说错耽误您。"
    else:
        first = "这个问题小助手还答不上来，怕说错耽误您。"
    queued_line = "您的问题已经记下，工作人员答复后会转告您。\n" if queued else ""
    people = "\n".join(f"· {content.contacts[c].name}：{content.contacts[c].how}" for c in HANDOVER_CONTACTS)
    return f"{first}\n{queued_line}着急的话可以找：\n{people}"


def question_key(services: Services, text: str) -> str:
    return fold(services.matcher.analyzer.normalise(text))


async def answer_question(msg: Inbound, svc: Services) -> list[Reply]:
    """Free text: answer, suggest the closest entries, or hand over."""
    normalised = svc.matcher.analyzer.normalise(msg.text).strip()
    if not normalised:
        return [Reply(VOICE_EMPTY if msg.voice else EMPTY)]
    if normalised.replace(" ", "") in ASK_FOR_PERSON:
        return await talk_to_person(msg, svc)
    question = mask(msg.text.strip())[:500]
    match = svc.matcher.match(msg.text)
    if match.outcome == "answer" and match.entry is not None:
        await svc.questions.log(msg.channel, msg.user_id, question, "answer", match.entry, match.score)
        return [render_entry(svc.content, svc.content.entries[match.entry])]
    if match.outcome == "suggest":
        await svc.questions.log(msg.channel, msg.user_id, question, "suggest", None, match.score)
        buttons = [Button(svc.content.entries[e].title, f"faq:{e}") for e in match.suggestions]
        return [Reply(SUGGEST, (*buttons, Button(NONE_OF_THESE, "human")))]
    return [await _decline(msg, svc, question, question_key(svc, mask(msg.text)), match)]


async def _decline(msg: Inbound, svc: Services, question: str, key: str, match: Match) -> Reply:
    staff = await svc.questions.staff_answer(key)
    if staff is not None:
        await svc.questions.log(msg.channel, msg.user_id, question, "answer", None, match.score)
        return Reply(f"工作人员之前答复过这个问题：\n{staff}")
    open_id = await svc.questions.open(key, question, msg.channel, msg.user_id, msg.chat_id)
    await svc.questions.log(msg.channel, msg.user_id, question, "decline", None, match.score, open_id)
    topic = svc.content.out_of_scope[match.off_topic].name if match.off_topic else None
    return Reply(handover_text(svc.content, queued=True, topic=topic))


@router.button("faq")
async def chosen_entry(msg: Inbound, svc: Services) -> list[Reply]:
    """A suggestion or related entry was chosen."""
    entry = svc.content.entries.get((msg.button or "").partition(":")[2])
    if entry is None:
        return [Reply("这条内容已经更新了，请重新提问。")]
    state = await svc.conversations.get(msg.channel, msg.chat_id, msg.user_id)
    question = mask(state.last_question or entry.title)
    await svc.questions.log(msg.channel, msg.user_id, question, "choice", entry.id, 1.0)
    return [render_entry(svc.content, entry)]


@router.button("human")
@router.command("human", "rengong")
async def talk_to_person(msg: Inbound, svc: Services) -> list[Reply]:
    """ "None of these" / talk to a person: queue the last question for staff."""
    state = await svc.conversations.get(msg.channel, msg.chat_id, msg.user_id)
    last = state.last_question or ""
    if svc.matcher.analyzer.normalise(last).replace(" ", "") in {"", *ASK_FOR_PERSON}:
        return [Reply(handover_text(svc.content, queued=False))]
    question = mask(last)
    open_id = await svc.questions.open(question_key(svc, question), question, msg.channel, msg.user_id, msg.chat_id)
    await svc.questions.log(msg.channel, msg.user_id, question, "decline", None, 0.0, open_id)
    return [Reply(handover_text(svc.content, queued=True))]
