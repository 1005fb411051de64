"""Turning a job / odd-job notice, as it arrives from an employer or a WeChat group, into posting fields.

Labelled lines ("岗位：…", "【薪资】…", "联系电话：…") win; what is not labelled is found by patterns
(a 招 verb before a job noun, amounts with 元/天, phone numbers, township names). The result lists
what is missing and what is malformed (a phone number with the wrong number of digits) so the chat
flow can ask for it. Nothing here logs the text: it carries phone numbers.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from bot.postings import patterns as pat
from bot.postings.dates import cn_number, parse_date
from bot.privacy import mask

FIELDS = {
    "title": "岗位",
    "employer": "单位",
    "location": "地点",
    "salary": "薪资",
    "headcount": "人数",
    "requirements": "要求",
    "contact_name": "联系人",
    "contact_phone": "电话",
    "valid_until": "有效期",
}
KINDS = {"job": "招聘", "odd_job": "零工"}
MAX_NOTICE = 4000  # characters: a notice longer than a Telegram message is not one notice


@dataclass(frozen=True)
class Extracted:
    """The fields found (empty string: not found), the kind, and what is wrong or missing."""

    kind: str = "job"
    fields: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    townships: tuple[str, ...] = ()  # township ids named in the text

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    @property
    def missing(self) -> list[str]:
        """Fields a posting cannot go out without (salary may be 面议, but must be said)."""
        return [f for f in ("title", "contact_phone", "salary", "location") if not self.get(f)]


def normalise(text: str) -> str:
    """NFKC, and every run of white space made one space or one line break.

    Collapsing the runs keeps every pattern here linear: none can meet a long run of spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    return pat.BREAKS.sub("\n", pat.SPACES.sub(" ", text)).strip()


def text_key(text: str) -> str:
    """A hash of the text without spaces and punctuation: the same notice forwarded twice is one key."""
    letters = "".join(c for c in normalise(text) if c.isalnum())
    return hashlib.sha256(letters.lower().encode("utf-8")).hexdigest()


def normalise_phone(raw: str) -> tuple[str | None, str | None]:
    """(phone, problem): a mainland mobile or a landline with area code, or why it is not one."""
    text = normalise(raw)
    if m := pat.MOBILE.search(text):
        return "".join(m.groups()), None
    if m := pat.LANDLINE.search(text):
        return f"{m.group(1)}-{m.group(2)}", None
    digits = re.sub(r"\D", "", text)
    if digits and (7 <= len(digits) <= 8 and not digits.startswith(("0", "1"))):
        return digits, None  # a local number without area code
    if digits:
        return None, f"电话号码「{_mask_digits(digits)}」位数不对（手机号应为 11 位），请核对"
    return None, None


def _mask_digits(digits: str) -> str:
    return digits[:3] + "*" * max(0, len(digits) - 5) + digits[-2:] if len(digits) > 5 else digits


def _clauses(text: str) -> list[str]:
    return [c.strip(" ，,、") for c in pat.CLAUSE_SPLIT.split(text) if c.strip(" ，,、")]


def _labelled(lines: Iterable[str]) -> dict[str, str]:
    """Fields given as "标签：值" (several labels may share a line)."""
    found: dict[str, str] = {}
    for line in lines:
        matches = [m for m in pat.LABEL.finditer(line) if _label_ok(line, m)]
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[m.end() : end].strip(" ，,、；;。:：")
            name = pat.LABELS[m.group(1).lower()] if m.group(1).lower() in pat.LABELS else pat.LABELS[m.group(1)]
            if value and name not in found:
                found[name] = value
    return found


def _label_ok(line: str, m: re.Match[str]) -> bool:
    """A label counts at the start of a line/clause or when followed by a colon or bracket."""
    after = line[m.start() : m.end()]
    at_start = m.start() == 0 or line[m.start() - 1] in " ，,、；;。【[(（" or after[0] in "【[ \t"
    return at_start and (":" in after or "：" in after or "】" in after or "]" in after)


