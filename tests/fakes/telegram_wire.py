"""The fake Telegram server's wire format (tests/fakes/telegram.py): a Bot API request's parameters (JSON,
form or multipart with attach:// files), the plain text Telegram shows for an HTML-mode message (or None
where Telegram would reject the markup), and the Bot API's JSON answers."""

from __future__ import annotations

import html
import json
import re

from aiohttp import web

from tests.fakes.telegram_refusals import Failure
from tests.fakes.telegram_updates import Json

JSON_FIELDS = {"reply_markup", "allowed_updates", "commands", "scope", "link_preview_options", "entities"}
HTML_TAGS = re.compile(r"</?(b|strong|i|em|u|ins|s|strike|del|code|pre|a|tg-spoiler|blockquote)(\s[^<>]*)?>")


async def read_params(request: web.Request) -> Json:
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    form = await request.post()
    params: Json = {}
    files: dict[str, bytes] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = value.file.read()
        elif isinstance(value, str):
            params[key] = json.loads(value) if key in JSON_FIELDS else value
    for key, value in list(params.items()):  # a file may be referenced as attach://<part name>
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = files.pop(value.removeprefix("attach://"), b"")
    params.update(files)
    return params


def parse_html(text: str) -> str | None:
    """The plain text Telegram shows for an HTML-mode message, or None when it would reject it."""
    stripped = HTML_TAGS.sub("", text)
    if "<" in stripped or ">" in stripped or re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", stripped):
        return None
    return html.unescape(stripped)


def ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def error(code: int, description: str, parameters: Json | None = None) -> web.Response:
    body: Json = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


def refusal(failure: Failure) -> web.Response:
    parameters: Json = {}
    if failure.retry_after is not None:
        parameters["retry_after"] = failure.retry_after
    if failure.migrate_to is not None:
        parameters["migrate_to_chat_id"] = failure.migrate_to
    return error(failure.code, failure.description, parameters or None)
