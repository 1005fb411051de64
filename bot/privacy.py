"""Masking of personal numbers (mobile phones, ID numbers) in text bound for chat, storage or logs."""

from __future__ import annotations

import logging
import re

# 18-digit resident ID (last may be X), 15-digit old ID, mainland mobile numbers; not inside longer digit runs.
_ID = re.compile(
    r"(?<![0-9])([1-9][0-9]{5})[0-9]{8}([0-9]{3}[0-9xX])(?![0-9])|(?<![0-9])[1-9][0-9]{11}([0-9]{3})(?![0-9])"
)
_PHONE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


def mask(text: str) -> str:
    """Replace ID numbers by their last 4 characters and phone numbers by 3 + **** + 4 digits."""
    text = _ID.sub(lambda m: "*" * 14 + (m.group(2) or m.group(3))[-4:], text)
    return _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


class MaskingFilter(logging.Filter):
    """A logging filter that masks personal numbers in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
