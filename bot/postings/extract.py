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

# label words -> field; longest first so "工作地点" wins over "地点"
_LABELS: dict[str, str] = {
    **dict.fromkeys(["招聘岗位", "岗位名称", "岗位", "工种", "职位", "招聘职位", "用工岗位", "活儿", "活计"], "title"),
    **dict.fromkeys(
        ["招聘单位", "用人单位", "用工单位", "单位名称", "单位", "公司名称", "公司", "企业", "雇主"], "employer"
    ),
    **dict.fromkeys(["工作地点", "上班地点", "工作地址", "干活地点", "集合地点", "地点", "地址", "位置"], "location"),
    **dict.fromkeys(
        ["薪资待遇", "工资待遇", "薪资", "薪酬", "工资", "待遇", "月薪", "日薪", "报酬", "工价", "工钱"], "salary"
    ),
    **dict.fromkeys(["招聘人数", "用工人数", "需要人数", "人数", "名额"], "headcount"),
    **dict.fromkeys(["任职要求", "岗位要求", "招聘要求", "招聘条件", "用工要求", "要求", "条件"], "requirements"),
    **dict.fromkeys(["联系人", "负责人", "联 系 人"], "contact_name"),
    **dict.fromkeys(
        ["联系电话", "联系方式", "咨询电话", "报名电话", "电话", "手机", "手机号", "微信电话", "tel"], "contact_phone"
    ),
    **dict.fromkeys(
        ["有效期至", "有效期", "截止日期", "截止时间", "报名截止", "截止", "截至", "有效时间"], "valid_until"
    ),
}
_LABEL = re.compile(
    r"[【\[]?\s*(" + "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True)) + r")\s*[】\]]?\s*[:：]?\s*",
    re.IGNORECASE,
)
_CLAUSE_SPLIT = re.compile(r"[\n；;。！!]+|(?<=[，,])")

_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)[(（]?(0\d{2,3})[)）]?[\s-]?(\d{7,8})(?!\d)")
_DIGIT_RUN = re.compile(r"(?<!\d)\d[\d\s-]{5,16}\d(?!\d)")

