"""Turn Chinese text into matching features: jieba words, character bigrams and toneless pinyin bigrams.

Colloquial, dialect and voice-typed questions differ from the FAQ's wording in ways this covers:
traditional characters, pinyin and voice slips (bot.faq.textfix repairs them first), different words
for the same thing (the synonym map rewrites them), different segmentation (character bigrams do not
depend on it) and remaining homophones from speech input (pinyin bigrams match them).
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import jieba

from bot.faq.textfix import TextFixer, sounds

MIN_VARIANT = 2  # synonym variants this long are domain terms pinyin and voice slips are repaired to
MAX_CHARS = 400  # a message longer than this is matched on its end, where the question usually is
_DROP = re.compile(r"[^\u4e00-\u9fffa-z0-9]+")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
# jieba cuts text between whitespace characters independently (each one its own token, "\r\n" one token)
_WHITESPACE = re.compile(r"(\s)")
# 甚 alone is the local word for 什么 ("带甚材料", "补甚"), except in the standard 甚至 / 甚为 / 甚少
# money owed to the asker, by amount: "老板欠我八千块", "还欠俺们两万多" say 欠薪 whatever the sum
_OWED = re.compile(r"欠(?:我们|我|他们|他|她)?的?[0-9一二两三四五六七八九十百千万几]+多?(?:块钱|块|元|钱)?")
# the boss not paying, said without the money at the end of a clause: "挣的钱老板不给", "老板一直拖着没给"
# (not "老板给不给": a question; not "老板不给签合同": something else withheld)
_UNPAID = re.compile(r"(老板[^\s]{0,4}?)(?<![给发])(?:不给|没给|不发|没发)(?=了?(?:\s|$))")
NEGATIONS = "不没"  # a variant starting with one of these may be half of "给不给", "发没发"
_SHEN = re.compile(r"甚(?![至为少])")

# Words that carry no topic on their own (function words, pronouns, question particles).
STOPWORDS = frozenset(
    """
    我 你 他 她 咱 咱们 我们 你们 他们 的 地 得 了 着 过 吗 呢 啊 吧 呀 嘛 哦 噢 么 哩 啦 喽
    是 在 有 没 没有 不 能 能不能 可以 可不可以 会 要 想 请问 请 问 问下 一下 下 个 些 这 那 这个 那个
    这些 那些 哪 哪个 哪些 怎么 怎么样 怎样 如何 什么 为什么 啥 咋 谁 还 也 都 就 又 才 给 和 跟 与
    对 把 被 让 叫 去 来 到 从 好 呗 嗯 额 那么 这么 还是 或者 如果 就是 现在 已经 自己 人家 俺
    一 多少 几 多 怎么办 咋办 行不行 行不 有没有 是不是 要不要 能否 可否 听说 听人说 知道 一下子 的话
    这样 那样 哪里 哪儿 那里 这里 么 呀 哈 吧 嘞 咧 撒 不了 不是 也是
    到底 究竟 具体 大概 一般 麻烦 咨询 想问 问问 顺便 不能 需要 东西
    """.split()  # noqa: SIM905 - a word list reads better as text
)


COMMON_WORD = 1000  # jieba frequency of a two-character word a voice slip must never split (书记, 村干)


def trimmed_dictionary(min_frequency: int = 10) -> str:
    """jieba's dictionary without its rarest words, written once to the temp directory.

    The full dictionary (349k words) takes ~0.8 s to load; the 105k words seen at least 10 times load
    in ~0.2 s and segment questions the same for matching, since character bigrams back up the words.
    """
    source = Path(jieba.__file__).with_name("dict.txt")
    target = Path(tempfile.gettempdir()) / f"wuzhai-bot-jieba-{min_frequency}-{source.stat().st_size}.txt"
    if not target.exists():
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        with source.open(encoding="utf-8") as src, partial.open("w", encoding="utf-8") as dst:
            for line in src:
                parts = line.split()
                if len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) >= min_frequency:
                    dst.write(line)
        os.replace(partial, target)  # atomic: concurrent starts never see half a file
    return str(target)


class _Tokenizer(jieba.Tokenizer):  # type: ignore[misc]  # jieba has no type hints
    """jieba's tokenizer with its two hot loops tightened, cutting exactly as jieba does.

    jieba's `calc` takes the logarithm of a word's frequency afresh for every edge of every sentence it
    routes, over half the time of cutting a long message (77 of 138 us for 60 characters); here each word's
    log-probability is kept once computed (the same float operations in the same order: the same routes, the
    same cuts), and `get_DAG` reads the dictionary through a local name (a 60-character cut: 138 -> 78 us).
    The kept values are dropped when the dictionary's total changes (a word added or deleted); they are bounded
    by the dictionary and the characters seen.
    """

    def __init__(self, dictionary: str) -> None:
        super().__init__(dictionary)
        self._log_probability: dict[str, float] = {}
        self._for_total = -1

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:
        self.check_initialized()
        freq = self.FREQ
        dag: dict[int, list[int]] = {}
        n = len(sentence)
        for k in range(n):
            ends = []
            i = k
            fragment = sentence[k]
            while i < n and fragment in freq:
                if freq[fragment]:
                    ends.append(i)
                i += 1
                fragment = sentence[k : i + 1]
            dag[k] = ends or [k]
        return dag

    def calc(self, sentence: str, dag: dict[int, list[int]], route: dict[int, tuple[float, int]]) -> None:
        total = self.total
        if total != self._for_total:
            self._log_probability.clear()
            self._for_total = total
        known = self._log_probability
        freq = self.FREQ
        log_total = math.log(total)
        n = len(sentence)
        route[n] = (0, 0)
        for start in range(n - 1, -1, -1):
            best: tuple[float, int] | None = None
            for end in dag[start]:
                word = sentence[start : end + 1]
                weight = known.get(word)
                if weight is None:
                    weight = known[word] = math.log(freq.get(word) or 1) - log_total
                candidate = (weight + route[end + 1][0], end)
                if best is None or candidate > best:
                    best = candidate
            route[start] = best  # type: ignore[assignment]  # every start has one edge at least


def _words(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip() and not line.startswith("#")]


class Analyzer:
    """Normalises text and extracts weighted features. Create once: it loads jieba's dictionary."""

    def __init__(self, synonyms: dict[str, str], userdict: str | None = None) -> None:
        self._synonyms = synonyms
        variants = sorted(synonyms, key=len, reverse=True)
        self._synonym_re = re.compile("|".join(map(re.escape, variants))) if variants else None
        jieba.setLogLevel(logging.WARNING)
        self._jieba = _Tokenizer(trimmed_dictionary())
        self._jieba.initialize()
        vocabulary = [*synonyms.values()]
        if userdict:
            with open(userdict, "rb") as file:  # jieba leaves a path it opened unclosed
                self._jieba.load_userdict(file)
            vocabulary += _words(Path(userdict))
        # pinyin is also repaired to the variants people type ("changdi补贴" spells 场地补贴)
        spelled = [v for v in synonyms if len(v) >= MIN_VARIANT and v not in STOPWORDS]
        freq = self._jieba.FREQ
        self.fixer = TextFixer(
            [v for v in vocabulary if v not in STOPWORDS], spelled, lambda w: freq.get(w, 0) >= COMMON_WORD
        )
        self._cached = functools.lru_cache(maxsize=1024)(self._features)
        self._cut = functools.lru_cache(maxsize=1024)(self._tokens)
        self._normalised = functools.lru_cache(maxsize=1024)(self._normalise)

    def normalise(self, text: str) -> str:
        """`_normalise`, cached: a message is normalised by its handler and again when read in context
        (texts up to what `_normalise` reads; longer ones are not kept)."""
        return self._normalised(text) if len(text) <= 4 * MAX_CHARS else self._normalise(text)

    def _normalise(self, text: str) -> str:
        """Fold width and case, convert traditional characters, read spoken digits, drop personal numbers and
        emoji/punctuation/control characters, repair pinyin and voice slips, apply the synonym map.
        Clause boundaries (punctuation) become single spaces."""
        tail = text[-4 * MAX_CHARS :]  # the end of a very long message: every step below stays linear and short
        folded = self.fixer.simplified(unicodedata.normalize("NFKC", tail).lower())
        kept = _DROP.sub(" ", self.fixer.drop_personal(self.fixer.digits(folded))).strip()[-MAX_CHARS:]
        kept = self.fixer.homophones(self.fixer.latin(self.fixer.spaced(kept)))
        if self._synonym_re is not None:
            kept = self._synonym_re.sub(self._synonym, kept)
        kept = _SHEN.sub("什么", kept)
        kept = _UNPAID.sub(r"\g<1>欠薪", _OWED.sub("欠薪", kept))
        return kept

    def _synonym(self, m: re.Match[str]) -> str:
        """The canonical word for a variant, except for a negated variant that is the second half of an
        A-not-A question: "给不给钱" asks whether money is paid, it does not say it was not (不给钱 = 欠薪)."""
        variant = m.group(0)
        if variant[0] in NEGATIONS and len(variant) > 1 and m.string[m.start() - 1 : m.start()] == variant[1]:
            return variant
        return self._synonyms[variant]

    def features(self, text: str) -> list[str]:
        """Features of already normalised text; repeated features count repeatedly. Cached: reading a
        message in context asks for the features of the same text several times."""
        return list(self._cached(text))

    def words(self, text: str) -> list[str]:
        """The words of text as the tokenizer cuts them, stop words kept (the facet model reads them). Cached,
        with the cut `features` makes of the same text."""
        return list(self._cut(text))

    def _tokens(self, text: str) -> tuple[str, ...]:
        """jieba's cut of text; a text of several clauses is cut clause by clause, through the cache: reading a
        long message cuts the whole and each of its clauses, and jieba cuts between whitespace alone anyway."""
        pieces = _WHITESPACE.split(text)
        if len(pieces) == 1 or "\r" in text:
            return tuple(self._jieba.lcut(text, HMM=False))
        tokens: list[str] = []
        for piece in pieces:
            if piece.isspace():
                tokens.append(piece)
            elif piece:
                tokens += self._cut(piece)
        return tuple(tokens)

    def forget(self) -> None:
        """Empty the normalisation, words and features caches (benchmarks measure uncached reads)."""
        self._normalised.cache_clear()
        self._cached.cache_clear()
        self._cut.cache_clear()

    def _features(self, text: str) -> tuple[str, ...]:
        """Features of already normalised text (see `features`).

        Stop words are dropped first and split the text into runs of content words; bigrams are taken
        within a run, so "医保补贴怎么领" gives 医保/保补/补贴 but not the noise 贴怎/怎么/么领.
        """
        out: list[str] = []
        runs: list[str] = []
        current = ""
        for token in self._cut(text):
            if not token.strip() or token in STOPWORDS:
                if current:
                    runs.append(current)
                current = ""
                continue
            out.append(f"w:{token}")
            current += token
        if current:
            runs.append(current)
        for run in runs:
            for chunk in _CJK_RUN.findall(run):
                out += [f"b:{chunk[i : i + 2]}" for i in range(len(chunk) - 1)]
                syllables = sounds(chunk)
                out += [f"p:{a}{b}" for a, b in itertools.pairwise(syllables)]
        return tuple(out)
