"""A staff member's posting while it is being checked: extracted fields, corrections, what is still missing.

Kept in posting_drafts (one per staff chat user) between messages; nothing becomes a posting until the
sender confirms, so an abandoned or broken conversation leaves nothing half-saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from bot.postings.extract import FIELDS, Extracted, extract, field_named, text_key, with_field

REQUIRED = ("title", "contact_phone", "salary")
ASK = {
    "title": "岗位或工种是什么？（比如：电焊工、搬运零工）",
    "contact_phone": "联系电话是多少？（手机 11 位，或座机如 0350-1234567）",
    "salary": "工资待遇是多少？（比如：200元/天、4000元/月；没定就回复「面议」）",
    "townships": "发往哪些乡镇？回复乡镇名，几个就用顿号隔开（比如：砚城镇、三岔镇），或回复「全部」",
}


@dataclass(frozen=True)
class Draft:
    kind: str = "job"
    fields: dict[str, str] = field(default_factory=dict)
    townships: tuple[str, ...] = ()
    text_hash: str = ""
    problems: tuple[str, ...] = ()
    editing: int | None = None  # an approver editing a pending posting

    @classmethod
    def from_text(cls, text: str, names: dict[str, tuple[str, ...]], default_townships: tuple[str, ...]) -> Draft:
        got = extract(text, names)
        townships = got.townships or default_townships
        return cls(got.kind, dict(got.fields), tuple(townships), text_key(text), got.problems)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Draft:
        return cls(
            kind=str(data.get("kind", "job")),
            fields={str(k): str(v) for k, v in dict(data.get("fields", {})).items()},
            townships=tuple(data.get("townships", ())),
            text_hash=str(data.get("text_hash", "")),
            problems=tuple(data.get("problems", ())),
            editing=data.get("editing"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": "posting",
            "kind": self.kind,
            "fields": self.fields,
            "townships": list(self.townships),
            "text_hash": self.text_hash,
            "problems": list(self.problems),
            "editing": self.editing,
        }

    def missing(self) -> str | None:
        """The next thing to ask for: a required field, then the townships; None when complete."""
        for name in REQUIRED:
            if not self.fields.get(name):
                return name
        return None if self.townships else "townships"

    def set(self, name: str, value: str, now: date | None = None) -> tuple[Draft, str | None]:
        """This draft with one field corrected, or the reason the value is refused."""
        extracted = Extracted(self.kind, dict(self.fields), self.problems)
        updated, problem = with_field(extracted, name, value, now)
        if problem:
            return self, problem
        return replace(self, kind=updated.kind, fields=dict(updated.fields), problems=updated.problems), None

    def with_default_expiry(self, days: int, now: date) -> Draft:
        if self.fields.get("valid_until"):
            return self
        return replace(self, fields={**self.fields, "valid_until": (now + timedelta(days=days)).isoformat()})


def parse_correction(text: str) -> tuple[str, str] | None:
    """ "薪资：3000元/月" -> ("salary", "3000元/月"); None when the text is not "label：value"."""
    for sep in ("：", ":"):
        label, found, value = text.partition(sep)
        if found and len(label.strip()) <= 6:
            name = field_named(label)
            if name in (*FIELDS, "kind") or label.strip() in ("乡镇", "发往"):
                return (name or "townships"), value.strip()
    return None