def extract(text: str, townships: dict[str, tuple[str, ...]] | None = None, now: date | None = None) -> Extracted:
    """Extract posting fields from free text; `townships` maps id -> (name, *aliases)."""
    text = normalise(text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    fields = _labelled(lines)
    clauses = _clauses(text)
    problems: list[str] = []

    if not fields.get("title") and (
        m := pat.TITLE.search(text) or pat.GENERIC_TITLE.search(text) or pat.BARE_TITLE.search(text)
    ):
        fields["title"] = m.group(1)
    if not fields.get("employer"):
        for clause in clauses:
            if m := pat.EMPLOYER.search(pat.TAG.sub("", clause)):
                fields["employer"] = m.group(1)
                break
    if not fields.get("salary"):
        amounts = [m.group(1).strip() for m in pat.MONEY.finditer(text)]
        amounts = amounts or [m.group(1).strip() for m in pat.BARE_AMOUNT.finditer(text)]
        words = pat.SALARY_WORDS.findall(text)
        if amounts or words:
            fields["salary"] = "，".join(dict.fromkeys([*amounts[:2], *words]))
    if not fields.get("headcount"):
        m = pat.HEADCOUNT.search(text)
        if m:
            fields["headcount"] = m.group(2) or f"{cn_number(m.group(1)) or m.group(1)}人"
    if not fields.get("requirements"):
        hints = [c for c in clauses if pat.REQUIREMENT_HINTS.search(c)]
        if hints:
            fields["requirements"] = "，".join(hints[:3])

    phone_source = fields.get("contact_phone") or text
    phone, problem = normalise_phone(phone_source)
    if phone is None and not fields.get("contact_phone"):
        candidates = [m.group(0) for m in pat.DIGIT_RUN.finditer(text) if len(re.sub(r"\D", "", m.group(0))) >= 9]
        if candidates:
            phone, problem = normalise_phone(candidates[0])
    if phone:
        fields["contact_phone"] = phone
    else:
        fields.pop("contact_phone", None)
        if problem:
            problems.append(problem)
    if fields.get("contact_name"):
        fields["contact_name"] = pat.MOBILE.sub("", pat.LANDLINE.sub("", fields["contact_name"])).strip(" ，,:：")
    if not fields.get("contact_name") and (m := pat.NAME.search(text)):
        fields["contact_name"] = pat.NAME_PREFIX.sub("", m.group(1))

    found_townships = _townships_in(text, townships or {})
    if not fields.get("location") and found_townships and townships:
        fields["location"] = townships[found_townships[0]][0]

    valid = fields.get("valid_until", "") or _deadline_clause(text)
    if valid:
        parsed = parse_date(valid, now)
        if parsed is not None:
            fields["valid_until"] = parsed.isoformat()
        elif pat.DEFAULT_DAYS_WORDS.search(valid):
            fields.pop("valid_until", None)
        else:
            fields.pop("valid_until", None)
            if "valid_until" in _labelled(lines):
                problems.append(f"看不懂有效期「{valid[:20]}」，请写成 2025-06-30 或 6月30日")
    # only the contact phone (the employer's, to be published) keeps its digits; other numbers are masked
    fields = {
        k: (v if k == "contact_phone" else mask(_without_phone(v)))[:200] for k, v in fields.items() if k in FIELDS
    }
    fields = {k: v for k, v in fields.items() if v}
    return Extracted(_kind(text), fields, tuple(problems), tuple(found_townships))


def _deadline_clause(text: str) -> str:
    """The clause (between ，,。 and line breaks) holding the first deadline word, found in linear time."""
    m = pat.DEADLINE_WORD.search(text)
    if m is None:
        return ""
    start = max(text.rfind(c, 0, m.start()) for c in pat.CLAUSE_END) + 1
    ends = [i for c in pat.CLAUSE_END if (i := text.find(c, m.end())) >= 0]
    return text[start : min(ends, default=len(text))]


def _without_phone(value: str) -> str:
    """A field's value without a phone number (and its 联系/电话 word) that ran into it."""
    stripped = pat.MOBILE.sub("", pat.LANDLINE.sub("", value))
    if stripped == value:
        return value
    stripped = stripped.rstrip(pat.TRAILING_PUNCT)
    for word in pat.CONTACT_WORDS:
        if stripped.endswith(word):
            stripped = stripped.removesuffix(word).rstrip(pat.TRAILING_PUNCT)
            break
    return stripped.strip()


def _kind(text: str) -> str:
    if "零工" in text or "临时工" in text:
        return "odd_job"
    return "odd_job" if len(pat.ODD.findall(text)) > len(pat.JOB.findall(text)) else "job"


def _townships_in(text: str, townships: dict[str, tuple[str, ...]]) -> list[str]:
    hits: list[tuple[int, str]] = []
    for township_id, names in townships.items():
        positions = [text.find(n) for n in names if n and n in text]
        if positions:
            hits.append((min(positions), township_id))
    return [t for _, t in sorted(hits)]


def with_field(extracted: Extracted, name: str, value: str, now: date | None = None) -> tuple[Extracted, str | None]:
    """The extraction with one field set by the sender; the problem when the value is not acceptable."""
    value = normalise(value)
    fields = dict(extracted.fields)
    if name == "kind":
        kind = "odd_job" if "零" in value or "临时" in value else "job" if "招" in value else None
        if kind is None:
            return extracted, "类型请回复「招聘」或「零工」"
        return replace(extracted, kind=kind), None
    if name not in FIELDS:
        return extracted, f"没有「{name}」这一项"
    if name == "contact_phone":
        phone, problem = normalise_phone(value)
        if phone is None:
            return extracted, problem or "请发来联系电话，比如 13812345678 或 0350-1234567"
        value = phone
    elif name == "valid_until":
        parsed = parse_date(value, now)
        if parsed is None:
            return extracted, "看不懂这个日期，请写成 2025-06-30 或 6月30日"
        value = parsed.isoformat()
    elif not value:
        return extracted, f"「{FIELDS[name]}」不能为空"
    fields[name] = (value if name == "contact_phone" else mask(value))[:200]
    problems = tuple(p for p in extracted.problems if not (name == "contact_phone" and "电话" in p))
    return replace(extracted, fields=fields, problems=problems), None


def field_named(label: str) -> str | None:
    """The field a typed label means: "薪资" / "工资" -> salary, "类型" -> kind."""
    label = normalise(label).strip("【】[]:： ")
    if label in ("类型", "种类", "招聘还是零工"):
        return "kind"
    return pat.LABELS.get(label.lower()) or pat.LABELS.get(label)