_CN = "一二两三四五六七八九十"  # Chinese numerals: runs of them, like digit runs, are matched from their start only
_JOB_NOUN = (
    r"(?:电焊工|焊工|电工|瓦工|木工|钢筋工|油漆工|水暖工|架子工|抹灰工|泥瓦工|砌筑工|搬运工|装卸工|采摘工|普工|技工|"
    r"小工|大工|杂工|帮工|力工|临时工|零工|短工|学徒|司机|驾驶员|厨师|帮厨|面点师|服务员|收银员|营业员|店员|导购|"
    r"保洁员?|保安员?|保姆|月嫂|育婴师|护工|护理员|养老护理员|快递员|分拣员|骑手|配送员|文员|会计|出纳|销售员?|"
    r"业务员|客服|操作工|质检员|仓管员?|库管|机修工|修理工|挖机司机|铲车司机|装修工|门卫|饲养员|放羊工|羊倌|"
    r"种植工|插秧工|锄地工|拾土豆工|挖土豆工|剪枝工|绿化工|环卫工|护林员|工人)"
)
_TITLE = re.compile(
    r"(?:急招|诚招|招聘|招收|招募|聘请|聘用|急需|需要|需|招|找|雇)\s*"
    r"(?:(?:\d+|[一二两三四五六七八九十]+)\s*(?:名|个|位|人)\s*)?"
    r"([\u4e00-\u9fff]{0,6}?" + _JOB_NOUN + r")"
)
_BARE_TITLE = re.compile(r"([\u4e00-\u9fff]{0,4}?" + _JOB_NOUN + r")")
_GENERIC_TITLE = re.compile(  # after a 招 verb, any word ending like a job: 保育员, 技术员, 水手, 服务生
    r"(?:急招|诚招|招聘|招收|招募|聘请|急需)\s*(?:(?:\d+|[一二两三四五六七八九十]+)\s*(?:名|个|位)\s*)?"
    r"([\u4e00-\u9fff]{1,4}(?:工|员|师|手|生|匠))"
)
_HEADCOUNT = re.compile(
    rf"(?<![每一{_CN}\d])(\d+|[{_CN}]+)\s*(?:名|位|个人|人)(?![民员工民币])|(若干|人数不限|不限人数)"
)
_MONEY = re.compile(
    r"((?:月薪|日薪|时薪|日结|工资|每天|一天|每月|一个月|保底)?\s*(?<!\d)\d+(?:\.\d+)?\s*(?:[kK]|千|万)?\s*"
    r"(?:(?:-|~|～|—|至|到)\s*\d+(?:\.\d+)?\s*(?:[kK]|千|万)?\s*)?(?:元|块|千)\s*(?:钱)?\s*"
    r"(?:(?:/|每|一)\s*(?:天|日|月|小时|时|斤|亩|方|平米|件|车))?(?:\s*(?:起|以上|左右))?)"
)
_BARE_AMOUNT = re.compile(  # "350一天", "月薪7000", "工资2800": an amount without 元
    r"((?:[大小]工)?\d{2,5}\s*(?:一天|每天|/天|一个月|/月)|(?:月薪|日薪|工资|底薪|一天|每天)\s*\d{3,5}(?![\d年月日号.])|"
    r"(?:月薪|日薪|工资|年薪|收入)\s*[一二两三四五六七八九十]+\s*[万千]\s*(?:[一二三四五六七八九])?\s*(?:元|块)?"
    r"(?:以上|左右|起|多)?)"
)
_SALARY_WORDS = re.compile(r"面议|薪资面议|工资面议|待遇面议|按件计酬|计件|多劳多得|日结|月结|包吃住|管吃住|包住")
_EMPLOYER = re.compile(
    r"^([\u4e00-\u9fffA-Za-z0-9（）()]{2,24}?(?:有限责任公司|有限公司|公司|合作社|专业合作社|厂|酒店|饭店|宾馆|"
    r"超市|医院|卫生院|幼儿园|学校|养殖场|养殖基地|种植基地|基地|项目部|农场|集团|车间|物业|家政|驾校|工地))"
)
_REQUIREMENT_HINTS = re.compile(
    r"(?<!\d)\d+\s*(?:-|~|—|至|到)\s*\d+\s*岁|(?<!\d)\d+\s*岁以[下上内]|男女不限|限男|限女|男性|女性|身体健康|能吃苦|吃苦耐劳|有经验|"
    r"经验优先|持证|证书|有证|健康证|[护会]\w{0,2}证|驾照|驾驶证|熟练|会开|初中|高中|中专|大专|本科|学历|无犯罪"
)
_ODD = re.compile(
    rf"零工|临时工|短工|日结|按天|小时工|钟点工|帮工|散工|(?<![0-9{_CN}])[0-9{_CN}]+天(?:活|工期)|干几天|"
    r"(?:元|块)\s*[/每一]\s*(?:天|日|小时)|(?<!\d)\d+\s*(?:元|块)?\s*一天|一天\s*\d+|每天\s*\d+|每[车趟亩]|今天|明天|后天"
)
_JOB = re.compile(r"招聘|长期|全职|五险|社保|劳动合同|正式|元\s*[/每]\s*月|月薪|底薪|年薪|转正")
_NAME = re.compile(  # a contact word before the name is skipped: 联系人王经理 -> 王经理
    r"(?:联系人|联系|请找|找|咨询|致电|电话)?\s*[:：]?\s*"
    r"([\u4e00-\u9fff]{1,3}(?:先生|女士|经理|总|老板|师傅|主任|会计|队长|站长|书记|大姐|大哥))"
)
_NAME_PREFIX = re.compile(r"^(?:联系人|联系|请找|找|咨询|致电|电话)")
_TAG = re.compile(r"^(?:[【\[][^】\]]{0,12}[】\]]\s*)+")
_DEFAULT_DAYS_WORDS = re.compile(r"长期有效|长期招聘|招满为止|常年")


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


_SPACES = re.compile(r"[^\S\n]+")
_BREAKS = re.compile(r" ?\n\s*")


