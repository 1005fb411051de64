"""WeChat's side of the callback on the real aiohttp app: `Bot` posts messages as WeChat does (signed plain
XML, or AES-encrypted in safe mode) and reads the passive reply; it also counts rows the callback stored."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from aiohttp.test_utils import TestClient

from bot.channels.wechat.channel import WechatChannel
from bot.services import Services
from tests.fakes.wechat import decrypt_reply, encrypted, signed_query, xml_field


@dataclass
class Bot:
    client: TestClient[web.Request, web.Application]
    channel: WechatChannel
    services: Services

    async def post(self, xml: str | bytes, query: dict[str, str] | None = None) -> tuple[int, str]:
        response = await self.client.post("/wechat", params=query or signed_query(), data=xml)
        return response.status, await response.text()

    async def say(self, xml: str, aes: bool = False) -> str | None:
        """Post a message as WeChat does; the passive reply's text, or None for "success"."""
        if aes:
            body, query = encrypted(xml)
            status, text = await self.post(body, query)
        else:
            status, text = await self.post(xml)
        assert status == 200, text
        if text == "success":
            return None
        inner = decrypt_reply(text, query) if aes else text
        assert xml_field(inner, "MsgType") == "text"
        return xml_field(inner, "Content")

    async def count(self, table: str) -> int:
        row = await self.services.db.fetchone(f"SELECT count(*) FROM {table}")
        assert row is not None
        return int(row[0])
