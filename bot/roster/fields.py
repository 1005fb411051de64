"""Roster columns and values: flexible Chinese header matching, ID checksum (GB 11643), phones, dates.

Everything here is pure: one cell value in, a normalised value or a Chinese error message out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from datetime import date, datetime, timedelta

# field -> header spellings seen in the bureau's ledgers (normalised: NFKC, no spaces or brackets)
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "劳动力姓名", "人员姓名", "名字"),
    "id_number": ("身份证号", "身份证号码", "身份证", "证件号码", "公民身份号码", "身份证件号码"),
    "phone": ("联系电话", "手机号", "手机号码", "电话", "电话号码", "联系方式", "本人电话"),
    "township": ("乡镇", "乡镇名称", "所属乡镇", "乡(镇)", "乡镇(社区)", "乡镇/小区", "安置小区"),
    "county": ("县", "县区", "区县", "所属县", "县(区)", "县(市、区)", "县(市区)"),
    "village": ("村", "行政村", "村名", "所属村", "村(社区)", "村社区", "村委"),
    "household": ("户主", "户主姓名"),
    "categories": ("人员类别", "类别", "人员类型", "户类型", "帮扶类别"),
    "work_status": ("务工状态", "就业状态", "是否务工", "务工情况", "就业情况"),
    "work_place": ("务工地点", "务工地址", "务工地", "就业地点", "工作地点"),
    "employer": ("务工单位", "务工企业", "企业", "就业单位", "工作单位", "用工单位", "企业名称", "单位名称"),
    "wage": ("月工资", "工资", "月收入", "工资额", "月工资(元)", "工资收入"),
    "work_since": ("务工时间", "外出时间", "就业时间", "务工开始时间", "开始务工时间", "上岗时间"),
    "wants_work": ("就业意愿", "是否有就业意愿", "有无就业意愿", "有就业意愿", "就业意向"),
}
REQUIRED = ("name", "id_number", "township")
LABELS = {f: aliases[0] for f, aliases in HEADERS.items()}

CATEGORIES: dict[str, str] = {
    "脱贫户": "脱贫户",
    "脱贫人口": "脱贫户",
    "脱贫劳动力": "脱贫户",
    "监测户": "监测户",
    "监测对象": "监测户",
    "易地搬迁": "易地搬迁",
    "易地搬迁户": "易地搬迁",
    "搬迁户": "易地搬迁",
    "院校毕业生": "院校毕业生",
    "高校毕业生": "院校毕业生",
    "毕业生": "院校毕业生",
    "雨露计划": "雨露计划",
    "雨露计划毕业生": "雨露计划",
    "公岗": "公岗",
    "公益岗": "公岗",
    "乡村公岗": "公岗",
    "公益性岗位": "公岗",
    "乡村公益性岗位": "公岗",
}

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}\d{7,8}$")
_EXCEL_EPOCH = date(1899, 12, 30)


class FieldError(ValueError):
    """A cell value that cannot be used; the message is Chinese and names no personal number."""


def norm_header(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"[\s*※]|（|）", "", text).replace("(必填)", "").replace("必填", "")


def match_header(value: object) -> str | None:
    """The field a header cell names, or None. Exact spellings first, then the longest one contained."""
    text = norm_header(value)
    if not text:
        return None
    if "后四位" in text or "后4位" in text:
        return None  # an export's masked ID column, not an ID number
    if "户主" in text and ("身份证" in text or "电话" in text or "关系" in text):
        return None  # the household head's ID / phone, or 与户主关系: not this person's
    for field, aliases in HEADERS.items():
        if text in aliases:
            return field
    best: tuple[int, str] | None = None
    for field, aliases in HEADERS.items():
        for alias in aliases:
            if len(alias) >= 2 and alias in text and (best is None or len(alias) > best[0]):
                best = (len(alias), field)
    return best[1] if best else None


def fold(value: object) -> str:
    """Cell value as text: full-width folded, spaces removed, whole floats without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = str(value)
    if not out.isascii():  # NFKC changes nothing in ASCII; imports call this for every cell
        out = unicodedata.normalize("NFKC", out)
    return "".join(out.split())


