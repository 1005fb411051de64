"""How a posting reads: the full card, the forward-ready short version, and a draft being checked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.messages import Button
from bot.postings.extract import FIELDS, KINDS
from storage.postings import Posting

WECOM_TEXT_BYTES = 2048  # a WeCom group-robot text message
SHORT_REQUIREMENTS = 60
FOOTER = "（{bureau}就业帮扶小助手转发，请直接联系招工方）"


def _lines(kind: str, values: Mapping[str, str], townships: str, short: bool) -> list[str]:
    head = f"【{KINDS.get(kind, '招聘')}】{values.get('title') or '（岗位未填）'}"
    if values.get("headcount"):
        head += f" {values['headcount']}"
    lines = [head]
    for name in ("employer", "location", "salary", "requirements"):
        value = values.get(name, "")
        if short and name == "requirements" and len(value) > SHORT_REQUIREMENTS:
            value = value[:SHORT_REQUIREMENTS] + "…"
        if value:
            lines.append(f"{FIELDS[name]}：{value}")
    contact = " ".join(v for v in (values.get("contact_name", ""), values.get("contact_phone", "")) if v)
    if contact:
        lines.append(f"联系：{contact}")
    if values.get("valid_until"):
        lines.append(f"有效期至：{values['valid_until']}")
    if townships and not short:
        lines.append(f"发往：{townships}")
    return lines


def card(posting: Posting, township_names: str = "") -> str:
    """The posting as laborers and groups see it."""
    values = {name: posting.field(name) for name in FIELDS}
    return "\n".join(_lines(posting.kind, values, township_names, short=False))


def forward_text(posting: Posting, bureau: str) -> str:
    """A version short enough for one WeChat group message / WeCom robot text, ready to forward; the footer
    names the bureau that sends it and stays whole (the body is shortened instead)."""
    values = {name: posting.field(name) for name in FIELDS}
    body, footer = "\n".join(_lines(posting.kind, values, "", short=True)), FOOTER.format(bureau=bureau)
    room = WECOM_TEXT_BYTES - len(footer.encode("utf-8")) - 1
    if len(body.encode("utf-8")) > room:
        body = body.encode("utf-8")[: room - 3].decode("utf-8", "ignore") + "…"
    return f"{body}\n{footer}"


def draft_text(kind: str, values: Mapping[str, str], township_names: str, problems: Sequence[str]) -> str:
    """What the sender checks before confirming: every field, empty ones marked."""
    lines = [f"类型：{KINDS.get(kind, '招聘')}"]
    for name, label in FIELDS.items():
        lines.append(f"{label}：{values.get(name) or '（未填）'}")
    lines.append(f"发往：{township_names or '（未选）'}")
    lines += [f"⚠ {p}" for p in problems]
    return "\n".join(lines)


def headline(posting: Posting) -> str:
    return f"#{posting.id}【{KINDS.get(posting.kind, '招聘')}】{posting.title}"


def review_buttons(posting_id: int) -> tuple[Button, ...]:
    """Approve (通过), edit (修改) or reject (退回) a pending posting in chat."""
    return (
        Button("通过", f"pr:ok:{posting_id}"),
        Button("修改", f"pr:edit:{posting_id}"),
        Button("退回", f"pr:no:{posting_id}"),
    )


def manage_buttons(posting: Posting) -> tuple[Button, ...]:
    """Follow (看进度) and, while it is open, withdraw (撤回) a posting."""
    buttons = [Button("看进度", f"postings:prog:{posting.id}")]
    if posting.status in ("pending", "published"):
        buttons.append(Button("撤回", f"postings:wd:{posting.id}"))
    return tuple(buttons)
