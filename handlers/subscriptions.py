"""Laborers: subscribe to postings by township or keyword, see current postings, say 我感兴趣.

Buttons `subs:mine` and `postings:latest` are also the WeChat menu's keys; a Telegram deep link
`t_<township id>` (event "start_payload") subscribes to that township. 按关键词订阅 makes the
conversation await `subscriptions.keyword`: the next text is the keywords. The `postings:*` buttons for
staff (已转发, progress, withdraw) are routed here too and handed to handlers.postings_review.
"""

from __future__ import annotations

from bot.messages import Button, Inbound, Reply
from bot.postings.dates import today
from bot.postings.render import card, headline
from bot.routing import Router, choice_number
from bot.services import Services
from handlers import postings_review, roster
from handlers.guards import staff_of
from storage.conversations import Awaiting

router: Router[Services] = Router()

KEYWORD = "subscriptions.keyword"  # the flow waiting for keywords to subscribe to
MAX_KEYWORDS = 10
PRIVATE_ONLY = "订阅请私聊我。"


def menu_buttons() -> tuple[Button, ...]:
    return (
        Button("按乡镇订阅", "subs:towns"),
        Button("按关键词订阅", "subs:kw"),
        Button("看最近招聘", "postings:latest"),
        Button("全部退订", "subs:off"),
    )


async def subscriptions_text(msg: Inbound, svc: Services) -> tuple[str, list[tuple[str, str]]]:
    subs = await svc.postings.subscriptions.of(msg.channel, msg.user_id)
    towns = [svc.postings.townships[v].name for t, v in subs if t == "township" and v in svc.postings.townships]
    words = [v for t, v in subs if t == "keyword"]
    if not subs:
        return "您还没有订阅。订阅后，有新的招聘和零工信息我会发给您。", subs
    lines = ["您订阅了："]
    if towns:
        lines.append("乡镇：" + "、".join(towns))
    if words:
        lines.append("关键词：" + "、".join(words))
    return "\n".join(lines), subs


@router.command("dingyue", "subscribe", "subs")
async def show_subscriptions(msg: Inbound, svc: Services) -> list[Reply]:
    """What this person is subscribed to, and how to change it."""
    if msg.chat_kind != "private":
        return [Reply(PRIVATE_ONLY)]
    text, subs = await subscriptions_text(msg, svc)
    words = [v for t, v in subs if t == "keyword"]
    remove = tuple(Button(f"退订「{w}」", f"subs:kd:{i}") for i, w in enumerate(words))
    return [Reply(text, (*menu_buttons(), *remove))]


@router.command("tuiding", "unsubscribe")
async def unsubscribe_all(msg: Inbound, svc: Services) -> list[Reply]:
    """Stop all posting pushes to this person."""
    removed = await svc.postings.subscriptions.remove(msg.channel, msg.user_id)
    return [Reply("已全部退订，不会再给您推送招聘信息。" if removed else "您没有订阅，不会收到推送。")]


@router.button("subs")
async def subscription_button(msg: Inbound, svc: Services) -> list[Reply]:
    """subs:mine | towns | t:<id> (toggle) | kw | kd:<n> | off"""
    if msg.chat_kind != "private":
        return [Reply(PRIVATE_ONLY)]
    parts = (msg.button or "").split(":")
    action = parts[1] if len(parts) > 1 else "mine"
    subs = svc.postings.subscriptions
    if action == "towns":
        mine = {v for t, v in await subs.of(msg.channel, msg.user_id) if t == "township"}
        buttons = tuple(
            Button(("✓ " if t.id in mine else "") + t.name, f"subs:t:{t.id}") for t in svc.postings.townships.values()
        )
        return [Reply("点乡镇订阅，再点一次取消：", buttons)]
    if action == "t" and len(parts) == 3:
        return await toggle_township(msg, svc, parts[2])
    if action == "kw":
        await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, Awaiting(KEYWORD))
        return [Reply("想找什么活？发几个词，用顿号隔开（比如：电焊、保洁、司机）：", (Button("取消", "subs:cancel"),))]
    if action == "cancel":
        await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, None)
        return [Reply("好的，没有订阅关键词。", menu_buttons())]
    if action == "kd" and len(parts) == 3 and parts[2].isdecimal():
        words = [v for t, v in await subs.of(msg.channel, msg.user_id) if t == "keyword"]
        index = int(parts[2])
        if index < len(words):
            await subs.remove(msg.channel, msg.user_id, "keyword", words[index])
            return [Reply(f"已退订关键词「{words[index]}」。", menu_buttons())]
        return [Reply("这个关键词已经退订了。", menu_buttons())]
    if action == "off":
        return await unsubscribe_all(msg, svc)
    return await show_subscriptions(msg, svc)


async def toggle_township(msg: Inbound, svc: Services, township_id: str) -> list[Reply]:
    township = svc.postings.townships.get(township_id)
    if township is None:
        return [Reply("没有这个乡镇。请点「按乡镇订阅」重新选。", menu_buttons())]
    subs = svc.postings.subscriptions
    if await subs.add(msg.channel, msg.user_id, msg.chat_id, "township", township_id):
        return [Reply(f"已订阅{township.name}的招聘和零工信息，有新的我会发给您。", menu_buttons())]
    await subs.remove(msg.channel, msg.user_id, "township", township_id)
    return [Reply(f"已取消订阅{township.name}。", menu_buttons())]


