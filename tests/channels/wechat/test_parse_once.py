"""The callback parses each XML document once: the checks' tree, read as wechatpy's own parse reads it.

`fields` must give exactly the dict xmltodict (wechatpy's parser) gives, and `parse` the same message
class with the same data as `wechatpy.parse_message`, for WeChat's messages and events and for odd
documents (attributes, repeated and nested elements, mixed text, whitespace, empty elements).
"""

from __future__ import annotations

from collections.abc import Callable

import xmltodict
from hypothesis import given
from wechatpy import parse_message

from bot.channels.wechat import inbound
from bot.channels.wechat.xml import Refused, check_xml, fields
from tests.fakes.wechat import message_xml
from tests.security.test_fuzz import FUZZ, WECHAT_FIELDS, _xml

ODD = [
    "<xml/>",
    "<xml>  </xml>",
    "<xml>text only</xml>",
    '<xml a="1"/>',
    '<xml a="1">  t  </xml>',
    "<xml><A>1</A><A>2</A><A><B>3</B></A></xml>",
    "<xml> x <A/> y <B> </B> z </xml>",
    '<xml><A k="v">in</A><A k="w"/><C><![CDATA[ c ]]></C><!-- note --></xml>',
    "<xml><ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>1</ScanResult></ScanCodeInfo></xml>",
    "<xml><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item>"
    "<item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo></xml>",
]
MESSAGES = [
    message_xml("u", "text", msg_id=1, Content="交通补贴咋领"),
    message_xml("u", "voice", msg_id=2, Recognition=" 公益岗 "),
    message_xml("u", "image", msg_id=3, PicUrl="http://x"),
    message_xml("u", "event", Event="subscribe", EventKey="qrscene_42"),
    message_xml("u", "event", Event="subscribe", EventKey="scanbarcode|x"),
    message_xml("u", "event", Event="subscribe"),
    message_xml("u", "event", Event="SCAN", EventKey="42", Ticket="t"),
    message_xml("u", "event", Event="CLICK", EventKey="menu:faq"),
    message_xml("u", "event", Event="unsubscribe"),
    message_xml("u", "event", Event="TEMPLATESENDJOBFINISH", MsgID="7", Status="success"),
    message_xml("u", "event", Event="VIEW", EventKey="http://x"),
    message_xml("u", "device_text", Event="bind"),
    message_xml("u", "device_event"),
]


def test_fields_are_what_xmltodict_gives() -> None:
    for text in ODD + MESSAGES:
        assert fields(check_xml(text.encode())) == xmltodict.parse(text)["xml"], text


def test_messages_are_read_as_wechatpy_reads_them() -> None:
    for text in MESSAGES:
        ours, theirs = inbound._message(fields(check_xml(text.encode()))), parse_message(text)
        assert type(ours) is type(theirs), text
        assert ours._data == theirs._data, text


@FUZZ
@given(WECHAT_FIELDS.map(_xml))
def test_fuzzed_documents_parse_alike(text: str) -> None:
    try:
        root = check_xml(text.encode())
    except Refused:
        return
    assert fields(root) == xmltodict.parse(text)["xml"]
    ours, theirs = _read(lambda: inbound._message(fields(root))), _read(lambda: parse_message(text))
    assert ours == theirs


def _read(make: Callable[[], object]) -> tuple[str, object]:
    """The message's class and data, or the kind of error reading it raised."""
    try:
        message = make()
    except Exception as exc:
        return type(exc).__name__, None
    return type(message).__name__, getattr(message, "_data", None)
