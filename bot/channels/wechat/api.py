"""The WeChat Official Account HTTP API over httpx (async), with a shared, cached access token.

wechatpy's client is synchronous, so outbound calls use httpx.AsyncClient against the configured
API base URL (a fake server in tests). The access token lives in SQLite (WechatStore) so that every
process of the bot uses the same one: a refresh by one process would otherwise invalidate the
token another process holds. One process at a time refreshes (a lease row); the others wait for it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx

from bot.config import WechatConfig
from storage.wechat import WechatStore

log = logging.getLogger(__name__)

TOKEN_INVALID = {40001, 40014, 42001}  # invalid credential / invalid token / token expired
JSON = {"Content-Type": "application/json; charset=utf-8"}


class WechatApiError(Exception):
    """WeChat answered with a non-zero errcode (or not at all: errcode -2, network or HTTP failure)."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WechatApi:
    def __init__(
        self,
        config: WechatConfig,
        store: WechatStore,
        client: httpx.AsyncClient | None = None,
        lease_seconds: float = 10.0,
    ) -> None:
        self.config = config
        self.store = store
        self.base = config.api_base_url.rstrip("/") + "/"
        self.client = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        self.lease_seconds = lease_seconds
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        await self.client.aclose()

    async def call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST `payload` as JSON to `path`; refresh the token once when WeChat rejects it."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")  # non-ASCII unescaped, as WeChat expects
        return await self._authorised(path, {}, content=body, headers=JSON)

    async def upload_image(self, name: str, data: bytes) -> str:
        """Upload a PNG as temporary media (kept 3 days by WeChat); its media_id."""
        files = {"media": (name, data, "image/png")}
        result = await self._authorised("media/upload", {"type": "image"}, files=files)
        media_id = result.get("media_id")
        if not isinstance(media_id, str):
            raise WechatApiError(-2, "upload response without media_id")
        return media_id

    async def _authorised(self, path: str, params: dict[str, str], **request: Any) -> dict[str, Any]:
        token = await self.access_token()
        try:
            return await self._request("POST", path, params={**params, "access_token": token}, **request)
        except WechatApiError as exc:
            if exc.errcode not in TOKEN_INVALID:
                raise
            log.info("WeChat rejected the access token (%s); refreshing", exc.errcode)
            await self.store.invalidate_token(self.config.app_id, token)
        token = await self.access_token()
        return await self._request("POST", path, params={**params, "access_token": token}, **request)

    async def access_token(self) -> str:
        """The shared token; fetched from WeChat only when no process has a valid one."""
        async with self._lock:
            deadline = time.monotonic() + self.lease_seconds * 2
            while True:
                token = await self.store.token(self.config.app_id)
                if token is not None:
                    return token
                if await self.store.lease_refresh(self.config.app_id, self.lease_seconds):
                    return await self._refresh()
                if time.monotonic() > deadline:
                    raise WechatApiError(-2, "timed out waiting for another process to refresh the token")
                await asyncio.sleep(0.05)  # another process is refreshing: use its token

    async def _refresh(self) -> str:
        params = {"grant_type": "client_credential", "appid": self.config.app_id, "secret": self.config.app_secret}
        try:
            data = await self._request("GET", "token", params=params)
            token, expires_in = data.get("access_token"), data.get("expires_in")
            if not isinstance(token, str) or not isinstance(expires_in, int):
                raise WechatApiError(-2, "token response without access_token / expires_in")
        except BaseException:
            await self.store.release_lease(self.config.app_id)
            raise
        await self.store.store_token(self.config.app_id, token, time.time() + expires_in)
        return token

    async def _request(self, method: str, path: str, params: dict[str, str], **request: Any) -> dict[str, Any]:
        try:
            response = await self.client.request(method, self.base + path, params=params, **request)
        except httpx.HTTPError as exc:  # the URL carries the token: never put the exception text in logs
            raise WechatApiError(-2, f"network error ({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise WechatApiError(-2, f"HTTP {response.status_code}")
        try:
            data = response.json()
        except ValueError:
            raise WechatApiError(-2, "response is not JSON") from None
        if not isinstance(data, dict):
            raise WechatApiError(-2, "response is not a JSON object")
        errcode = data.get("errcode", 0)
        if errcode:
            raise WechatApiError(int(errcode), str(data.get("errmsg", "")))
        return data
