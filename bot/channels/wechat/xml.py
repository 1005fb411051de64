"""Checking a WeChat callback request before anything trusts it: signature, timestamp, body, XML.

WeChat signs plain-mode requests with `signature` = sha1(sorted(token, timestamp, nonce)) and safe-mode
requests additionally with `msg_signature` over the encrypted payload. Bodies with a DOCTYPE or entity
declarations (billion laughs, external entities) are refused before any parser sees them. Each document
is parsed once (ElementTree, expat in C): the check's tree is what wechatpy reads, as the dict its own
xmltodict parse would give (`fields`), so a callback never parses the same XML twice.
"""

from __future__ import annotations

import hmac
import re
import struct
import time
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import WeChatSigner

# Anything starting with "<!" other than CDATA sections and comments: DOCTYPE, ENTITY, ELEMENT, ...
_DECLARATION = re.compile(rb"<!(?!\[CDATA\[|--)")


class Refused(Exception):
    """The request is refused with this HTTP status; the reason is for the log (never secrets)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def signature(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def check_query(query: Mapping[str, str], token: str, replay_window: float, now: float | None = None) -> None:
    """The plain signature (every request carries it) and the timestamp's freshness."""
    timestamp, nonce, given = query.get("timestamp", ""), query.get("nonce", ""), query.get("signature", "")
    if not (timestamp and nonce and given):
        raise Refused(403, "missing signature parameters")
    if not hmac.compare_digest(signature(token, timestamp, nonce), given):
        raise Refused(403, "bad signature")
    if not (timestamp.isascii() and timestamp.isdecimal()):
        raise Refused(403, "bad timestamp")
    if abs((time.time() if now is None else now) - int(timestamp)) > replay_window:
        raise Refused(403, "stale timestamp")


def check_xml(body: bytes) -> ET.Element:
    """The body's root <xml> element when it is one well-formed UTF-8 XML document without declarations."""
    if _DECLARATION.search(body):
        raise Refused(400, "XML declarations (DOCTYPE/ENTITY) are not accepted")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "body is not UTF-8") from None
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        raise Refused(400, "body is not well-formed XML") from None
    if root.tag != "xml":
        raise Refused(400, "root element is not <xml>")
    return root


def fields(element: ET.Element) -> Any:
    """An element's value as xmltodict (wechatpy's parser, default options) gives it: None when empty, the
    stripped text when it has neither children nor attributes, else a dict of "@attribute"s and children by
    tag (a repeated tag: a list) with any text as "#text"."""
    value: dict[str, Any] = {f"@{name}": text for name, text in element.attrib.items()}
    texts = [element.text] if element.text else []
    for child in element:
        item = fields(child)
        if child.tag not in value:
            value[child.tag] = item
        elif isinstance(value[child.tag], list):
            value[child.tag].append(item)
        else:
            value[child.tag] = [value[child.tag], item]
        if child.tail:
            texts.append(child.tail)
    text = "".join(texts).strip() or None
    if not value:
        return text
    if text:
        value["#text"] = text
    return value


def decrypt(crypto: WeChatCrypto, outer: ET.Element, query: Mapping[str, str]) -> ET.Element:
    """Safe mode: check `msg_signature` over the Encrypt element, decrypt, and check the inner XML."""
    given = query.get("msg_signature", "")
    if not given:
        raise Refused(403, "missing msg_signature")
    message = fields(outer)
    if not isinstance(message, dict):  # an empty <xml/> or text only: wechatpy would fail on it (TypeError)
        raise Refused(400, "no Encrypt element")
    try:  # wechatpy takes the parsed dict as it is (no second parse)
        plain: Any = crypto.decrypt_message(message, given, query["timestamp"], query["nonce"])
    except InvalidSignatureException:
        raise Refused(403, "bad msg_signature") from None
    except InvalidAppIdException:
        raise Refused(403, "message is for another AppID") from None
    except (KeyError, TypeError):
        raise Refused(400, "no Encrypt element") from None
    except (ValueError, UnicodeDecodeError, IndexError, struct.error):  # e.g. an Encrypt shorter than one block
        raise Refused(400, "cannot decrypt") from None
    return check_xml(str(plain).encode("utf-8"))


def encrypt(crypto: WeChatCrypto, reply_xml: str, nonce: str, timestamp: str) -> str:
    return str(crypto.encrypt_message(reply_xml, nonce, timestamp))
