"""Staff publishing postings in chat: send or forward a notice, check the fields, fix, confirm; review.

/post [text] starts a draft (or extracts at once); buttons `pd:*` work on the draft; /review lists what
waits for this approver, `pr:*` approves, edits or rejects with a reason. Text typed while the bot is
asking for something goes to `on_text` (see `intercept`).
"""

from __future__ import annotations

from dataclasses import replace

from bot.messages import Button, Inbound, Reply
from bot.postings.dates import today
from bot.postings.draft import ASK, Draft, parse_correction
from bot.postings.extract import FIELDS, extract
from bot.postings.render import draft_text, headline
from bot.routing import Handler, Router
from bot.services import Services
from handlers import postings_review, subscriptions
from handlers.guards import StaffCall, staff, staff_of
from storage.directory import Staff
from storage.postings import DuplicatePostingError

router: Router[Services] = Router()

NOT_STAFF = (
    "只有登记过的村就业服务联络员、乡镇就业服务站和人社局工作人员可以发布招聘信息。"
    "想找活，可以发「/jobs」看看最近的招聘。"
)
SEND_IT = "请把招聘或零工信息发给我（可以直接转发或粘贴原文），我来整理。"
PRIVATE = "发布招聘信息请私聊我。"
CANCEL = Button("取消", "pd:cancel")


@router.command("post", "fabu", "zhaogong", guard=staff(private=True, not_staff=NOT_STAFF, wrong_chat=PRIVATE))
async def post(msg: Inbound, svc: Services, who: StaffCall) -> list[Reply]:
    """Start a posting: with the notice after the command, or ask for it."""
    parts = msg.text.strip().split(maxsplit=1)  # "/post" then the notice, after a space or a new line
    text = parts[1].strip() if len(parts) == 2 else ""
    if not text:
        await svc.postings.store.save_draft(msg.channel, msg.user_id, {"mode": "posting"}, "text")
        return [Reply(SEND_IT, (CANCEL,))]
    return await start_draft(msg, svc, who.staff, text)


async def start_draft(msg: Inbound, svc: Services, staff: Staff, text: str) -> list[Reply]:
    default = (staff.township_id,) if staff.township_id else ()
    draft = Draft.from_text(text, svc.postings.names(), default)
    existing = await svc.postings.store.find_open(draft.text_hash)
    if existing is not None:
        await svc.postings.store.drop_draft(msg.channel, msg.user_id)
        return [
            Reply(f"这条信息已经发过了（#{existing}），不用再发。", (Button("看进度", f"postings:prog:{existing}"),))
        ]
    return await show(msg, svc, draft)


async def show(msg: Inbound, svc: Services, draft: Draft, note: str = "") -> list[Reply]:
    """Save the draft and show it, asking for the next missing thing or for confirmation."""
    body = draft_text(draft.kind, draft.fields, svc.postings.label(draft.townships), draft.problems)
    prefix = f"{note}\n\n" if note else ""
    missing = draft.missing()
    await svc.postings.store.save_draft(msg.channel, msg.user_id, draft.to_json(), missing or "")
    if missing:
        asking = (Button("选乡镇", "pd:town"), CANCEL) if missing == "townships" else (CANCEL,)
        return [Reply(f"{prefix}我整理的是：\n{body}\n\n{ASK[missing]}", asking)]
    buttons = (Button("确认发布", "pd:ok"), Button("改一项", "pd:edit"), Button("选乡镇", "pd:town"), CANCEL)
    hint = "没问题就点「确认发布」；要改哪项，也可以直接发「薪资：200元/天」这样的一句。"
    return [Reply(f"{prefix}请核对：\n{body}\n\n{hint}", buttons)]


async def on_text(msg: Inbound, svc: Services, state: dict[str, object], awaiting: str) -> list[Reply] | None:
    """Text typed while a draft is open; None when it is not for the draft (it goes to the FAQ)."""
    text = msg.text.strip()
    mode = state.get("mode")
    if mode == "reject" and awaiting == "reason":
        return await postings_review.reject_with(msg, svc, int(str(state.get("posting", 0))), text)
    if mode == "keyword" and awaiting == "keyword":
        return await subscriptions.add_keyword(msg, svc, text)
    if mode != "posting":
        return None
    staff = await staff_of(msg, svc)
    if staff is None:
        await svc.postings.store.drop_draft(msg.channel, msg.user_id)
        return [Reply(NOT_STAFF)]
    if awaiting == "text":
        return await start_draft(msg, svc, staff, text)
    if looks_like_posting(svc, text):  # a new notice forwarded while the last one was open: take the new one
        return await start_draft(msg, svc, staff, text)
    draft = Draft.from_json(dict(state))
    correction = parse_correction(text)
    if correction is not None:
        return await set_field(msg, svc, draft, *correction)
    if awaiting:
        return await set_field(msg, svc, draft, awaiting, text)
    return None