def id_number(value: object) -> str:
    """A valid 18-character resident ID number (upper-case X), or FieldError."""
    if isinstance(value, float):
        raise FieldError("身份证号被存成了数字，后几位已丢失；请把这一列设成“文本”后重新填写")
    text = fold(value).upper().replace("-", "")
    if not text:
        raise FieldError("身份证号是空的")
    if len(text) != 18 or not text.isascii() or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise FieldError(f"身份证号应为18位（现在是{len(text)}位）")
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise FieldError("身份证号里的出生日期不对") from None
    if not date(1900, 1, 1) <= born <= date.today():
        raise FieldError("身份证号里的出生日期不对")
    total = sum(int(d) * w for d, w in zip(text[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != text[17]:
        raise FieldError("身份证号校验位不对，请核对（可能抄错了一位）")
    return text


def phone(value: object) -> str:
    """A mobile (11 digits) or landline number, digits only; '' when empty; FieldError when malformed."""
    text = fold(value).replace("-", "").replace("+86", "")
    if not text:
        return ""
    if _MOBILE.match(text) or _LANDLINE.match(text):
        return text
    raise FieldError("电话号码格式不对（手机号应为1开头的11位数字）")


def day(value: object) -> str:
    """A date as ISO text from a datetime, an Excel serial number, or text like 2023.5 / 2023-05-01."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # Excel serial day (1954–2119)
            return (_EXCEL_EPOCH + timedelta(days=int(value))).isoformat()
        if 190001 <= value <= 210012 and float(value).is_integer():  # 202305
            value = str(int(value))
    text = fold(value)
    found = re.match(r"^(\d{4})(?:[年./-]?(\d{1,2}))?(?:[月./-]?(\d{1,2}))?日?$", text)
    if found:
        try:
            return date(int(found[1]), int(found[2] or 1), int(found[3] or 1)).isoformat()
        except ValueError:
            pass
    raise FieldError(f"日期看不懂：{text[:20]}")


def wage(value: object) -> str:
    text = fold(value)
    if not text:
        return ""
    number = re.fullmatch(r"(\d+(?:\.\d+)?)(?:元(?:/月|每月)?)?", text)
    if number is None:
        raise FieldError(f"工资请填数字（元/月）：{text[:20]}")
    amount = float(number[1])
    return str(int(amount)) if amount.is_integer() else f"{amount:.2f}"


# 务工状态 / 就业意愿 words of people who do not want work (no wish, unable, in school, retired)
_NO_WISH = (
    "无就业意愿",
    "无意愿",
    "没有就业意愿",
    "不愿就业",
    "丧失劳动能力",
    "无劳动能力",
    "在校",
    "学生",
    "退休",
    "病残",
)
_NO = {"无", "否", "没有", "不", "不愿意", "n", "no", "0", "×"}
_YES = {"有", "是", "有意愿", "愿意", "y", "yes", "1", "√"}


def wants_work(value: object, status: str = "") -> int:
    """有就业意愿 (1) or not (0): the ledger's 就业意愿 column, else its 务工状态 text; unknown counts as wanting.

    The notice's 1131 services are for laborers who want work, so completion rates count only them; a ledger
    that does not say is taken to mean the person wants work (rates are then never overstated).
    """
    answer = fold(value).lower() if value is not None else ""
    if not answer:
        return 0 if status and any(word in status for word in _NO_WISH) else 1
    if answer in _NO or any(word in answer for word in _NO_WISH):
        return 0
    if answer in _YES or answer.startswith("有"):
        return 1
    raise FieldError(f"就业意愿请填 有 或 无：{answer[:12]}")


def categories(value: object, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    found: list[str] = []
    for part in re.split(r"[,，、/;；+]", fold(value)):
        if not part:
            continue
        canonical = CATEGORIES.get(part)
        if canonical is None:
            raise FieldError(
                f"人员类别不认识：{part[:12]}（可填：脱贫户、监测户、易地搬迁、院校毕业生、雨露计划、公岗）"
            )
        found.append(canonical)
    for name in extra:
        found.append(CATEGORIES[name])
    return tuple(dict.fromkeys(found))


def text(value: object, limit: int = 60) -> str:
    """Cell value as one line of text: NFKC-folded, runs of whitespace as one space, at most `limit` long."""
    if value is None:
        return ""
    out = str(value)
    if not out.isascii():
        out = unicodedata.normalize("NFKC", out)
    return " ".join(out.split())[:limit]


class IdHasher:
    """Keyed hash of ID numbers (HMAC-SHA256): equal IDs match, the number itself is never stored."""

    def __init__(self, key: str) -> None:
        if not key:
            raise ValueError("no key")
        self._key = key.encode("utf-8")

    def digest(self, id_number: str) -> str:
        return hmac.new(self._key, id_number.encode("ascii"), hashlib.sha256).hexdigest()

    @staticmethod
    def person_id(digest: str) -> str:
        return "p" + digest[:15]
