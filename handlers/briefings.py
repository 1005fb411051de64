"""Briefing confirmations and the two-question follow-up; reach and 1131 reports for staff, scoped by role."""

from __future__ import annotations

import asyncio
import unicodedata
from dataclasses import dataclass

from bot.briefings.catalog import cached_briefings
from bot.briefings.send import TargetError, start_campaign
from bot.clock import local_time
from bot.messages import Button, Inbound, Reply
from bot.reports.chart import ChartFontMissing, reach_chart
from bot.reports.service import (
    answers_text,
    campaign_title,
    completion_text,
    first_unreached,
    reach_text,
    unreached_text,
)
from bot.roster.visibility import Viewer
from bot.routing import Refusal, Router
from bot.services import Services
from handlers.guards import StaffCall, staff
from storage.briefings import Campaign
from storage.people import Scope

router: Router[Services] = Router()
STAFF = staff(private=True)
NO_CAMPAIGN = "还没有发过政策宣讲。发 /xuanjiang 看看有哪些。"

THANKS = "谢谢您的反馈！政策上有不明白的，直接打字问我。"
KNEW = "问您两个小问题。\n1. 这个政策您之前知道吗？"
RECEIVED = "2. 这项补贴您领到了吗？"


def _parts(msg: Inbound) -> tuple[str, int, str]:
    parts = ((msg.button or "") + "::").split(":")
    return parts[1], int(parts[2]) if parts[2].isdecimal() else 0, parts[3]


@router.button("bf")
async def follow_up(msg: Inbound, svc: Services) -> list[Reply]:
    """ "我已知晓" and the follow-up answers (knew it already? received the subsidy?)."""
    step, campaign_id, value = _parts(msg)
    store = svc.briefings
    campaign = await store.campaign(campaign_id)
    person_id = await store.target_of(campaign_id, msg.channel, msg.user_id) if campaign else None
    if campaign is None or person_id is None:
        return [Reply("这条通知不是发给您的，或者已经过期了。有问题直接打字问我。")]
    briefing = cached_briefings(svc.content).get(campaign.briefing_id)
    if step == "a":
        first = await store.confirm(campaign_id, person_id)
        head = "收到，谢谢！" if first else "您已经确认过了。"
        knew = (Button("知道", f"bf:k:{campaign_id}:1"), Button("不知道", f"bf:k:{campaign_id}:0"))
        return [Reply(f"{head}{KNEW}", knew)]
    if step == "k" and value in ("0", "1"):
        await store.answer_knew(campaign_id, person_id, value == "1")
        if briefing is None or not briefing.ask_subsidy:
            return [Reply(THANKS)]
        buttons = tuple(
            Button(label, f"bf:s:{campaign_id}:{v}")
            for label, v in (("领到了", "yes"), ("没领到", "no"), ("不适用", "na"))
        )
        return [Reply(RECEIVED, buttons)]
    if step == "s" and value in ("yes", "no", "na"):
        await store.answer_received(campaign_id, person_id, value)
        extra = "\n没领到的，可以找本村就业服务联络员或乡镇就业服务站问问怎么办。" if value == "no" else ""
        return [Reply(THANKS + extra)]
    return [Reply("没看懂这个选项，有问题直接打字问我。")]


async def _campaign(msg: Inbound, svc: Services) -> Campaign | None:
    args = unicodedata.normalize("NFKC", msg.text).split()[1:]
    store = svc.briefings
    if args and args[0].lstrip("#").isdecimal():
        return await store.campaign(int(args[0].lstrip("#")))
    latest = await store.campaigns(limit=1)
    return latest[0] if latest else None


def _title(campaign: Campaign, svc: Services) -> str:
    return campaign_title(campaign, svc.content)


