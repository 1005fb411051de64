"""The posting extractor on realistic notices of many shapes (as employers and WeChat groups write them; the
notices are in notices_jobs.py and notices_odd_jobs.py), on defective ones, and the sender's corrections."""

from __future__ import annotations

from datetime import date

import pytest

from bot.content import ContentPack
from bot.postings.extract import extract, field_named, text_key, with_field
from tests.postings.notices_jobs import JOB_NOTICES
from tests.postings.notices_odd_jobs import ODD_JOB_NOTICES

NOW = date(2025, 3, 10)
CASES = [*JOB_NOTICES, *ODD_JOB_NOTICES]
IDS = [f"job{i}" for i in range(len(JOB_NOTICES))] + [f"odd_job{i}" for i in range(len(ODD_JOB_NOTICES))]


def township_names(content: ContentPack) -> dict[str, tuple[str, ...]]:
    return {t.id: (t.name, *t.aliases) for t in content.townships.values()}


@pytest.mark.parametrize(("notice", "kind", "expected"), CASES, ids=IDS)
def test_extracts_realistic_notices(notice: str, kind: str, expected: dict[str, str], content: ContentPack) -> None:
    got = extract(notice, township_names(content), now=NOW)
    assert got.kind == kind
    for name, want in expected.items():
        if want:
            assert want in got.get(name), f"{name}: expected {want!r} in {got.get(name)!r}"
        else:
            assert got.get(name) == "", f"{name}: expected nothing, got {got.get(name)!r}"
    assert not got.problems
    phone = got.get("contact_phone").replace("-", "")
    for name, value in got.fields.items():  # the number stays in its own field
        assert name == "contact_phone" or not phone or phone not in value.replace(" ", "").replace("-", "")


def test_there_are_at_least_thirty_notices() -> None:
    assert len(CASES) >= 30


def test_malformed_phone_is_a_problem_not_a_field(content: ContentPack) -> None:
    got = extract("招聘电工2名，月薪5000元，电话：1381234567", township_names(content), now=NOW)
    assert "contact_phone" not in got.fields and "contact_phone" in got.missing
    assert got.problems and "位数不对" in got.problems[0] and "1381234567" not in got.problems[0]


def test_no_contact_and_no_salary_are_missing(content: ContentPack) -> None:
    got = extract("急招保洁员若干", township_names(content), now=NOW)
    assert got.get("title") == "保洁员"
    assert set(got.missing) == {"contact_phone", "salary", "location"}


def test_unreadable_validity_is_reported(content: ContentPack) -> None:
    got = extract("招聘电工1名，电话13812345678，有效期：等通知", township_names(content), now=NOW)
    assert "valid_until" not in got.fields and any("有效期" in p for p in got.problems)


def test_same_text_forwarded_twice_has_one_key() -> None:
    a = "招聘电工2名，电话13812345678"
    assert text_key(a) == text_key(" 招聘电工2名 电话：13812345678 \n") != text_key("招聘电工3名，电话13812345678")


def test_sender_corrections() -> None:
    got = extract("招聘电工2名，电话1381234567", now=NOW)
    fixed, problem = with_field(got, "contact_phone", "13812345678")
    assert problem is None and fixed.get("contact_phone") == "13812345678" and not fixed.problems
    _, problem = with_field(got, "contact_phone", "12345")
    assert problem and "位数" in problem
    dated, problem = with_field(got, "valid_until", "4月1日", now=NOW)
    assert problem is None and dated.get("valid_until") == "2025-04-01"
    _, problem = with_field(got, "valid_until", "过几天", now=NOW)
    assert problem is not None
    odd, problem = with_field(got, "kind", "零工")
    assert problem is None and odd.kind == "odd_job"
    assert field_named("工资") == "salary" and field_named("【地点】") == "location" and field_named("类型") == "kind"
    assert field_named("天气") is None
