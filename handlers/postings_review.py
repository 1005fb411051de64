"""Approving, editing and rejecting liaisons' postings; following and withdrawing one's own postings.

/review lists what waits for this approver (a station: its township's liaisons; the bureau: all);
`pr:ok:<id>` publishes, `pr:no:<id>` asks for a reason that goes back to the sender, `pr:edit:<id>`
opens the posting as the approver's draft. /myposts lists a sender's postings with their progress.
"""

from __future__ import annotations

from bot.messages import Button, Inbound, Reply
from bot.postings.draft import Draft
from bot.postings.render import card, headline, manage_buttons, review_buttons
from bot.routing import Router
from bot.services import Services
from handlers.guards import StaffCall, staff, staff_of
from storage.directory import Staff
from storage.postings import Posting

router: Router[Services] = Router()

NO_RIGHT = "您没有审核这条信息的权限（由提交人所在乡镇的就业服务站或县人社局审核）。"
GONE = "这条信息已经不在待审核状态了（可能别人已经处理）。"
REVIEWERS = "审核由乡镇就业服务站和县人社局负责。"


@router.command("review", "shenhe", guard=staff(roles=("station", "bureau"), not_staff=REVIEWERS))
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


async def _reviewable(msg: Inbound, svc: Services, posting_id: int) -> tuple[Staff, Posting] | Reply:
    staff = await staff_of(msg, svc)
    posting = await svc.postings.store.get(posting_id)
    if posting is None:
        return Reply("没有这条信息。")
    if staff is None or not svc.postings.can_review(staff, posting):
        return Reply(NO_RIGHT)
    if posting.status != "pending":
        return Reply(GONE)
    return staff, posting


@router.button("pr")
async def review_button(msg: Inbound, svc: Services) -> list[Reply]:
    """Approve, edit or reject one pending posting."""
    parts = (msg.button or "").split(":")
    if len(parts) != 3 or not parts[2].isdigit():
        return [Reply("没有这个选项。")]
    checked = await _reviewable(msg, svc, int(parts[2]))
    if isinstance(checked, Reply):
        return [checked]
    staff, posting = checked
    if parts[1] == "ok":
        return await approve(msg, svc, staff, posting)
    if parts[1] == "no":
        await svc.postings.store.save_draft(
            msg.channel, msg.user_id, {"mode": "reject", "posting": posting.id}, "reason"
        )
        return [Reply(f"退回 {headline(posting)}：请说一下原因（会转告提交人）。", (Button("取消", "pd:cancel"),))]
    if parts[1] == "edit":
        from handlers.postings import show  # the draft flow; imported here to keep the modules acyclic

        fields = {name: posting.field(name) for name in ("title", "employer", "location", "salary", "headcount")}
        fields |= {name: posting.field(name) for name in ("requirements", "contact_name", "contact_phone")}
        fields["valid_until"] = posting.valid_until
        draft = Draft(posting.kind, {k: v for k, v in fields.items() if v}, posting.townships, "", (), posting.id)
        return await show(msg, svc, draft, f"修改 {headline(posting)}，改好后点「确认发布」就通过并发出。")
    return [Reply("没有这个选项。")]


async def approve(msg: Inbound, svc: Services, staff: Staff, posting: Posting) -> list[Reply]:
    done = await svc.postings.approve(staff, posting)
    if done is None:
        return [Reply(GONE)]
    published, reach = done
    return [Reply(f"已通过 {headline(posting)}，正在发给 {reach.text()}。", manage_buttons(published))]


async def reject_with(msg: Inbound, svc: Services, posting_id: int, reason: str) -> list[Reply]:
    """The reason typed after 退回: the posting is rejected and the sender told why."""
    await svc.postings.store.drop_draft(msg.channel, msg.user_id)
    checked = await _reviewable(msg, svc, posting_id)
    if isinstance(checked, Reply):
        return [checked]
    staff, posting = checked
    reason = reason.strip()[:200]
    if not reason:
        return [Reply("退回要写原因。请再点一次「退回」。")]
    if not await svc.postings.reject(staff, posting, reason):
        return [Reply(GONE)]
    return [Reply(f"已退回 {headline(posting)}，并告诉了提交人。")]


async def save_edit(msg: Inbound, svc: Services, staff: Staff, draft: Draft) -> list[Reply]:
    """An approver confirmed their edit of a pending posting: save it and publish."""
    await svc.postings.store.drop_draft(msg.channel, msg.user_id)
    checked = await _reviewable(msg, svc, draft.editing or 0)
    if isinstance(checked, Reply):
        return [checked]
    staff, posting = checked
    await svc.postings.store.update(posting.id, draft.fields, draft.kind, draft.townships)
    return await approve(msg, svc, staff, posting)


@router.command("myposts", "wode")
async def my_postings(msg: Inbound, svc: Services) -> list[Reply]:
    """A sender's recent postings, with progress and withdraw buttons."""
    postings = await svc.postings.store.by_author(msg.channel, msg.user_id)
    if not postings:
        return [Reply("您还没有发布过信息。发布请发「/post」。")]
    return [Reply(await svc.postings.progress_text(p), manage_buttons(p)) for p in postings[:5]]


async def manage(msg: Inbound, svc: Services, action: str, posting: Posting) -> list[Reply]:
    """`postings:prog:<id>` / `postings:wd:<id>` for the sender, their station or the bureau."""
    staff = await staff_of(msg, svc)
    if not svc.postings.can_manage(staff, posting, msg.channel, msg.user_id):
        return [Reply("只有发布人、所在乡镇的就业服务站或县人社局可以查看和撤回。")]
    if action == "prog":
        return [Reply(await svc.postings.progress_text(posting), manage_buttons(posting))]
    if not await svc.postings.withdraw(posting):
        return [Reply(f"{headline(posting)}已经撤回或没有通过，不用再撤。")]
    return [Reply(f"已撤回 {headline(posting)}。还没送出的不再发送，列表里也不再显示。")]
