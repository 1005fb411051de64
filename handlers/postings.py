"""Staff publishing postings in chat: send or forward a notice, check the fields, fix, confirm.

/post [text] starts a draft (or asks for the notice: flow `postings.notice`); while a draft is open the
conversation state awaits `postings.draft` (step: the field asked for, "" when only corrections such as
"薪资：200元/天" or a new notice are expected); buttons `pd:*` work on the draft. The draft's content is
kept in posting_drafts; what is awaited lives in the conversation state. Confirming publishes, submits
for review, or (an approver's edit of a pending posting) approves it.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from bot.messages import Button, Inbound, Reply
from bot.postings.dates import today
from bot.postings.draft import ASK, Draft, parse_correction
from bot.postings.extract import FIELDS, MAX_NOTICE, extract
from bot.postings.render import draft_text, headline, manage_buttons
from bot.postings.rules import OutsideAreaError
from bot.routing import Router, choice_number
from bot.services import Services
from handlers.guards import StaffCall, staff, staff_of
from storage.conversations import Awaiting
from storage.directory import Staff
from storage.postings import DuplicatePostingError, Posting

router: Router[Services] = Router()

NOTICE = "postings.notice"  # the flow waiting for the notice after a bare /post
DRAFT = "postings.draft"  # the flow of an open draft; step: the field asked for
NOT_STAFF = (
    "只有登记过的村就业服务联络员、乡镇就业服务站和人社局工作人员可以发布招聘信息。"
    "想找活，可以发「/jobs」看看最近的招聘。"
)
PRIVATE = "发布招聘信息请私聊我。"
SEND_IT = "请把招聘或零工信息发给我（可以直接转发或粘贴原文），我来整理。"
TOO_LONG = f"这段文字太长了（超过 {MAX_NOTICE} 字）。请一次只发一条招聘或零工信息。"
NO_RIGHT = "您没有审核这条信息的权限（由提交人所在乡镇的就业服务站或县人社局审核）。"
GONE = "这条信息已经不在待审核状态了（可能别人已经处理）。"
CANCEL = Button("取消", "pd:cancel")


async def awaits(msg: Inbound, svc: Services, flow: str | None, step: str = "") -> None:
    """What the chat's next free text is for (None: nothing)."""
    awaiting = Awaiting(flow, step) if flow else None
    await svc.conversations.set_awaiting(msg.channel, msg.chat_id, msg.user_id, awaiting)


async def end_draft(msg: Inbound, svc: Services) -> None:
    await svc.postings.store.drop_draft(msg.channel, msg.user_id)
    await awaits(msg, svc, None)