@router.command("xuanjiang", guard=STAFF)
async def campaigns(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Staff: the latest briefing campaigns."""
    found = await svc.briefings.campaigns(limit=10)
    if not found:
        return [Reply("还没有发过政策宣讲。")]
    lines = [f"{_title(c, svc)} {local_time(c.created_at)[:10]}" for c in found]
    return [Reply("最近的政策宣讲：\n" + "\n".join(lines) + "\n看触达：/baobiao 编号；未触达名单：/weichuda 编号")]


@router.command("fasong", guard=STAFF)
async def send(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Staff: send a briefing to the people of their area: /fasong <briefing id> [乡镇…] [村…]."""
    args = unicodedata.normalize("NFKC", msg.text).split()[1:]
    briefings = cached_briefings(svc.content)
    if not args or args[0] not in briefings:
        listing = "\n".join(f"{b.id}：{b.title}" for b in briefings.values())
        return [Reply(f"请这样发：/fasong 宣讲编号 [乡镇] [村]\n可以发的宣讲：\n{listing}")]
    townships = [a for a in args[1:] if svc.content.township_by_name(a) is not None]
    villages = [a for a in args[1:] if a not in townships]
    outside = await _outside_scope(svc, who.scope, townships, villages)
    if outside:
        return [Reply(f"「{'、'.join(outside)}」不在您负责的范围（{who.place}）里，没有发送。")]
    try:
        result = await start_campaign(
            svc.db,
            svc.outbox,
            svc.content,
            briefings[args[0]],
            townships=townships,
            villages=villages,
            scope=who.scope,
            actor=who.actor,
        )
    except TargetError as exc:
        return [Reply(str(exc))]
    return [
        Reply(
            f"宣讲 #{result.campaign_id} 已开始发送：目标 {result.targeted} 人，在线发送 {result.queued} 人，"
            f"未绑定 {result.not_bound} 人（发 /weichuda {result.campaign_id} 看名单，请入户告知）。"
        )
    ]


async def _outside_scope(svc: Services, scope: Scope, townships: list[str], villages: list[str]) -> list[str]:
    """The named townships and villages that are not in the sender's area (villages: as the roster has them)."""
    outside = []
    for name in townships:
        township = svc.content.township_by_name(name, scope.county_id)
        if township is None or not scope.covers(township.id, scope.village or ""):
            outside.append(name)
    known = {village for _, village in await svc.roster.villages(scope)}
    outside += [v for v in villages if v not in known]
    return outside


@dataclass(frozen=True, slots=True)
class CampaignCall:
    who: StaffCall
    campaign: Campaign


class StaffCampaign:
    """The guard of a staff report on one campaign (/baobiao 12, or the latest): staff only, and the
    campaign must exist; the handler gets both."""

    async def check(self, msg: Inbound, svc: Services, route: str) -> CampaignCall | Refusal:
        who = await STAFF.check(msg, svc, route)
        if isinstance(who, Refusal):
            return who
        campaign = await _campaign(msg, svc)
        if campaign is None:
            return Refusal([Reply(NO_CAMPAIGN)])
        return CampaignCall(who, campaign)


CAMPAIGN = StaffCampaign()


@router.command("baobiao", guard=CAMPAIGN)
async def reach(msg: Inbound, svc: Services, call: CampaignCall) -> list[Reply]:
    """Staff: reach of a briefing (the latest, or /baobiao <no>) in their area, and the answers."""
    who, campaign = call.who, call.campaign
    rows = await svc.reports.reach(campaign.id, who.scope)
    answers = await svc.reports.answers(campaign.id, who.scope)
    title = f"{_title(campaign, svc)} {who.place}触达情况"
    return [Reply(reach_text(rows, svc.content, title) + "\n\n" + answers_text(answers, svc.content))]


@router.command("weichuda", guard=CAMPAIGN)
async def unreached(msg: Inbound, svc: Services, call: CampaignCall) -> list[Reply]:
    """Staff: who the briefing did not reach in their area (home visits); full phones only to the village's liaison."""
    who, campaign = call.who, call.campaign
    total = sum(r.unreachable + r.not_bound for r in await svc.reports.reach(campaign.id, who.scope))
    people = await first_unreached(svc.db, svc.content, campaign.id, who.scope)
    text = unreached_text(people, svc.content, Viewer.of(who.staff, scope=who.scope), total)
    return [Reply(f"{_title(campaign, svc)}\n" + text)]


@router.command("tubiao", guard=CAMPAIGN)
async def chart(msg: Inbound, svc: Services, call: CampaignCall) -> list[Reply]:
    """Staff: a bar chart (PNG) of a briefing's reach by township."""
    campaign = call.campaign
    rows = await svc.reports.reach(campaign.id, call.who.scope)
    if not rows:
        return [Reply("您负责的范围里没有目标人员。")]
    title = f"政策宣讲{_title(campaign, svc)}{call.who.place}触达情况"
    try:
        image = await asyncio.to_thread(reach_chart, rows, svc.content, title)  # CPU work off the event loop
    except ChartFontMissing:
        return [Reply("图表字体没有安装，暂时画不了图。请发 /baobiao 看文字版。")]
    return [Reply(title, image=image, image_name=f"reach-{campaign.id}.png")]


@router.command("1131", guard=STAFF)
async def completion(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Staff: 1131 completion per township in their area."""
    rows = await svc.reports.completion(who.scope, by_village=who.role != "bureau")
    return [Reply(f"{who.place} " + completion_text(rows, svc.content))]
