"""Masking of personal numbers (mobile phones, ID and card numbers) in text bound for chat, storage or logs.

People write numbers every way: `+86 138 1234 5678`, `138-1234-5678`, `138.1234.5678`, full-width
`１３８１２３４５６７８`, `幺三八…` in Chinese numerals, an ID number ending in x, a number broken over two
lines. `mask` finds each run of digits (any script, Chinese numerals too) joined by at most two separator
characters, in one linear pass, and judges the run by its digits alone: 11 or more digits are personal
(mobile numbers keep 3 + 4, everything else only its last 4), except landlines (0 + area code, ≤ 12
digits), which are office numbers. Shorter runs (amounts, dates, "1131") are left as they are.
"""

from __future__ import annotations

import logging
import re
import unicodedata

_NUMERALS = "零〇一二三四五六七八九幺"
_SEPARATORS = r"\s\-‐‑–—－.．·・()（）/_"
_DIGIT = rf"[\d{_NUMERALS}]"  # \d: any script's decimal digits, full-width ones too
_RUN = re.compile(rf"(?:[+＋][ \t]?)?(?:{_DIGIT}[{_SEPARATORS}]{{0,2}})*{_DIGIT}(?:[{_SEPARATORS}]{{0,2}}[xXｘＸ])?")
_NUMERAL_VALUE = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "幺": "1"}
_SEPARATOR_CHARS = " \t\n\r\v\f\u3000-‐‑–—－.．·・()（）/_+＋"
# one C-speed pass: numerals and full-width digits to ASCII, x to X, separators dropped
_TO_ASCII = str.maketrans(
    {**_NUMERAL_VALUE, **{chr(0xFF10 + i): str(i) for i in range(10)}, "x": "X", "ｘ": "X", "Ｘ": "X"}
    | dict.fromkeys(_SEPARATOR_CHARS)
)
LONGEST_KEPT = 10  # digits: a run of more is personal unless it is a landline


def _digits(run: str) -> str:
    digits = run.translate(_TO_ASCII)
    if digits.isascii():
        return digits
    return "".join(str(unicodedata.digit(c, 0)) if c.isdigit() else c for c in digits if c.isdigit() or c == "X")


def _masked(match: re.Match[str]) -> str:
    run = match.group(0)
    digits = _digits(run)
    if run.lstrip().startswith(("+", "＋")) and digits.startswith("86"):
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif len(digits) == 13 and digits.startswith("861"):
        digits = digits[2:]
    if len(digits) <= LONGEST_KEPT:
        return run
    if digits.startswith("0") and len(digits) <= 12 and "X" not in digits:
        return run  # a landline with its area code: an office, not a person
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * (len(digits) - 4) + digits[-4:]


def mask(text: str) -> str:
    """Phone numbers as 3 + **** + 4 digits, ID and other long numbers as stars and their last 4 characters."""
    return _RUN.sub(_masked, text)


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


class MaskingFilter(logging.Filter):
    """A logging filter that masks personal numbers in every record's final message and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