@router.command("post", "fabu", "zhaogong", guard=staff(private=True, not_staff=NOT_STAFF, wrong_chat=PRIVATE))
async def post(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Start a posting: with the notice after the command, or ask for it."""
    parts = msg.text.strip().split(maxsplit=1)  # "/post" then the notice, after a space or a new line
    text = parts[1].strip() if len(parts) == 2 else ""
    if not text:
        await svc.postings.store.drop_draft(msg.channel, msg.user_id)
        await awaits(msg, svc, NOTICE)
        return [Reply(SEND_IT, (CANCEL,))]
    return await start_draft(msg, svc, who.staff, text)


async def start_draft(msg: Inbound, svc: Services, staff: Staff, text: str) -> list[Reply]:
    if len(text) > MAX_NOTICE:
        return [Reply(TOO_LONG, (CANCEL,))]
    default = (staff.township_id,) if staff.township_id else ()
    draft = await asyncio.to_thread(Draft.from_text, text, svc.postings.names(), default)  # CPU work off the loop
    existing = await svc.postings.store.find_open(draft.text_hash)
    if existing is not None:
        await end_draft(msg, svc)
        return [
            Reply(f"这条信息已经发过了（#{existing}），不用再发。", (Button("看进度", f"postings:prog:{existing}"),))
        ]
    return await show(msg, svc, draft)


async def show(msg: Inbound, svc: Services, draft: Draft, note: str = "") -> list[Reply]:
    """Save the draft and show it, asking for the next missing thing or for confirmation."""
    body = draft_text(draft.kind, draft.fields, svc.postings.label(draft.townships), draft.problems)
    prefix = f"{note}\n\n" if note else ""
    missing = draft.missing()
    await svc.postings.store.save_draft(msg.channel, msg.user_id, draft.to_json(), "")
    await awaits(msg, svc, DRAFT, missing or "")
    if missing:
        asking = (Button("选乡镇", "pd:town"), CANCEL) if missing == "townships" else (CANCEL,)
        return [Reply(f"{prefix}我整理的是：\n{body}\n\n{ASK[missing]}", asking)]
    buttons = (Button("确认发布", "pd:ok"), Button("改一项", "pd:edit"), Button("选乡镇", "pd:town"), CANCEL)
    hint = "没问题就点「确认发布」；要改哪项，也可以直接发「薪资：200元/天」这样的一句。"
    return [Reply(f"{prefix}请核对：\n{body}\n\n{hint}", buttons)]


@router.awaiting(NOTICE)
async def notice_typed(msg: Inbound, svc: Services, awaiting: Awaiting) -> list[Reply] | None:
    """The notice sent after a bare /post (a typed choice number picks 取消 instead)."""
    if choice_number(msg.text):
        return None
    found = await staff_of(msg, svc)
    if found is None:
        await end_draft(msg, svc)
        return [Reply(NOT_STAFF)]
    return await start_draft(msg, svc, found, msg.text.strip())


@router.awaiting(DRAFT)
async def draft_typed(msg: Inbound, svc: Services, awaiting: Awaiting) -> list[Reply] | None:
    """Text while a draft is open: a new notice, a correction, the field asked for; else None (the FAQ)."""
    text = msg.text.strip()
    found = await staff_of(msg, svc)
    stored = await svc.postings.store.draft(msg.channel, msg.user_id)
    if found is None or stored is None:
        await end_draft(msg, svc)
        return [Reply(NOT_STAFF)] if found is None else None
    if await looks_like_posting(svc, text):  # a new notice forwarded while the last one was open: take the new one
        return await start_draft(msg, svc, found, text)
    draft = Draft.from_json(stored[0])
    correction = parse_correction(text)
    if correction is not None:
        return await set_field(msg, svc, draft, *correction)
    if awaiting.step:
        return await set_field(msg, svc, draft, awaiting.step, text)
    return None


@router.free_text
async def forwarded_notice(msg: Inbound, svc: Services) -> list[Reply] | None:
    """A staff member forwarded a notice without /post: it becomes a draft."""
    found = await staff_of(msg, svc)
    if found is None or not await looks_like_posting(svc, msg.text):  # staff checked first: extraction costs
        return None
    return await start_draft(msg, svc, found, msg.text.strip())


async def set_field(msg: Inbound, svc: Services, draft: Draft, name: str, value: str) -> list[Reply]:
    if name == "townships":
        found, unknown = svc.postings.resolve(value, svc.postings.area(await staff_of(msg, svc)))
        if unknown or not found:
            known = "、".join(t.name for t in svc.postings.townships.values())
            what = f"没有「{'、'.join(unknown)}」这个乡镇。" if unknown else "没认出乡镇。"
            return [Reply(f"{what}可以选：{known}，或回复「全部」。", (Button("选乡镇", "pd:town"), CANCEL))]
        return await show(msg, svc, replace(draft, townships=tuple(found)))
    updated, problem = draft.set(name, value)
    if problem:
        return [Reply(problem, (CANCEL,))]
    return await show(msg, svc, updated, f"已改好「{FIELDS.get(name, '类型')}」。")


@router.button("pd")
async def draft_button(msg: Inbound, svc: Services) -> list[Reply]:
    """Buttons on a draft: confirm, edit a field, choose townships, cancel."""
    action = (msg.button or "").split(":")
    if action[1:2] == ["cancel"]:
        await end_draft(msg, svc)
        return [Reply("已取消，什么都没有保存。")]
    state = await svc.postings.store.draft(msg.channel, msg.user_id)
    if state is None or state[0].get("mode") != "posting":
        return [Reply("没有正在填写的信息了。要发布请发「/post」。")]
    draft = Draft.from_json(state[0])
    if action[1:2] == ["edit"]:
        buttons = tuple(Button(label, f"pd:f:{name}") for name, label in FIELDS.items())
        return [Reply("改哪一项？", (*buttons, Button("类型（招聘/零工）", "pd:f:kind"), CANCEL))]
    if action[1:2] == ["f"] and len(action) == 3 and (action[2] in FIELDS or action[2] == "kind"):
        await awaits(msg, svc, DRAFT, action[2])
        label = FIELDS.get(action[2], "类型（招聘 或 零工）")
        return [Reply(f"请发来新的「{label}」：", (CANCEL,))]
    if action[1:2] == ["town"]:
        await awaits(msg, svc, DRAFT, "townships")
        area = svc.postings.area(await staff_of(msg, svc))  # a deployment of several counties: the author's county
        buttons = tuple(Button(svc.postings.townships[t].name, f"pd:t:{t}") for t in area)
        return [Reply(ASK["townships"], (*buttons, Button("全部", "pd:t:all"), CANCEL))]
    if action[1:2] == ["t"] and len(action) == 3:
        area = svc.postings.area(await staff_of(msg, svc))
        chosen = area if action[2] == "all" else [action[2]]
        if not set(chosen) <= set(area):
            return [Reply("没有这个乡镇。")]
        picked = tuple(dict.fromkeys([*draft.townships, *chosen])) if action[2] != "all" else tuple(chosen)
        return await show(msg, svc, replace(draft, townships=picked))
    if action[1:2] == ["ok"]:
        return await confirm(msg, svc, draft)
    return [Reply("没有这个选项。")]


async def confirm(msg: Inbound, svc: Services, draft: Draft) -> list[Reply]:
    """Save the posting (published at once, or waiting for review) and start the pushes."""
    author = await staff_of(msg, svc)
    if author is None:
        return [Reply(NOT_STAFF)]
    if draft.missing():
        return await show(msg, svc, draft)
    now = today()
    draft = draft.with_default_expiry(svc.postings.default_days, now)
    if draft.fields["valid_until"] < now.isoformat():
        await svc.postings.store.save_draft(msg.channel, msg.user_id, draft.to_json(), "")
        await awaits(msg, svc, DRAFT, "valid_until")
        return [Reply(f"有效期 {draft.fields['valid_until']} 已经过了，请发来新的有效期（比如 6月30日）：", (CANCEL,))]
    if draft.editing is not None:
        return await save_edit(msg, svc, author, draft)
    try:
        done = await svc.postings.submit(author, draft)
    except DuplicatePostingError as exc:
        await end_draft(msg, svc)
        return [Reply(f"这条信息已经发过了（#{exc.existing_id}），不用再发。")]
    except OutsideAreaError as exc:
        return [Reply(f"{'、'.join(exc.names)}不在您的县里，请重新选乡镇。", (Button("选乡镇", "pd:town"), CANCEL))]
    await end_draft(msg, svc)
    posting = done.posting
    manage = (Button("看进度", f"postings:prog:{posting.id}"), Button("撤回", f"postings:wd:{posting.id}"))
    if done.reach is None:
        who = "乡镇就业服务站或县人社局" if svc.postings.review_mode == "station" else "县人社局"
        note = "" if done.approvers else "\n（目前还没有登记审核人，请联系乡镇就业服务站）"
        return [Reply(f"已提交 {headline(posting)}，等{who}审核后发出。{note}", manage)]
    return [Reply(f"已发布 {headline(posting)}，正在发给 {done.reach.text()}。", manage)]


async def pending_posting(svc: Services, reviewer: Staff | None, posting_id: int) -> tuple[Posting | None, str]:
    """The pending posting this reviewer may decide, or None and the reason why not."""
    posting = await svc.postings.store.get(posting_id)
    if posting is None:
        return None, "没有这条信息。"
    if reviewer is None or not svc.postings.can_review(reviewer, posting):
        return None, NO_RIGHT
    if posting.status != "pending":
        return None, GONE
    return posting, ""


async def approve(svc: Services, reviewer: Staff, posting: Posting) -> list[Reply]:
    """Publish a pending posting (the author is told) and say where it goes."""
    done = await svc.postings.approve(reviewer, posting)
    if done is None:
        return [Reply(GONE)]
    published, reach = done
    return [Reply(f"已通过 {headline(posting)}，正在发给 {reach.text()}。", manage_buttons(published))]


async def save_edit(msg: Inbound, svc: Services, reviewer: Staff, draft: Draft) -> list[Reply]:
    """An approver confirmed their edit of a pending posting: save it and publish."""
    await end_draft(msg, svc)
    posting, refusal = await pending_posting(svc, reviewer, draft.editing or 0)
    if posting is None:
        return [Reply(refusal)]
    await svc.postings.store.update(posting.id, draft.fields, draft.kind, draft.townships)
    return await approve(svc, reviewer, posting)


async def looks_like_posting(svc: Services, text: str) -> bool:
    """A forwarded notice rather than a question: long enough, with a job and a valid phone number.

    Call it for staff only: extraction is CPU work (run off the event loop, on at most MAX_NOTICE characters)."""
    if not 15 <= len(text) <= MAX_NOTICE:
        return False
    found = await asyncio.to_thread(extract, text, svc.postings.names())
    return bool(found.get("title") and found.get("contact_phone"))
