"""A typed choice: "2", "第二个", "第2个", "二" pick the second of the choices last offered.

Core (no feature imports): the dispatcher maps the number back to the offered button.
"""

from __future__ import annotations

import re

_ORDINAL = re.compile(r"^(?:第|选)?([1-9]|[一二三四五六七八九])(?:个|条|项|号)?$")
_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def choice_number(text: str) -> int | None:
    """The choice a message names by number (1-based), or None when the text is not one."""
    text = text.strip()
    if text.isdecimal() and len(text) <= 2:
        return int(text)
    found = _ORDINAL.match(text)
    if found is None:
        return None
    token = found.group(1)
    return _DIGITS.get(token) or int(token)