@router.awaiting(KEYWORD)
async def add_keyword(msg: Inbound, svc: Services, awaiting: Awaiting) -> list[Reply] | None:
    """The words typed after 按关键词订阅 (a typed choice number picks 取消 instead)."""
    if choice_number(msg.text):
        return None
    await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, None)
    text = msg.text
    words = [w for w in text.replace("，", "、").replace(",", "、").replace(" ", "、").split("、") if w.strip()]
    words = [w.strip() for w in words if 1 <= len(w.strip()) <= 10]
    if not words:
        return [Reply("没认出关键词。请点「按关键词订阅」再发一次，每个词不超过 10 个字。", menu_buttons())]
    have = [v for t, v in await svc.postings.subscriptions.of(msg.channel, msg.user_id) if t == "keyword"]
    room = MAX_KEYWORDS - len(have)
    added = [w for w in dict.fromkeys(words) if w not in have][: max(room, 0)]
    for word in added:
        await svc.postings.subscriptions.add(msg.channel, msg.user_id, msg.chat_id, "keyword", word)
    if not added:
        return [Reply(f"这些词已经订阅过了（最多 {MAX_KEYWORDS} 个）。", menu_buttons())]
    return [Reply(f"已订阅关键词：{'、'.join(added)}。有相关招聘我会发给您。", menu_buttons())]


@router.event("start_payload")
async def deep_link(msg: Inbound, svc: Services) -> list[Reply]:
    """The one "start_payload" route: /start t_<township id> subscribes to that township; binding codes
    (b_<code>) go to the roster; [] for anything else (the channel then shows the plain /start)."""
    payload = msg.payload or ""
    if payload.startswith("t_") and msg.chat_kind == "private":
        return await toggle_township_on(msg, svc, payload[2:])
    return await roster.bind_payload(msg, svc)


async def toggle_township_on(msg: Inbound, svc: Services, township_id: str) -> list[Reply]:
    township = svc.postings.townships.get(township_id)
    if township is None:
        return [Reply("这个订阅链接不对。可以点「按乡镇订阅」自己选。", menu_buttons())]
    await svc.postings.subscriptions.add(msg.channel, msg.user_id, msg.chat_id, "township", township_id)
    return [Reply(f"欢迎！已为您订阅{township.name}的招聘和零工信息，有新的我会发给您。", menu_buttons())]


@router.command("jobs", "zhaopin", "lingong")
async def latest(msg: Inbound, svc: Services) -> list[Reply]:
    """Current postings for this person's townships (all townships when they subscribed to none)."""
    mine = [v for t, v in await svc.postings.subscriptions.of(msg.channel, msg.user_id) if t == "township"]
    postings = await svc.postings.store.current(today().isoformat(), mine or None)
    scope = svc.postings.label(mine) if mine else "全县"
    if not postings and mine:
        postings = await svc.postings.store.current(today().isoformat())
        scope = f"{scope}暂时没有，全县"
    if not postings:
        return [Reply("最近没有正在招的信息。订阅后，有新的我会第一时间发给您。", menu_buttons())]
    replies = [Reply(f"{scope}最近的招聘和零工信息（{len(postings)} 条）：")]
    for posting in postings:
        replies.append(Reply(card(posting), (Button("我感兴趣", f"postings:like:{posting.id}"),)))
    replies.append(Reply("想第一时间收到？可以订阅。", (Button("订阅", "subs:mine"),)))
    return replies


@router.button("postings")
async def posting_button(msg: Inbound, svc: Services) -> list[Reply]:
    """postings:latest | like:<id> | fwd:<id> (a liaison forwarded it) | prog:<id> | wd:<id>"""
    parts = (msg.button or "").split(":")
    if len(parts) < 3 or not parts[2].isdecimal():
        return await latest(msg, svc)
    posting = await svc.postings.store.get(int(parts[2]))
    if posting is None:
        return [Reply("没有这条信息。")]
    if parts[1] in ("prog", "wd"):
        return await postings_review.manage(msg, svc, parts[1], posting)
    if parts[1] == "fwd":
        if await staff_of(msg, svc) is None:
            return [Reply("这个按钮是给村联络员的。")]
        await svc.postings.store.react(posting.id, "forwarded", msg.channel, msg.user_id)
        return [Reply(f"谢谢！已记下您转发了{headline(posting)}。")]
    if parts[1] == "like":
        return await interested(msg, svc, posting.id)
    return await latest(msg, svc)


async def interested(msg: Inbound, svc: Services, posting_id: int) -> list[Reply]:
    """Record interest, tell the posting's sender, and give the laborer the contact."""
    posting = await svc.postings.store.get(posting_id)
    if posting is None or not svc.postings.is_current(posting):
        return [Reply("这条信息已经过期或撤回了。看看别的？", (Button("看最近招聘", "postings:latest"),))]
    if await svc.postings.store.react(posting.id, "interested", msg.channel, msg.user_id):
        count = (await svc.postings.store.reactions(posting.id)).get("interested", 0)
        await svc.postings.notify(
            (posting.author_channel, posting.author_user_id),
            f"interest:{posting.id}:{msg.channel}:{msg.user_id}",
            Reply(f"有群众对{headline(posting)}感兴趣（共 {count} 人），可能会联系招工方，请留意。"),
        )
    contact = " ".join(v for v in (posting.contact_name, posting.contact_phone) if v)
    return [Reply(f"好的，已经告诉发布这条信息的工作人员。\n想尽快，可以直接打电话问：{contact}")]