async def set_field(msg: Inbound, svc: Services, draft: Draft, name: str, value: str) -> list[Reply]:
    if name == "townships":
        found, unknown = svc.postings.resolve(value)
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
    state = await svc.postings.store.draft(msg.channel, msg.user_id)
    if action[1:2] == ["cancel"]:
        await svc.postings.store.drop_draft(msg.channel, msg.user_id)
        return [Reply("已取消，什么都没有保存。")]
    if state is None or state[0].get("mode") != "posting" or state[1] == "text":
        return [Reply("没有正在填写的信息了。要发布请发「/post」。")]
    draft = Draft.from_json(state[0])
    if action[1:2] == ["edit"]:
        buttons = tuple(Button(label, f"pd:f:{name}") for name, label in FIELDS.items())
        return [Reply("改哪一项？", (*buttons, Button("类型（招聘/零工）", "pd:f:kind"), CANCEL))]
    if action[1:2] == ["f"] and len(action) == 3 and (action[2] in FIELDS or action[2] == "kind"):
        await svc.postings.store.save_draft(msg.channel, msg.user_id, draft.to_json(), action[2])
        label = FIELDS.get(action[2], "类型（招聘 或 零工）")
        return [Reply(f"请发来新的「{label}」：", (CANCEL,))]
    if action[1:2] == ["town"]:
        await svc.postings.store.save_draft(msg.channel, msg.user_id, draft.to_json(), "townships")
        buttons = tuple(Button(t.name, f"pd:t:{t.id}") for t in svc.postings.townships.values())
        return [Reply(ASK["townships"], (*buttons, Button("全部", "pd:t:all"), CANCEL))]
    if action[1:2] == ["t"] and len(action) == 3:
        chosen = list(svc.postings.townships) if action[2] == "all" else [action[2]]
        if not set(chosen) <= set(svc.postings.townships):
            return [Reply("没有这个乡镇。")]
        picked = tuple(dict.fromkeys([*draft.townships, *chosen])) if action[2] != "all" else tuple(chosen)
        return await show(msg, svc, replace(draft, townships=picked))
    if action[1:2] == ["ok"]:
        return await confirm(msg, svc, draft)
    return [Reply("没有这个选项。")]


async def confirm(msg: Inbound, svc: Services, draft: Draft) -> list[Reply]:
    """Save the posting (published at once, or waiting for review) and start the pushes."""
    staff = await staff_of(msg, svc)
    if staff is None:
        return [Reply(NOT_STAFF)]
    if draft.missing():
        return await show(msg, svc, draft)
    now = today()
    draft = draft.with_default_expiry(svc.postings.default_days, now)
    if draft.fields["valid_until"] < now.isoformat():
        await svc.postings.store.save_draft(msg.channel, msg.user_id, draft.to_json(), "valid_until")
        return [Reply(f"有效期 {draft.fields['valid_until']} 已经过了，请发来新的有效期（比如 6月30日）：", (CANCEL,))]
    if draft.editing is not None:
        return await postings_review.save_edit(msg, svc, staff, draft)
    try:
        done = await svc.postings.submit(staff, draft)
    except DuplicatePostingError as exc:
        await svc.postings.store.drop_draft(msg.channel, msg.user_id)
        return [Reply(f"这条信息已经发过了（#{exc.existing_id}），不用再发。")]
    await svc.postings.store.drop_draft(msg.channel, msg.user_id)
    posting = done.posting
    manage = (Button("看进度", f"postings:prog:{posting.id}"), Button("撤回", f"postings:wd:{posting.id}"))
    if done.reach is None:
        who = "乡镇就业服务站或县人社局" if svc.postings.review_mode == "station" else "县人社局"
        note = "" if done.approvers else "\n（目前还没有登记审核人，请联系乡镇就业服务站）"
        return [Reply(f"已提交 {headline(posting)}，等{who}审核后发出。{note}", manage)]
    return [Reply(f"已发布 {headline(posting)}，正在发给 {done.reach.text()}。", manage)]


def looks_like_posting(svc: Services, text: str) -> bool:
    """A forwarded notice rather than a question: long enough, with a job and a valid phone number."""
    if len(text) < 15:
        return False
    found = extract(text, svc.postings.names())
    return bool(found.get("title") and found.get("contact_phone"))


def intercept(fallback: Handler[Services]) -> Handler[Services]:
    """The free-text handler: text for an open draft, rejection reason or keyword goes there, else to `fallback`."""

    async def handle(msg: Inbound, svc: Services) -> list[Reply]:
        if msg.chat_kind == "private" and msg.text.strip():
            state = await svc.postings.store.draft(msg.channel, msg.user_id)
            if state is not None:
                replies = await on_text(msg, svc, state[0], state[1])
                if replies is not None:
                    return replies
            elif looks_like_posting(svc, msg.text) and (staff := await staff_of(msg, svc)) is not None:
                return await start_draft(msg, svc, staff, msg.text.strip())  # staff forwarded a notice
        return await fallback(msg, svc)

    return handle