def normalise(text: str) -> str:
    """NFKC, and every run of white space made one space or one line break.

    Collapsing the runs keeps every pattern here linear: none can meet a long run of spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    return _BREAKS.sub("\n", _SPACES.sub(" ", text)).strip()


def text_key(text: str) -> str:
    """A hash of the text without spaces and punctuation: the same notice forwarded twice is one key."""
    letters = "".join(c for c in normalise(text) if c.isalnum())
    return hashlib.sha256(letters.lower().encode("utf-8")).hexdigest()


def normalise_phone(raw: str) -> tuple[str | None, str | None]:
    """(phone, problem): a mainland mobile or a landline with area code, or why it is not one."""
    text = normalise(raw)
    if m := _MOBILE.search(text):
        return "".join(m.groups()), None
    if m := _LANDLINE.search(text):
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
    return [c.strip(" ，,、") for c in _CLAUSE_SPLIT.split(text) if c.strip(" ，,、")]


def _labelled(lines: Iterable[str]) -> dict[str, str]:
    """Fields given as "标签：值" (several labels may share a line)."""
    found: dict[str, str] = {}
    for line in lines:
        matches = [m for m in _LABEL.finditer(line) if _label_ok(line, m)]
        for i, m in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[m.end() : end].strip(" ，,、；;。:：")
            name = _LABELS[m.group(1).lower()] if m.group(1).lower() in _LABELS else _LABELS[m.group(1)]
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
        m := _TITLE.search(text) or _GENERIC_TITLE.search(text) or _BARE_TITLE.search(text)
    ):
        fields["title"] = m.group(1)
    if not fields.get("employer"):
        for clause in clauses:
            if m := _EMPLOYER.search(_TAG.sub("", clause)):
                fields["employer"] = m.group(1)
                break
    if not fields.get("salary"):
        amounts = [m.group(1).strip() for m in _MONEY.finditer(text)]
        amounts = amounts or [m.group(1).strip() for m in _BARE_AMOUNT.finditer(text)]
        words = _SALARY_WORDS.findall(text)
        if amounts or words:
            fields["salary"] = "，".join(dict.fromkeys([*amounts[:2], *words]))
    if not fields.get("headcount"):
        m = _HEADCOUNT.search(text)
        if m:
            fields["headcount"] = m.group(2) or f"{cn_number(m.group(1)) or m.group(1)}人"
    if not fields.get("requirements"):
        hints = [c for c in clauses if _REQUIREMENT_HINTS.search(c)]
        if hints:
            fields["requirements"] = "，".join(hints[:3])

    phone_source = fields.get("contact_phone") or text
    phone, problem = normalise_phone(phone_source)
    if phone is None and not fields.get("contact_phone"):
        candidates = [m.group(0) for m in _DIGIT_RUN.finditer(text) if len(re.sub(r"\D", "", m.group(0))) >= 9]
        if candidates:
            phone, problem = normalise_phone(candidates[0])
    if phone:
        fields["contact_phone"] = phone
    else:
        fields.pop("contact_phone", None)
        if problem:
            problems.append(problem)
    if fields.get("contact_name"):
        fields["contact_name"] = _MOBILE.sub("", _LANDLINE.sub("", fields["contact_name"])).strip(" ，,:：")
    if not fields.get("contact_name") and (m := _NAME.search(text)):
        fields["contact_name"] = _NAME_PREFIX.sub("", m.group(1))

    found_townships = _townships_in(text, townships or {})
    if not fields.get("location") and found_townships and townships:
        fields["location"] = townships[found_townships[0]][0]

    valid = fields.get("valid_until", "") or _deadline_clause(text)
    if valid:
        parsed = parse_date(valid, now)
        if parsed is not None:
            fields["valid_until"] = parsed.isoformat()
        elif _DEFAULT_DAYS_WORDS.search(valid):
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


_DEADLINE_WORD = re.compile(r"截止|截至|有效|之前|以前|为止")
_CLAUSE_END = "，,。\n"
_CONTACT_WORDS = ("联系人", "联系电话", "联系方式", "联系", "电话", "手机", "微信")
_TRAILING_PUNCT = " ,，:：;；"


def _deadline_clause(text: str) -> str:
    """The clause (between ，,。 and line breaks) holding the first deadline word, found in linear time."""
    m = _DEADLINE_WORD.search(text)
    if m is None:
        return ""
    start = max(text.rfind(c, 0, m.start()) for c in _CLAUSE_END) + 1
    ends = [i for c in _CLAUSE_END if (i := text.find(c, m.end())) >= 0]
    return text[start : min(ends, default=len(text))]


def _without_phone(value: str) -> str:
    """A field's value without a phone number (and its 联系/电话 word) that ran into it."""
    stripped = _MOBILE.sub("", _LANDLINE.sub("", value))
    if stripped == value:
        return value
    stripped = stripped.rstrip(_TRAILING_PUNCT)
    for word in _CONTACT_WORDS:
        if stripped.endswith(word):
            stripped = stripped.removesuffix(word).rstrip(_TRAILING_PUNCT)
            break
    return stripped.strip()


def _kind(text: str) -> str:
    if "零工" in text or "临时工" in text:
        return "odd_job"
    return "odd_job" if len(_ODD.findall(text)) > len(_JOB.findall(text)) else "job"


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
    return _LABELS.get(label.lower()) or _LABELS.get(label)
