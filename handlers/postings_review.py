"""Approving, editing and rejecting liaisons' postings; following and withdrawing one's own postings.

/review lists what waits for this approver (a station: its township's liaisons; the bureau: all);
`pr:ok:<id>` publishes, `pr:edit:<id>` opens the posting as the approver's draft (handlers/postings),
`pr:no:<id>` makes the conversation await `postings.reason`: the next text is the reason that goes back
to the sender. /myposts lists a sender's postings with their progress.
"""

from __future__ import annotations

from bot.messages import Button, Inbound, Reply
from bot.postings.draft import Draft
from bot.postings.render import card, headline, manage_buttons, review_buttons
from bot.privacy import mask
from bot.routing import Router, choice_number
from bot.services import Services
from handlers.guards import StaffCall, staff, staff_of
from handlers.postings import GONE, NO_RIGHT, approve, pending_posting, show
from storage.conversations import Awaiting
from storage.postings import Posting

router: Router[Services] = Router()

REASON = "postings.reason"  # the flow waiting for a rejection's reason; data: {"posting": id}
REVIEWERS = "审核由乡镇就业服务站和县人社局负责。"
CANCEL = Button("取消", "pr:cancel")


@router.command("review", "shenhe", guard=staff(private=True, roles=("station", "bureau"), not_staff=REVIEWERS))
async def review_list(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Pending postings this approver may decide."""
    pending = await svc.postings.reviewable(who.staff)
    if not pending:
        return [Reply("没有待审核的信息。")]
    replies = [Reply(f"待审核 {len(pending)} 条：")]
    for posting in pending:
        label = svc.postings.label(posting.townships)
        replies.append(Reply(f"#{posting.id}\n{card(posting, label)}", review_buttons(posting.id)))
    return replies


@router.button("pr", guard=staff(private=True, not_staff=NO_RIGHT))
async def review_button(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Approve, edit or reject one pending posting (or stop rejecting: pr:cancel)."""
    parts = (msg.button or "").split(":")
    if parts[1:2] == ["cancel"]:
        await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, None)
        return [Reply("好的，没有退回。")]
    if len(parts) != 3 or not parts[2].isdecimal():
        return [Reply("没有这个选项。")]
    posting, refusal = await pending_posting(svc, who.staff, int(parts[2]))
    if posting is None:
        return [Reply(refusal)]
    if parts[1] == "ok":
        return await approve(svc, who.staff, posting)
    if parts[1] == "no":
        reason = Awaiting(REASON, data={"posting": posting.id})
        await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, reason)
        return [Reply(f"退回 {headline(posting)}：请说一下原因（会转告提交人）。", (CANCEL,))]
    if parts[1] == "edit":
        fields = {name: posting.field(name) for name in ("title", "employer", "location", "salary", "headcount")}
        fields |= {name: posting.field(name) for name in ("requirements", "contact_name", "contact_phone")}
        fields["valid_until"] = posting.valid_until
        draft = Draft(posting.kind, {k: v for k, v in fields.items() if v}, posting.townships, "", (), posting.id)
        return await show(msg, svc, draft, f"修改 {headline(posting)}，改好后点「确认发布」就通过并发出。")
    return [Reply("没有这个选项。")]


@router.awaiting(REASON)
async def reason_typed(msg: Inbound, svc: Services, awaiting: Awaiting) -> list[Reply] | None:
    """The reason typed after 退回: the posting is rejected and the sender told why (a typed choice
    number picks 取消 instead)."""
    if choice_number(msg.text):
        return None
    await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, None)
    reviewer = await staff_of(msg, svc)
    posting, refusal = await pending_posting(svc, reviewer, int(awaiting.data.get("posting", 0)))
    if posting is None or reviewer is None:
        return [Reply(refusal)]
    reason = mask(msg.text.strip())[:200]  # stored and relayed: personal numbers masked
    if not reason:
        return [Reply("退回要写原因。请再点一次「退回」。")]
    if not await svc.postings.reject(reviewer, posting, reason):
        return [Reply(GONE)]
    return [Reply(f"已退回 {headline(posting)}，并告诉了提交人。")]


@router.command("myposts", "wode")
async def my_postings(msg: Inbound, svc: Services) -> list[Reply]:
    """A sender's recent postings, with progress and withdraw buttons."""
    postings = await svc.postings.store.by_author(msg.channel, msg.user_id)
    if not postings:
        return [Reply("您还没有发布过信息。发布请发「/post」。")]
    return [Reply(await svc.postings.progress_text(p), manage_buttons(p)) for p in postings[:5]]


async def manage(msg: Inbound, svc: Services, action: str, posting: Posting) -> list[Reply]:
    """`postings:prog:<id>` / `postings:wd:<id>` for the sender, their station or the bureau."""
    found = await staff_of(msg, svc)
    if not svc.postings.can_manage(found, posting, msg.channel, msg.user_id):
        return [Reply("只有发布人、所在乡镇的就业服务站或县人社局可以查看和撤回。")]
    if action == "prog":
        return [Reply(await svc.postings.progress_text(posting), manage_buttons(posting))]
    if not await svc.postings.withdraw(posting):
        return [Reply(f"{headline(posting)}已经撤回或没有通过，不用再撤。")]
    return [Reply(f"已撤回 {headline(posting)}。还没送出的不再发送，列表里也不再显示。")]
