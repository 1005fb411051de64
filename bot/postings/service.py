"""Postings as a service: submitting, review, targeting, delivery through the outbox, reach.

A published posting goes, through the one outbox, to the township groups (Telegram groups, WeCom
robots), to laborers subscribed to its townships or to a keyword in it (with a 我感兴趣 button; each
delivery is a 岗位推介 in the 1131 ledger), and to the village liaisons of those townships (a short,
forward-ready version with an 已转发 button that records reach). Expired or withdrawn postings are never
pushed: the outbox asks `still_wanted` before each send. Who may publish, approve and manage, and the
townships a staff member's area covers, are decided in bot/postings/rules.py.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.content import Township
from bot.messages import Button, Reply
from bot.outbox.sender import Outbox, Progress, Push, SentPush
from bot.postings.dates import today
from bot.postings.draft import Draft
from bot.postings.render import card, forward_text, headline, manage_buttons, review_buttons
from bot.postings.rules import OutsideAreaError, PostingRules
from storage import ServiceLedger
from storage.database import Database
from storage.directory import DirectoryStore, Staff
from storage.postings import Posting, PostingStore, SubscriptionStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reach:
    groups: int
    laborers: int
    liaisons: int

    def text(self) -> str:
        return f"{self.groups} 个群、{self.laborers} 位订阅的群众、{self.liaisons} 位村联络员"


@dataclass(frozen=True)
class Submitted:
    posting: Posting
    reach: Reach | None  # None: waiting for review
    approvers: int  # how many approvers were told (when waiting for review)


class PostingService(PostingRules):
    """Submitting, reviewing, publishing and following postings; the area and role rules are PostingRules'."""

    def __init__(
        self,
        db: Database,
        directory: DirectoryStore,
        outbox: Outbox,
        townships: Mapping[str, Township],
        *,
        review: str = "station",
        default_days: int = 30,
        counties: Mapping[str, Sequence[str]] | None = None,
        bureaus: Mapping[str, str] | None = None,
    ) -> None:
        self.store = PostingStore(db)
        self.subscriptions = SubscriptionStore(db)
        self.ledger = ServiceLedger(db)
        self.directory = directory
        self.outbox = outbox
        self.townships = townships
        self.review_mode = review
        self.default_days = default_days
        self.counties = counties or {}  # county id -> its township ids (content/counties.toml)
        self.bureaus = bureaus or {}  # county id -> its bureau's name ("五寨县人社局")

    async def approvers(self, posting: Posting) -> list[Staff]:
        bureau = [s for s in await self.store.staff_with("bureau") if self._county_covers(s, posting)]
        if self.review_mode != "station" or not posting.author_township:
            return bureau
        return [*await self.store.staff_with("station", [posting.author_township]), *bureau]

    # --- submitting (chat and the pages) -------------------------------------------------------
    async def submit(self, staff: Staff, draft: Draft) -> Submitted:
        """Save a complete draft: published at once (and pushed), or pending with its approvers told.
        DuplicatePostingError when the same text is already open; OutsideAreaError when it goes to a township
        outside the author's county (a deployment of several counties)."""
        outside = self.outside(staff, draft.townships)
        if outside:
            raise OutsideAreaError(outside)
        needs_review = self.needs_review(staff)
        status = "pending" if needs_review else "published"
        posting_id = await self.store.create(draft.fields, draft.kind, draft.townships, draft.text_hash, staff, status)
        posting = await self.store.get(posting_id)
        assert posting is not None
        if not needs_review:
            return Submitted(posting, await self.publish(posting), 0)
        approvers = await self.approvers(posting)
        for approver in approvers:
            await self.notify(
                approver,
                f"review:{posting.id}",
                Reply(f"有一条待审核的信息：\n{card(posting)}", review_buttons(posting.id)),
            )
        return Submitted(posting, None, len(approvers))

    # --- review (chat and the pages) ---------------------------------------------------------------
    async def reviewable(self, staff: Staff) -> list[Posting]:
        """Pending postings this staff member may decide (a station: its township's liaisons'; the bureau: all)."""
        if staff.role == "liaison":
            return []
        township = None if staff.role == "bureau" else staff.township_id
        return [p for p in await self.store.pending(township) if self.can_review(staff, p)]

    async def approve(self, staff: Staff, posting: Posting) -> tuple[Posting, Reach] | None:
        """Publish a pending posting and tell its author; None when someone else decided it first."""
        if not await self.store.review(posting.id, "published", staff.user_id):
            return None
        published = await self.store.get(posting.id)
        assert published is not None
        reach = await self.publish(published)
        await self.notify(
            (posting.author_channel, posting.author_user_id),
            f"approved:{posting.id}",
            Reply(f"您提交的{headline(posting)}已通过审核，开始推送。", manage_buttons(published)),
        )
        return published, reach

    async def reject(self, staff: Staff, posting: Posting, reason: str) -> bool:
        """Reject with a reason that goes back to the author; False when it is not pending any more."""
        if not await self.store.review(posting.id, "rejected", staff.user_id, reason):
            return False
        await self.notify(
            (posting.author_channel, posting.author_user_id),
            f"rejected:{posting.id}",
            Reply(f"您提交的{headline(posting)}没有通过审核。\n原因：{reason}\n改好后可以重新发「/post」。"),
        )
        return True

    # --- delivery -----------------------------------------------------------------------------
    def is_current(self, posting: Posting) -> bool:
        return posting.status == "published" and posting.valid_until >= today().isoformat()

    async def still_wanted(self, item_id: str) -> bool:
        posting = await self.store.get(int(item_id)) if item_id.isdecimal() else None
        return posting is not None and self.is_current(posting)

    async def publish(self, posting: Posting) -> Reach:
        """Enqueue the posting for its townships' groups, subscribers and liaisons (once each)."""
        full = card(posting)
        item = str(posting.id)
        pushes: list[Push] = []
        groups = await self.directory.groups_in(list(posting.townships))
        short = forward_text(posting, self.bureau(posting))
        for group in groups:
            robot = group.channel.startswith("wecom")
            text = short if robot else full
            pushes.append(Push(group.channel, group.chat_id, "robot" if robot else "group", Reply(text)))
        subject = " ".join((posting.title, posting.requirements, posting.employer, posting.location))
        laborers = await self.subscriptions.matching(list(posting.townships), subject)
        like = (Button("我感兴趣", f"postings:like:{posting.id}"), Button("更多招聘", "postings:latest"))
        for sub in laborers:
            pushes.append(Push(sub.channel, sub.chat_id, "user", Reply(full, like), user_id=sub.user_id))
        liaisons = await self.store.staff_with("liaison", list(posting.townships))
        forward = Reply(
            f"请转发到村里的微信群：\n\n{short}",
            (Button("已转发", f"postings:fwd:{posting.id}"),),
        )
        for staff in liaisons:
            pushes.append(Push(staff.channel, staff.user_id, "user", forward))
        await self.outbox.enqueue("posting", item, pushes)
        return Reach(len(groups), len(laborers), len(liaisons))

    async def notify(self, staff: Staff | tuple[str, str], key: str, reply: Reply) -> None:
        """A message to one staff member through the outbox, once per key."""
        channel, user_id = (staff.channel, staff.user_id) if isinstance(staff, Staff) else staff
        await self.outbox.enqueue("notice", key, [Push(channel, user_id, "user", reply)], urgent=True)

    async def withdraw(self, posting: Posting) -> bool:
        if not await self.store.withdraw(posting.id):
            return False
        await self.outbox.cancel("posting", str(posting.id), "withdrawn")
        return True

    async def progress_text(self, posting: Posting) -> str:
        progress = await self.outbox.progress("posting", str(posting.id))
        reactions = await self.store.reactions(posting.id)
        status = {"pending": "待审核", "published": "已发布", "rejected": "已退回", "withdrawn": "已撤回"}
        lines = [f"{headline(posting)}（{status.get(posting.status, posting.status)}）"]
        if progress.total:
            lines.append(progress.text() + ("" if progress.done else "，发送中"))
        lines.append(f"联络员已转发 {reactions.get('forwarded', 0)} 次，感兴趣 {reactions.get('interested', 0)} 人")
        return "\n".join(lines)

    # --- outbox hooks -------------------------------------------------------------------------
    def attach(self, outbox: Outbox) -> None:
        outbox.on_sent("posting", self.recommended)
        outbox.on_complete("posting", self.finished)
        outbox.guard("posting", self.still_wanted)

    async def recommended(self, sent: SentPush) -> None:
        """A posting delivered to a laborer individually is a 岗位推介 (job recommendation) in the ledger."""
        if sent.kind != "user" or (sent.user_id is None and sent.person_id is None):
            return  # groups and liaisons: reach, not a recommendation to one person
        await self.ledger.record(
            "job_recommendation",
            f"posting:{sent.item_id}",
            person_id=sent.person_id,
            channel=sent.channel,
            user_id=sent.user_id,
        )

    async def finished(self, item_kind: str, item_id: str, progress: Progress) -> None:
        """The final summary for the posting's author."""
        posting = await self.store.get(int(item_id))
        if posting is None:
            return
        text = f"「{posting.title}」推送完成：{progress.text()}"
        if progress.failed:
            text += "\n（失败的多是对方屏蔽了机器人、退群或超过 48 小时没和公众号说话）"
        await self.notify((posting.author_channel, posting.author_user_id), f"summary:{item_id}", Reply(text))
