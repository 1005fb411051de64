"""Translating a parsed WeChat message or event (wechatpy) into what the callback does with it.

The message is read from the tree the checks parsed (bot.channels.wechat.xml), in the dict form wechatpy's
`parse_message` builds: its choice of message or event class is repeated here (`_message`) instead of
parsing the XML a second time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from typing import Any, Literal

from wechatpy.events import (
    EVENT_TYPES,
    ClickEvent,
    ScanEvent,
    SubscribeEvent,
    SubscribeScanEvent,
    TemplateSendJobFinishEvent,
    UnsubscribeEvent,
)
from wechatpy.messages import MESSAGE_TYPES, BaseMessage, TextMessage, UnknownMessage, VoiceMessage

from bot.channels.wechat.xml import Refused, fields
from bot.messages import Inbound

CHANNEL = "wechat"
UNSUPPORTED = "小助手现在只看得懂文字和语音。请直接打字或按住说话问我，比如：交通补贴咋领？"

Action = Literal["dispatch", "unsubscribe", "template_finished", "fixed", "ignore"]


@dataclass(frozen=True, slots=True)
class Incoming:
    """One delivered message or event and what to do with it."""

    key: str  # deduplication key: WeChat retries carry the same one
    user_id: str  # the sender's OpenID
    account: str  # our Official Account's id (ToUserName), the passive reply's sender
    action: Action
    inbound: Inbound | None = None  # for "dispatch" (and "unsubscribe", so handlers can react)
    fixed_reply: str | None = None  # for "fixed": a short reply without the dispatcher
    msg_id: str | None = None  # TEMPLATESENDJOBFINISH: the template message's id
    status: str | None = None  # TEMPLATESENDJOBFINISH: its delivery status
    opens_window: bool = False  # the user acted: WeChat's 48-hour customer-service window restarts


def parse(root: ET.Element) -> Incoming:
    """Read checked XML (the root from xml.check_xml) as wechatpy does and decide what to do."""
    try:
        message: Any = _message(fields(root))
        user, account, created = _text(message.source), _text(message.target), message.time
        _ = message.id  # CreateTime, MsgId and a template's MsgID must be numbers (wechatpy converts on access)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        raise Refused(400, "not a WeChat message, or CreateTime / MsgId is not a number") from None
    if not user or not account or created is None:
        raise Refused(400, "message without FromUserName, ToUserName or CreateTime")
    return _translate(message, user, account)


def _message(message: Any) -> BaseMessage:
    """wechatpy's `parse_message` (1.8) after its xmltodict parse: the message or event class for the dict."""
    message_type = message["MsgType"].lower()
    event_type = None
    if message_type == "event" or message_type.startswith("device_"):
        if "Event" in message:
            event_type = message["Event"].lower()
        if event_type is None and message_type.startswith("device_"):
            event_type = message_type
        elif message_type.startswith("device_"):
            event_type = f"device_{event_type}"
        if event_type == "subscribe" and message.get("EventKey"):
            event_key = message["EventKey"]
            if event_key.startswith(("scanbarcode|", "scanimage|")):
                event_type = message["Event"] = "subscribe_scan_product"
            elif event_key.startswith("qrscene_"):
                event_type = message["Event"] = "subscribe_scan"
                message["EventKey"] = event_key[len("qrscene_") :]
        message_class = EVENT_TYPES.get(event_type, UnknownMessage)
    else:
        message_class = MESSAGE_TYPES.get(message_type, UnknownMessage)
    return message_class(message)


def _translate(message: BaseMessage, user: str, account: str) -> Incoming:
    key = f"msg:{message.id}" if getattr(message, "type", "") != "event" and message.id else _event_key(message, user)
    base = Inbound(channel=CHANNEL, user_id=user, chat_id=user, message_id=key)
    if isinstance(message, TextMessage):
        inbound = replace(base, text=_text(message.content))
        return Incoming(key, user, account, "dispatch", inbound, opens_window=True)
    if isinstance(message, VoiceMessage):
        inbound = replace(base, text=_text(message.recognition).strip(), voice=True)
        return Incoming(key, user, account, "dispatch", inbound, opens_window=True)
    if isinstance(message, SubscribeScanEvent | ScanEvent):
        inbound = replace(base, event="subscribe", payload=_text(message.scene_id) or None)
        return Incoming(key, user, account, "dispatch", inbound, opens_window=True)
    if isinstance(message, SubscribeEvent):
        key_text = _text(message.key)
        payload = key_text.removeprefix("qrscene_") if key_text.startswith("qrscene_") else None
        inbound = replace(base, event="subscribe", payload=payload)
        return Incoming(key, user, account, "dispatch", inbound, opens_window=True)
    if isinstance(message, UnsubscribeEvent):
        return Incoming(key, user, account, "unsubscribe", replace(base, event="unsubscribe"))
    if isinstance(message, ClickEvent):
        inbound = replace(base, button=_text(message.key) or "menu:empty")
        return Incoming(key, user, account, "dispatch", inbound, opens_window=True)
    if isinstance(message, TemplateSendJobFinishEvent):
        return Incoming(key, user, account, "template_finished", msg_id=str(message.id), status=_text(message.status))
    if getattr(message, "type", "") == "event":
        return Incoming(key, user, account, "ignore")  # VIEW, LOCATION reports, MASSSENDJOBFINISH, ...
    return Incoming(key, user, account, "fixed", fixed_reply=UNSUPPORTED, opens_window=True)


def _event_key(message: BaseMessage, user: str) -> str:
    """Events carry no MsgId (wechatpy gives 0): FromUserName + CreateTime + event (+ key) identify them."""
    raw: dict[str, Any] = getattr(message, "_data", {})
    event = str(raw.get("Event", "") or "").lower()
    event_key = str(raw.get("EventKey", "") or "")
    return f"event:{user}:{message.time}:{event}:{event_key}"


def _text(value: object) -> str:
    return "" if value is None else str(value)
