"""Binding a chat account to the roster, a laborer's own work information, and the liaison's side of both."""

from __future__ import annotations

import unicodedata
import uuid

from bot.briefings.send import deliver_missed
from bot.messages import Button, Inbound, Reply
from bot.outbox.sender import Push
from bot.privacy import mask_phone
from bot.roster.access import KIND_NAMES, NO_KEY, kind_of, narrow, record_offline
from bot.roster.binding import PAYLOAD_PREFIX, deep_link, local_time, looks_like_code, masked_name
from bot.roster.fields import FieldError, phone, wage
from bot.routing import Router
from bot.services import Services
from handlers.guards import StaffCall, bound, staff
from storage.people import Person, Scope

router: Router[Services] = Router()
STAFF = staff(private=True)

HOW_TO_BIND = (
    "把聊天账号和县里的务工台账绑定后，政策通知、岗位信息能直接发给您。\n"
    "· 有绑定码的，发：/bangding 绑定码\n"
    "· 没有的，发：/bangding 姓名 身份证后四位（例：/bangding 张三 123X），村联络员确认后就绑定好了。"
)
FIELDS = {"务工地点": "work_place", "地点": "work_place", "企业": "employer", "单位": "employer"}
FIELDS |= {"务工单位": "employer", "电话": "phone", "手机": "phone", "工资": "wage", "月工资": "wage"}
FIELD_NAMES = {"work_place": "务工地点", "employer": "企业", "phone": "电话", "wage": "工资"}


PRIVATE = "这是个人信息，请私聊我（点我的头像发消息）。"
BOUND = bound(not_bound="您还没有绑定。" + HOW_TO_BIND, wrong_chat=PRIVATE)


def _args(msg: Inbound) -> list[str]:
    return unicodedata.normalize("NFKC", msg.text).split()[1:]


def _info(person: Person) -> str:
    return (
        f"{masked_name(person.name)}（身份证后四位 {person.id_last4}）\n"
        f"务工地点：{person.work_place or '未填'}\n企业：{person.employer or '未填'}\n"
        f"电话：{mask_phone(person.phone) if person.phone else '未填'}\n"
        f"工资：{person.wage + '元/月' if person.wage else '未填'}"
    )


async def notify(svc: Services, item_id: str, channel: str, user_id: str, text: str, person_id: str = "") -> None:
    """A one-off message to a chat user (request decided, …) through the outbox."""
    push = Push(channel, user_id, "user", Reply(text), person_id=person_id or None, user_id=user_id)
    await svc.outbox.enqueue("notice", item_id, [push])


async def tell_liaisons(svc: Services, person: Person, item_id: str, text: str) -> None:
    """Push a notice about a new request to the liaisons of the person's village."""
    targets = await svc.roster.liaisons(person.township_id, person.village)
    pushes = [Push(channel, user_id, "user", Reply(text), user_id=user_id) for channel, user_id in targets]
    if pushes:
        await svc.outbox.enqueue("notice", item_id, pushes)


async def _bound(svc: Services, person: Person, channel: str, user_id: str) -> None:
    """A chat account was just bound: briefings the person missed while unbound are sent now."""
    await deliver_missed(svc.db, svc.outbox, svc.content, person.person_id, channel, user_id)


@router.command("bangding", "code")
async def bind(msg: Inbound, svc: Services) -> list[Reply]:
    """Bind with a one-time code, or ask the liaison to confirm name + last 4 ID digits."""
    if msg.chat_kind != "private":
        return [Reply(PRIVATE)]
    b = svc.binder
    if b is None:
        return [Reply(NO_KEY)]
    args = _args(msg)
    if not args:
        bound = await svc.roster.bound_person(msg.channel, msg.user_id)
        if bound is not None:
            return [
                Reply(
                    f"您已经绑定：{masked_name(bound.name)}（身份证后四位 {bound.id_last4}）。发 /xinxi 看看务工信息。"
                )
            ]
        return [Reply(HOW_TO_BIND)]
    if len(args) == 1 and looks_like_code(args[0]):
        text, person = await b.redeem(msg.channel, msg.user_id, args[0])
        if person is not None:
            await _bound(svc, person, msg.channel, msg.user_id)
        return [Reply(text)]
    if len(args) == 2:
        text, person = await b.request(msg.channel, msg.user_id, args[0], args[1])
        if person is not None:
            stamp = msg.received_at.strftime("%Y%m%d%H%M%S")
            notice = f"{person.village}{masked_name(person.name)}申请绑定聊天账号，请发 /daiban 确认。"
            await tell_liaisons(svc, person, f"bind:{person.person_id}:{stamp}", notice)
        return [Reply(text)]
    await b.wasted(msg.channel, msg.user_id)
    return [Reply("没看懂。" + HOW_TO_BIND)]


