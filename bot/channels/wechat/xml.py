"""Checking a WeChat callback request before anything trusts it: signature, timestamp, body, XML.

WeChat signs plain-mode requests with `signature` = sha1(sorted(token, timestamp, nonce)) and safe-mode
requests additionally with `msg_signature` over the encrypted payload. wechatpy parses XML with
xmltodict (expat); bodies with a DOCTYPE or entity declarations (billion laughs, external entities)
are refused before any parser sees them.
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


def check_xml(body: bytes) -> str:
    """The body as text when it is one well-formed UTF-8 XML document without declarations."""
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
    return text


def decrypt(crypto: WeChatCrypto, outer: str, query: Mapping[str, str]) -> str:
    """Safe mode: check `msg_signature` over the Encrypt element, decrypt, and check the inner XML."""
    given = query.get("msg_signature", "")
    if not given:
        raise Refused(403, "missing msg_signature")
    try:
        plain: Any = crypto.decrypt_message(outer, given, query["timestamp"], query["nonce"])
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
