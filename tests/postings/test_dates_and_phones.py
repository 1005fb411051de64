"""Validity dates and phone numbers as notices write them: parsed to an ISO date (relative to the day the
notice arrived) and to one normal form, or refused."""

from __future__ import annotations

from datetime import date

import pytest

from bot.postings.dates import parse_date
from bot.postings.extract import normalise_phone

NOW = date(2025, 3, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年6月30日", "2025-06-30"),
        ("2025-6-30", "2025-06-30"),
        ("2025/06/30", "2025-06-30"),
        ("2025.6.30", "2025-06-30"),
        ("20250630", "2025-06-30"),
        ("25年6月30日", "2025-06-30"),
        ("6月30日前", "2025-06-30"),
        ("6月30号", "2025-06-30"),
        ("6.30", "2025-06-30"),
        ("六月三十日", "2025-06-30"),
        ("1月5日", "2026-01-05"),  # long past this year: next year
        ("3月1日", "2025-03-01"),  # just past: this year (it has expired)
        ("月底", "2025-03-31"),
        ("下月底", "2025-04-30"),
        ("年底", "2025-12-31"),
        ("7天内", "2025-03-17"),
        ("一周内有效", "2025-03-17"),
        ("两个月内", "2025-05-09"),
        ("明天", "2025-03-11"),
        ("2025年2月30日", None),
        ("等通知", None),
    ],
)
def test_dates_in_many_formats(text: str, expected: str | None) -> None:
    parsed = parse_date(text, NOW)
    assert (parsed.isoformat() if parsed else None) == expected


@pytest.mark.parametrize(
    ("raw", "phone"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("0350-7221234", "0350-7221234"),
        ("（0350）7221234", "0350-7221234"),
        ("7221234", "7221234"),
        ("1381234567", None),
        ("123", None),
    ],
)
def test_phone_numbers_are_validated(raw: str, phone: str | None) -> None:
    assert normalise_phone(raw)[0] == phone
