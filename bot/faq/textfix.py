"""Repairs for messy text before matching: traditional characters, personal numbers, pinyin typed
without a Chinese input method, and voice-typing slips (homophones of the FAQ's own terms).

All repairs are linear in the length of the text: dictionary look-ups over a fixed, small window.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

import opencc
from pypinyin import Style, lazy_pinyin

# Personal numbers say nothing about the question and mislead matching ("身份证号…" is not a question
# about ID cards): the number and the words that introduce it are dropped before matching.
_PERSONAL = re.compile(
    r"(?P<intro>身份证号码?|身份证|证件号码?|手机号码?|电话号码?|手机|电话|卡号)?\s?[:：是为]?\s?"
    # digits in groups as people type or say them ("142232 1971 0808 1234", "136-0350-7788", "158 3501 xxxx")
    r"(?<![0-9a-z])[0-9](?:[ \-.]?[0-9x]){8,}(?![0-9])"
)
CHANGED = "换改新变"  # a number introduced after these is news about the number itself
PERSONAL_DIGITS = 10  # a run of this many digits is a phone, ID or card number (1131, amounts, dates are shorter)
# Common surnames: "我是张三，…" introduces a name, "我是搬迁户 …" says who is asking (kept: it matters).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_NAME = re.compile(
    rf"(?:我叫|俺叫|我是|俺是|本人)(?:[{SURNAMES}][\u4e00-\u9fff]{{1,2}})(?=[,，。 ]|身份证|电话|手机)"
    r"|(?:我叫|俺叫)[\u4e00-\u9fff]{2,3}(?=[,，。 ]|身份证|电话|手机)"
)
_LATIN = re.compile(r"[a-z]+")
# spoken digits: a run of three or more is a number read out ("一幺三幺" -> 1131, a phone number by voice)
_SPOKEN = re.compile(r"[零〇一二三四五六七八九幺两]{3,}")
_DIGIT = str.maketrans("零〇一二三四五六七八九幺两", "0012345678912")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# question words typed in pinyin: not domain terms, but they tell what is asked
PINYIN_WORDS = {
    "zenme": "怎么",
    "zenmeban": "怎么办",
    "shenme": "什么",
    "duoshao": "多少",
    "nali": "哪里",
    "zhaoshui": "找谁",
    "shenqing": "申请",
    "nenglingma": "能领吗",
    "zai": "在",
    "qu": "去",
    "nar": "哪儿",
    "dai": "带",
    "duojiu": "多久",
    "shenmeshihou": "什么时候",
    "zhaoshei": "找谁",
    "zaina": "在哪",
    "baoming": "报名",
    "shisha": "是啥",
    "shihou": "时候",
    "xingbuxing": "行不行",
    "nengbuneng": "能不能",
    "youmeiyou": "有没有",
    "jiuye": "就业",
    "yitian": "一天",
}
# single syllables read only inside a run of spaced pinyin ("wo neng ling bu"), never alone
SPACED_WORDS = {
    "wo": "我",
    "neng": "能",
    "ling": "领",
    "bu": "不",
    "ma": "吗",
    "na": "哪",
    "sha": "啥",
    "ban": "办",
    "you": "有",
}
_SPACED = re.compile(r"[a-z]+(?:[ ]+[a-z]+)+")
MIN_HOMOPHONE = 2
MAX_HOMOPHONE = 5  # 就业服务占 -> 就业服务站
SPECIFIC = 4  # characters: a synonym variant this long is specific enough to be heard (职业培训)


@functools.cache
def sound(char: str) -> str:
    """A character's toneless pinyin (its most common reading), cached: one dictionary look-up per
    character afterwards, where pypinyin's phrase segmentation costs milliseconds on long text."""
    return str(lazy_pinyin(char, style=Style.NORMAL, errors="ignore")[0]) if _CJK.match(char) else ""


def sounds(text: str) -> list[str]:
    return [sound(c) for c in text]