async def bind_payload(msg: Inbound, svc: Services) -> list[Reply]:
    """A deep link (/start b_<code>) or WeChat QR scene (b_<code>) carrying a binding code; [] for other payloads.

    The one "start_payload" route (handlers/subscriptions.py) and the WeChat subscribe handler delegate
    payloads starting with PAYLOAD_PREFIX here."""
    payload = msg.payload or ""
    b = svc.binder
    if not payload.startswith(PAYLOAD_PREFIX) or b is None:
        return []
    text, person = await b.redeem(msg.channel, msg.user_id, payload)
    if person is not None:
        await _bound(svc, person, msg.channel, msg.user_id)
    return [Reply(text)]


@router.command("xinxi", "wodexinxi", guard=BOUND)
async def my_info(msg: Inbound, svc: Services, person: Person) -> list[Reply]:
    """A laborer sees their own work information and how to correct it."""
    s = await svc.reports.status_of(person.person_id)
    record = (
        f"\n“1131”服务：政策宣讲 {min(s.briefing, 1)}/1，职业指导 {min(s.guidance, 1)}/1，"
        f"岗位推介 {min(s.recommendations, 3)}/3，培训或见习 {min(s.training, 1)}/1"
    )
    hint = "\n信息不对？发：/gai 务工地点 太原（也可以改 企业、电话、工资），村联络员确认后更新。"
    return [Reply(_info(person) + record + hint)]


@router.command("gai", "xiugai", guard=BOUND)
async def correct(msg: Inbound, svc: Services, person: Person) -> list[Reply]:
    """A laborer corrects one item of their work information; the liaison confirms it."""
    args = _args(msg)
    field = FIELDS.get(args[0]) if args else None
    if field is None or len(args) < 2:
        return [Reply("请这样发：/gai 务工地点 太原\n可以改：务工地点、企业、电话、工资")]
    value = " ".join(args[1:])[:60]
    try:
        value = phone(value) if field == "phone" else wage(value) if field == "wage" else value
    except FieldError as exc:
        return [Reply(f"{exc}，请重新发。")]
    request_id = await svc.roster.request("work_info", person.person_id, msg.channel, msg.user_id, field, value)
    notice = f"{person.village}{masked_name(person.name)}申请修改{FIELD_NAMES[field]}，请发 /daiban 确认。"
    await tell_liaisons(svc, person, f"work-info:{request_id}", notice)
    shown = mask_phone(value) if field == "phone" else value
    return [Reply(f"已提交，{FIELD_NAMES[field]}改为“{shown}”，村联络员确认后更新。")]


