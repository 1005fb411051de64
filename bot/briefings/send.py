"""Sending a briefing to a target group through the outbox, and recording what happened to each delivery.

A campaign targets townships, villages and categories; every targeted person gets a row (bound or not, so
the report can show who could not be reached), and each bound person one push with a "我已知晓" button.
A delivery the outbox marks sent becomes a 政策宣讲 event in the 1131 ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.briefings.catalog import Briefing
from bot.content import ContentPack
from bot.messages import Button, Reply
from bot.outbox.sender import Outbox, Push, SentPush
from storage.briefings import ITEM_KIND, BriefingStore, Target
from storage.database import Database
from storage.ledger import ServiceLedger
from storage.people import Scope
from storage.roster import RosterStore

ACK = "我已知晓"


@dataclass(frozen=True, slots=True)
class CampaignResult:
    campaign_id: int
    targeted: int
    queued: int
    not_bound: int


class TargetError(ValueError):
    """A township or category in the target is unknown (Chinese message)."""


def briefing_reply(briefing: Briefing, campaign_id: int, content: ContentPack) -> Reply:
    buttons = [Button(ACK, f"bf:a:{campaign_id}")]
    buttons += [Button(content.entries[e].title, f"faq:{e}") for e in briefing.faq[:3] if e in content.entries]
    source = f"\n（依据：{briefing.source.document} {briefing.source.section}）"
    return Reply(briefing.text + source, tuple(buttons))


def resolve_townships(content: ContentPack, names: Sequence[str]) -> list[str]:
    ids = []
    for name in names:
        township = content.township_by_name(name)
        if township is None:
            raise TargetError(f"乡镇不认识：{name}")
        ids.append(township.id)
    return ids


@dataclass(frozen=True, slots=True)
class Targeting:
    """Who a briefing would go to: the people (bound or not) and what was asked for."""

    targets: list[Target]
    target: dict[str, list[str]]

    @property
    def bound(self) -> int:
        return sum(1 for t in self.targets if t.channel is not None)


async def select_targets(
    db: Database,
    content: ContentPack,
    *,
    townships: Sequence[str] = (),
    villages: Sequence[str] = (),
    categories: Sequence[str] = (),
    scope: Scope | None = None,
) -> Targeting:
    """The targeted people inside `scope` (the one rule used by chat, the CLI and the pages, for the count
    shown before sending as for the sending itself); TargetError for unknown townships or categories."""
    from bot.roster.fields import CATEGORIES

    township_ids = resolve_townships(content, townships)
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown:
        raise TargetError(f"人员类别不认识：{'、'.join(unknown)}")
    wanted = {CATEGORIES[c] for c in categories}
    roster = RosterStore(db)
    people = await roster.people(scope or Scope(), categories=sorted(wanted), villages=villages)
    if township_ids:
        people = [p for p in people if p.township_id in township_ids]
    if not people:
        raise TargetError("目标范围里一个人也没有（花名册里没有这些乡镇、村或类别的人），没有发送。")
    accounts = await roster.accounts([p.person_id for p in people])
    targets = [Target(p.person_id, *accounts.get(p.person_id, (None, None))) for p in people]
    target = {"townships": township_ids, "villages": list(villages), "categories": sorted(wanted)}
    return Targeting(targets, target)


async def start_campaign(
    db: Database,
    outbox: Outbox,
    content: ContentPack,
    briefing: Briefing,
    *,
    townships: Sequence[str] = (),
    villages: Sequence[str] = (),
    categories: Sequence[str] = (),
    scope: Scope | None = None,
    actor: str = "cli",
) -> CampaignResult:
    """Target, record and enqueue one briefing; the outbox's sender delivers it."""
    chosen = await select_targets(
        db, content, townships=townships, villages=villages, categories=categories, scope=scope
    )
    store = BriefingStore(db)
    campaign_id = await store.create(briefing.id, chosen.target, actor, chosen.targets)
    targeted, queued = len(chosen.targets), chosen.bound
    del chosen
    await queue_campaign(db, outbox, briefing_reply(briefing, campaign_id, content), campaign_id)
    await RosterStore(db).audit(
        actor, "bureau" if scope is None else "staff", "briefing.send", f"#{campaign_id} {briefing.id}"
    )
    return CampaignResult(campaign_id, targeted, queued, targeted - queued)


async def queue_campaign(db: Database, outbox: Outbox, reply: Reply, campaign_id: int, batch: int = 5000) -> int:
    """Enqueue the campaign's bound targets in batches (idempotent: running it again adds only what is missing,
    so a campaign interrupted while queueing is completed by `briefing resume`)."""
    store = BriefingStore(db)
    added = 0
    after = ""
    while True:
        chunk = await store.bound_targets(campaign_id, after, batch)
        if not chunk:
            return added
        pushes = [Push(t.channel or "", t.user_id or "", "user", reply, t.person_id, t.user_id) for t in chunk]
        added += await outbox.enqueue(ITEM_KIND, str(campaign_id), pushes)
        after = chunk[-1].person_id


async def deliver_missed(
    db: Database, outbox: Outbox, content: ContentPack, person_id: str, channel: str, user_id: str
) -> int:
    """Someone just bound: queue the briefings that targeted them while they could not be reached."""
    from bot.briefings.catalog import cached_briefings

    store = BriefingStore(db)
    briefings = cached_briefings(content)
    queued = 0
    for campaign_id, briefing_id in await store.missed(person_id):
        briefing = briefings.get(briefing_id)
        if briefing is None:
            continue
        await store.set_account(campaign_id, person_id, channel, user_id)
        push = Push(channel, user_id, "user", briefing_reply(briefing, campaign_id, content), person_id, user_id)
        queued += await outbox.enqueue(ITEM_KIND, str(campaign_id), [push])
    return queued


def install(outbox: Outbox, db: Database) -> None:
    """Register the outbox hook: each sent briefing marks the target delivered and is a 政策宣讲 event."""

    async def on_sent(sent: SentPush) -> None:
        if sent.person_id is None:
            return
        store = BriefingStore(db)
        campaign = await store.campaign(int(sent.item_id))
        if campaign is None:
            return
        await store.delivered(campaign.id, sent.person_id)
        await ServiceLedger(db).record("policy_briefing", f"briefing:{campaign.briefing_id}", person_id=sent.person_id)

    outbox.on_sent(ITEM_KIND, on_sent)