class TextFixer:
    """Built once from the domain vocabulary (FAQ terms); `fix` is pure."""

    def __init__(
        self, vocabulary: Iterable[str], spelled: Iterable[str] = (), common: Callable[[str], bool] = lambda _: False
    ) -> None:
        """`vocabulary`: terms for both repairs; `spelled`: terms only typed in pinyin are repaired to
        (synonym variants such as 场地补贴: as homophone targets, short ones like 莫有 would eat 周末有);
        `common`: whether two characters are a common word (a slip never splits one: 书记能 is not 书技能)."""
        self._common = common
        self._t2s = opencc.OpenCC("t2s")
        # a variant of four characters or more is specific enough to be heard too ("只业培训" is 职业培训):
        # shorter ones like 莫有 would eat common words
        self._canonical = {t for t in vocabulary}
        sound_terms = set(self._canonical) | {t for t in spelled if SPECIFIC <= len(t) <= MAX_HOMOPHONE}
        # in the order given: of two terms that sound the same, the first wins (canonical words come first)
        terms = list(
            dict.fromkeys(
                t for t in [*vocabulary, *spelled] if len(t) >= MIN_HOMOPHONE and all(_CJK.match(c) for c in t)
            )
        )
        # toneless pinyin of a whole term -> the term (for homophones and full pinyin);
        # pinyin or initials of a term's prefix -> (prefix, rest of term) (for "jt补贴" -> 交通补贴)
        self._sound: dict[tuple[str, ...], str] = {}
        self._prefixes: dict[str, list[tuple[str, str]]] = {}
        self._whole: dict[str, str] = {}  # full toneless pinyin of a term -> the term (the first one wins)
        # the most syllables one term or question word spans: reading spaced pinyin stays linear in its length
        self._span = max([len(t) for t in terms] + [len(w) for w in PINYIN_WORDS.values()], default=1)
        for term in terms:
            syllables = tuple(sounds(term))
            self._whole.setdefault("".join(syllables), term)
            if len(term) <= MAX_HOMOPHONE and term in sound_terms:
                self._sound.setdefault(syllables, term)
            for cut in range(1, len(term) + 1):
                head = syllables[:cut]
                for key in {"".join(head), "".join(s[0] for s in head)}:
                    if len(key) >= 2:  # a single letter is too ambiguous to mean anything
                        self._prefixes.setdefault(key, []).append((term[:cut], term[cut:]))

    def simplified(self, text: str) -> str:
        return str(self._t2s.convert(text))

    @staticmethod
    def digits(text: str) -> str:
        """Runs of three or more spoken digits as digits ("一幺三幺" -> "1131")."""
        return _SPOKEN.sub(lambda m: m.group(0).translate(_DIGIT), text)

    @staticmethod
    def drop_personal(text: str) -> str:
        """Remove ID numbers, phone numbers and a self-introduced name (they are masked when stored)."""
        return _NAME.sub(" ", _PERSONAL.sub(_personal, text))

    def spaced(self, text: str) -> str:
        """Read a run of pinyin typed with a space between syllables ("jiao tong bu tie zen me shen qing"):
        the longest span of syllables that spells a whole domain term or question word becomes it,
        read from the left; a syllable nothing spells stays as it was."""
        return _SPACED.sub(self._read_syllables, text)

    def _read_syllables(self, m: re.Match[str]) -> str:
        tokens = m.group(0).split()
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + self._span), i, -1):  # a term spans at most _span syllables
                key = "".join(tokens[i:j])
                word = self._whole.get(key) or PINYIN_WORDS.get(key) or (SPACED_WORDS.get(key) if j == i + 1 else None)
                if word is not None and (j > i + 1 or len(key) > 1):
                    out.append(word)
                    i = j
                    break
            else:
                out.append(f" {tokens[i]} ")
                i += 1
        return " ".join("".join(out).split())

    def latin(self, text: str) -> str:
        """Replace runs of pinyin or initials by the domain term they spell, using the characters that
        follow to choose: "jt补贴" -> 交通补贴, "chuangye补贴" -> 创业补贴, "jiaotong butie" -> 交通补贴.
        Runs are read from the end, so a run sees the characters the runs after it became."""
        out = ""
        end = len(text)
        for m in reversed(list(_LATIN.finditer(text))):
            after = text[m.end() : end] + out
            replaced = self._spell(m.group(0), after.lstrip()[: 2 * MAX_HOMOPHONE])
            if replaced != m.group(0) and after[:1].isspace() and _CJK.match(after.lstrip()[:1] or " "):
                after = after.lstrip()  # "jiaotong butie": the spelled words join up again
            out = replaced + after
            end = m.start()
        return text[:end] + out

    def _spell(self, run: str, after: str) -> str:
        options = self._prefixes.get(run, ())
        fitting = [head for head, rest in options if rest and after.startswith(rest)]
        if fitting:
            return max(fitting, key=len)
        whole = [head for head, rest in options if not rest]
        if whole and len(run) > 3:  # "jiaotong" alone, never "jt" alone
            return max(whole, key=len)
        canonical = {head for head in whole if head in self._canonical}
        if len(run) == 3 and len(canonical) == 1:  # "gyg": the initials of one domain term (公益岗) only
            return canonical.pop()
        return PINYIN_WORDS.get(run, run)

    def homophones(self, text: str) -> str:
        """Replace a window of 2–4 characters that sounds like a domain term but is written differently
        (voice typing: 娇通补贴 -> 交通补贴, 令工 -> 零工, 记能 -> 技能)."""
        if not self._sound:
            return text
        chars = list(text)
        heard = sounds(text)
        i = 0
        while i < len(chars):
            for size in range(MAX_HOMOPHONE, MIN_HOMOPHONE - 1, -1):
                window = heard[i : i + size]
                if len(window) < size or "" in window:
                    continue
                term = self._sound.get(tuple(window))
                if term is not None:
                    if "".join(chars[i : i + size]) != term and self._slip(chars, i, size, term):
                        chars[i : i + size] = list(term)
                    i += size - 1
                    break
            i += 1
        return "".join(chars)

    def _slip(self, chars: list[str], i: int, size: int, term: str) -> bool:
        """Whether `chars[i:i+size]`, which sounds like `term`, is a slip for it: it shares a character with
        a short term; it does not cut a common word at either edge (书记能, 能在…干部); and it is not a
        verb asked with a closing 不 (能干不 asks 行不行, it is not 干部)."""
        window = chars[i : i + size]
        end = i + size
        if not _one_slip(window, term):
            return False
        if window[-1] == "不" and (end == len(chars) or chars[end] == " "):
            return False
        left = i > 0 and self._common(chars[i - 1] + window[0])
        right = end < len(chars) and self._common(window[-1] + chars[end])
        return not (left or right)


def _personal(m: re.Match[str]) -> str:
    """A run of digits long enough to be personal, with the words introducing it, becomes a space; but a
    number said to be new ("换了手机号 158…", "新电话…") keeps its word: changing it is the question."""
    run = m.group(0)
    if sum(c.isdigit() or c == "x" for c in run) < PERSONAL_DIGITS:
        return run
    intro = m.group("intro")
    changed = intro and any(c in CHANGED for c in m.string[max(m.start() - 2, 0) : m.start()])
    return f"{intro} " if changed else " "


def _one_slip(window: list[str], term: str) -> bool:
    """Voice typing gets most characters of a term right: only accept a window that shares at least
    one character with the term when the term is short, so 事业 is never turned into 失业-like terms."""
    same = sum(a == b for a, b in zip(window, term, strict=True))
    return same >= 1 or len(term) >= 4