@router.command("daiban", guard=STAFF)
async def pending(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Staff: binding requests and work-information corrections waiting in their area."""
    requests = await svc.roster.pending(who.scope)
    if not requests:
        return [Reply(f"{who.place}没有待确认的事项。")]
    replies = []
    for req in requests[:10]:
        person = f"{req.person.village}{masked_name(req.person.name)}（后四位 {req.person.id_last4}）"
        if req.kind == "bind":
            text = f"#{req.id} {person} 申请绑定聊天账号。是本人吗？"
        else:
            shown = mask_phone(req.value or "") if req.field == "phone" else req.value
            text = f"#{req.id} {person} 申请把{FIELD_NAMES.get(req.field or '', '')}改为“{shown}”。"
        buttons = (Button("确认", f"rq:ok:{req.id}"), Button("不对", f"rq:no:{req.id}"))
        replies.append(Reply(text, buttons))
    if len(requests) > 10:
        replies.append(Reply(f"还有 {len(requests) - 10} 件，处理完这些再发 /daiban。"))
    return replies


@router.button("rq", guard=STAFF)
async def decide(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Staff: accept or reject one request (only in their own area)."""
    _, verdict, number = ((msg.button or "") + "::").split(":")[:3]
    store = svc.roster
    found = [r for r in await store.pending(who.scope) if str(r.id) == number]
    if not found:
        return [Reply("这件事已经处理过了，或者不归您管。")]
    req = await store.decide(found[0].id, verdict == "ok", who.actor)
    if req is None:
        return [Reply("这件事已经处理过了。")]
    if verdict == "ok" and req.kind == "bind":
        await _bound(svc, req.person, req.channel, req.user_id)
    what = "绑定" if req.kind == "bind" else f"{FIELD_NAMES.get(req.field or '', '')}修改"
    result = "已确认" if verdict == "ok" else "没有通过，有疑问请找村联络员"
    await notify(svc, f"request:{req.id}", req.channel, req.user_id, f"您的{what}申请{result}。", req.person.person_id)
    return [Reply(f"#{req.id} {'已确认' if verdict == 'ok' else '已驳回'}，会通知本人。")]


@router.command("bangdingma", guard=STAFF)
async def codes(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Staff: one-time binding codes for the not-yet-bound people of a village (a liaison: their own)."""
    b = svc.binder
    if b is None:
        return [Reply(NO_KEY)]
    scope = who.scope
    args = _args(msg)
    if who.role == "station":
        if not args:
            return [Reply("请写上村名：/bangdingma 村名（整村打印请用命令行 roster codes）")]
        scope = Scope(scope.township_id, args[0])
    elif who.role == "bureau":
        township = svc.content.township_by_name(args[0], scope.county_id) if len(args) == 2 else None
        inside = narrow(scope, township.id, args[1]) if township else None
        if inside is None:
            return [Reply("请写上您负责范围里的乡镇和村名：/bangdingma 孙家坪乡 东村")]
        scope = inside
    people = await b.store.people(scope)
    bound = await b.store.accounts([p.person_id for p in people])
    todo = [p for p in people if p.person_id not in bound][:50]
    if not todo:
        return [Reply("这里的人都已经绑定了（或者花名册里没有这个村）。")]
    issued = await b.issue(todo, who.actor)
    bot_name = svc.config.roster.telegram_bot
    lines = [
        f"{c.person.name}（后四位 {c.person.id_last4}）：{c.code}"
        + (f" {deep_link(bot_name, c.code)}" if bot_name else "")
        for c in issued
    ]
    head = f"绑定码（{len(issued)} 人，有效期至 {local_time(issued[0].expires_at)}，只能用一次）：\n"
    return [Reply(head + "\n".join(lines) + "\n本人发：/bangding 绑定码")]


@router.command("jilu", guard=STAFF)
async def record(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Staff: record a service given offline: /jilu 姓名 身份证后四位 指导|推介|培训|宣讲 [说明]."""
    args = _args(msg)
    kind = kind_of(args[2]) if len(args) >= 3 else None
    if kind is None:
        return [Reply("请这样发：/jilu 姓名 身份证后四位 类型 [说明]\n类型：宣讲、指导、推介、培训（含见习）")]
    found = [p for p in await svc.roster.find(args[0], args[1].upper()) if who.scope.covers(p.township_id, p.village)]
    if len(found) != 1:
        return [Reply("您负责的范围里没找到这个人，请核对姓名和身份证后四位。")]
    note = " ".join(args[3:])[:40]
    # the request's own id: a redelivered message counts once, three recommendations given in a row count three
    request = f"{msg.chat_id}:{msg.message_id}" if msg.message_id else uuid.uuid4().hex
    ref = f"offline:{request}:{note}" if note else f"offline:{request}"
    added = await record_offline(svc.ledger, who.scope, who.actor, found[0], kind, ref)
    name = KIND_NAMES[kind]
    return [Reply(f"已记录：{masked_name(found[0].name)} {name}。" if added else f"这次{name}已经记过了。")]
