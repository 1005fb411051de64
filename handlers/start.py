"""Greeting, help and browsing the FAQ by category."""

from __future__ import annotations

from bot.dispatcher import Router
from bot.messages import Button, Inbound, Reply
from bot.services import Services
from handlers import subscriptions

router: Router[Services] = Router()

# Channels whose adapter delivers voice messages as recognised text (WeChat does; Telegram and the
# console do not), so the greeting invites voice only there.
VOICE_CHANNELS = frozenset({"wechat"})
GREETING = (
    "您好！我是{bureau}的就业帮扶小助手。\n"
    "交通补贴、稳岗补贴、创业补贴、培训、公益岗、找工作、欠薪……都可以问我。\n"
    "直接{how}就行，比如：交通补贴咋领？"
)
HELP = (
    "直接{how}问我就行，比如：\n"
    "· 交通补贴咋领\n· 开店租门面有补助没\n· 老板不给工钱咋办\n"
    "问不明白的，我会帮您转给工作人员。\n也可以按类别看看："
)


def how_to_ask(channel: str) -> str:
    return "打字或发语音" if channel in VOICE_CHANNELS else "打字"


def category_buttons(svc: Services) -> tuple[Button, ...]:
    return tuple(Button(c.name, f"cat:{c.id}") for c in svc.content.categories.values())


@router.command("start")
@router.event("subscribe")
async def start(msg: Inbound, svc: Services) -> list[Reply]:
    """Welcome a new user; a payload (WeChat QR scene, deep link: binding code, township) is acted on first."""
    if msg.payload:
        replies = await subscriptions.deep_link(msg, svc)
        if replies:
            return replies
    content = await svc.content_for(msg.channel, msg.user_id)  # several counties: the laborer's bureau
    return [Reply(GREETING.format(how=how_to_ask(msg.channel), bureau=content.bureau()), category_buttons(svc))]


@router.command("help", "menu", "bangzhu")
async def help_(msg: Inbound, svc: Services) -> list[Reply]:
    """How to use the bot."""
    return [Reply(HELP.format(how=how_to_ask(msg.channel)), category_buttons(svc))]


@router.button("cat")
async def category(msg: Inbound, svc: Services) -> list[Reply]:
    """List the entries of one category."""
    category_id = (msg.button or "").partition(":")[2]
    cat = svc.content.categories.get(category_id)
    if cat is None:
        return [Reply(HELP.format(how=how_to_ask(msg.channel)), category_buttons(svc))]
    entries = [e for e in svc.content.entries.values() if e.category == category_id]
    buttons = tuple(Button(e.title, f"faq:{e.id}") for e in entries)
    return [Reply(f"「{cat.name}」有这些，想看哪个？", buttons)]
