"""The Official Account's custom menu, from content/wechat_menu.toml (`python -m bot wechat menu`).

WeChat's limits: at most 3 top-level items and 5 items under each; names at most 16 bytes at the top
level and 60 bytes below (UTF-8: a Chinese character is 3 bytes); click keys at most 128 bytes.
Click keys are passed to the dispatcher as button data, so they follow the button rules too (ASCII,
at most 64 bytes): `cat:<category id>`, `human`, `postings:latest`, `subs:mine`, ...
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from bot.channels.wechat.api import WechatApi, WechatApiError
from bot.config import Config
from bot.content import load_content
from bot.services import services_for

MENU_FILE = "wechat_menu.toml"
TOP_ITEMS, SUB_ITEMS = 3, 5
TOP_NAME_BYTES, SUB_NAME_BYTES = 16, 60
KEY_BYTES = 64


class MenuError(Exception):
    """The menu file breaks a rule; the message names the file and the item."""


def load_menu(path: Path, categories: set[str] | None = None) -> dict[str, Any]:
    """The menu as WeChat's menu/create payload, after checking every limit."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MenuError(f"{path}: cannot read: {exc}") from None
    items = data.get("button")
    if not isinstance(items, list) or not items:
        raise MenuError(f"{path}: no [[button]] items")
    if len(items) > TOP_ITEMS:
        raise MenuError(f"{path}: {len(items)} top-level items, WeChat allows {TOP_ITEMS}")
    return {"button": [_item(path, f"button {i + 1}", item, True, categories) for i, item in enumerate(items)]}


def _item(path: Path, where: str, item: Any, top: bool, categories: set[str] | None) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise MenuError(f"{path}: {where}: must be a table")
    name = item.get("name")
    limit = TOP_NAME_BYTES if top else SUB_NAME_BYTES
    if not isinstance(name, str) or not name.strip():
        raise MenuError(f"{path}: {where}: needs a name")
    if len(name.encode("utf-8")) > limit:
        raise MenuError(f"{path}: {where}: name {name!r} is over {limit} bytes ({limit // 3} Chinese characters)")
    where = f"{where} ({name})"
    subs = item.get("sub_button")
    if subs is not None:
        if not top:
            raise MenuError(f"{path}: {where}: sub-menus cannot be nested")
        if not isinstance(subs, list) or not subs or len(subs) > SUB_ITEMS:
            raise MenuError(f"{path}: {where}: needs 1 to {SUB_ITEMS} sub_button items")
        if set(item) - {"name", "sub_button"}:
            raise MenuError(f"{path}: {where}: an item with a sub-menu has only a name")
        children = [_item(path, f"{where} item {i + 1}", s, False, categories) for i, s in enumerate(subs)]
        return {"name": name, "sub_button": children}
    if "key" in item:
        return {"type": "click", "name": name, "key": _key(path, where, item["key"], categories)}
    url = item.get("url")
    if isinstance(url, str) and url.startswith(("https://", "http://")):
        return {"type": "view", "name": name, "url": url}
    raise MenuError(f"{path}: {where}: needs a key (a button the bot answers), a url, or a sub_button list")


def _key(path: Path, where: str, key: Any, categories: set[str] | None) -> str:
    if not isinstance(key, str) or not key or not key.isascii() or len(key) > KEY_BYTES:
        raise MenuError(f"{path}: {where}: key must be ASCII, 1 to {KEY_BYTES} characters")
    prefix, _, rest = key.partition(":")
    if prefix == "cat" and categories is not None and rest not in categories:
        raise MenuError(f"{path}: {where}: {key!r} names no category in categories.toml")
    return key


async def create_menu(api: WechatApi, menu: dict[str, Any]) -> None:
    """Replace the Official Account's menu (takes effect for users within minutes)."""
    await api.call("menu/create", menu)


async def apply_menu(config: Config, check_only: bool = False) -> int:
    """`python -m bot wechat menu`: check the menu file and create the menu; 0 on success."""
    path = config.content_dir / MENU_FILE
    try:
        menu = load_menu(path, set(load_content(config.content_dir).categories))
    except MenuError as exc:
        print(f"菜单文件有误 / invalid menu: {exc}", file=sys.stderr)
        return 1
    items = sum(len(b.get("sub_button", [b])) for b in menu["button"])
    if check_only:
        print(f"OK: {path} ({len(menu['button'])} top-level items, {items} actions)")
        return 0
    if not config.wechat.app_id or not config.wechat.app_secret:
        print(
            "需要 BOT_WECHAT_APP_ID 和 BOT_WECHAT_APP_SECRET / wechat.app_id and app_secret are required",
            file=sys.stderr,
        )
        return 2
    async with services_for(config) as svc:
        api = WechatApi(config.wechat, svc.wechat)
        try:
            await create_menu(api, menu)
        except WechatApiError as exc:
            print(f"微信拒绝了菜单 / WeChat refused the menu: {exc}", file=sys.stderr)
            return 1
        finally:
            await api.close()
    print(f"已更新公众号菜单（{len(menu['button'])} 个一级菜单，{items} 项）。")
    print("微信客户端有缓存，用户可能要过一会儿才能看到新菜单。")
    return 0
