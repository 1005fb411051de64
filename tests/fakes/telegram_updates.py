"""Bot API JSON for the fake Telegram server's updates: messages, button presses, membership changes.

Shapes follow the Bot API as python-telegram-bot 22.8 parses it (e.g. poll options carry a
persistent_id since Bot API 9.6); entities are computed like Telegram does (UTF-16 offsets).
"""

from __future__ import annotations

import re
import time
from typing import Any

TOKEN = "123456:TEST-fake-token"
BOT: dict[str, Any] = {"id": 777000111, "is_bot": True, "first_name": "五寨就业小助手", "username": "wuzhai_test_bot"}
Json = dict[str, Any]


def user(user_id: int, first_name: str = "张三", is_bot: bool = False) -> Json:
    return {"id": user_id, "is_bot": is_bot, "first_name": first_name, "language_code": "zh-hans"}


def chat(chat_id: int, title: str = "孙家坪乡就业群") -> Json:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "张三"}
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "type": kind, "title": title}


def photo_size() -> Json:
    return {"file_id": "AgAD-photo", "file_unique_id": "uniq-photo", "width": 640, "height": 480}


def entities(text: str) -> list[Json]:
    """bot_command and mention entities as Telegram computes them (UTF-16 offsets)."""
    out: list[Json] = []
    for match in re.finditer(r"(?<!\S)/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?|@[A-Za-z0-9_]{5,32}", text):
        kind = "bot_command" if match.group().startswith("/") else "mention"
        if kind == "bot_command" and match.start() != 0:
            continue
        offset = len(text[: match.start()].encode("utf-16-le")) // 2
        out.append({"type": kind, "offset": offset, "length": len(match.group().encode("utf-16-le")) // 2})
    return out


def message(chat_id: int, user_id: int, text: str | None = None, **extra: Any) -> Json:
    body: Json = {"message_id": 1000 + len(text or ""), "date": int(time.time()), "chat": chat(chat_id)}
    body["from"] = user(user_id)
    if text is not None:
        body["text"] = text
        if found := entities(text):
            body["entities"] = found
    body.update(extra)
    return {"message": body}


def private_text(user_id: int, text: str) -> Json:
    return message(user_id, user_id, text)


def group_text(chat_id: int, user_id: int, text: str, reply_to_bot: bool = False) -> Json:
    extra: Json = {}
    if reply_to_bot:
        extra["reply_to_message"] = {"message_id": 1, "date": int(time.time()), "chat": chat(chat_id), "from": BOT}
    return message(chat_id, user_id, text, **extra)


def sticker(user_id: int) -> Json:
    file = {"file_id": "CAAC-sticker", "file_unique_id": "uniq-st", "width": 512, "height": 512}
    return message(user_id, user_id, sticker={**file, "type": "regular", "is_animated": False, "is_video": False})


def photo(user_id: int, caption: str = "") -> Json:
    return message(user_id, user_id, photo=[photo_size()], caption=caption)


def voice(user_id: int) -> Json:
    return message(user_id, user_id, voice={"file_id": "AwAD-voice", "file_unique_id": "uniq-v", "duration": 3})


def edited(user_id: int, text: str) -> Json:
    body = message(user_id, user_id, text)["message"]
    return {"edited_message": {**body, "edit_date": int(time.time())}}


def channel_post(chat_id: int, text: str) -> Json:
    chat = {"id": chat_id, "type": "channel", "title": "五寨人社"}
    return {"channel_post": {"message_id": 5, "date": int(time.time()), "chat": chat, "text": text}}


def poll(persistent_ids: bool = True) -> Json:
    """A poll update; without persistent_ids it is the JSON of Bot API < 9.6, which PTB 22.8 cannot parse."""
    options: list[Json] = [{"text": "是", "voter_count": 1}, {"text": "否", "voter_count": 0}]
    if persistent_ids:
        options = [{**o, "persistent_id": f"o{i}"} for i, o in enumerate(options)]
    body = {"id": "p1", "question": "去不去招聘会？", "options": options, "total_voter_count": 1}
    return {
        "poll": {**body, "is_closed": False, "is_anonymous": True, "type": "regular", "allows_multiple_answers": False}
    }


def my_chat_member(chat_id: int, actor: int, old: str, new: str) -> Json:
    def member(status: str) -> Json:
        body: Json = {"user": BOT, "status": status}
        if status == "kicked":
            body["until_date"] = 0
        return body

    return {
        "my_chat_member": {
            "chat": chat(chat_id),
            "from": user(actor),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
    }


def migrate(old_chat_id: int, new_chat_id: int) -> Json:
    return message(old_chat_id, 1, None, migrate_to_chat_id=new_chat_id)
