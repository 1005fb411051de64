"""Measure the FAQ matcher on a TSV of questions with expected entry ids (`-` = out of scope)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.faq.decision import Match
from bot.faq.matcher import FaqMatcher


@dataclass(frozen=True, slots=True)
class Case:
    expected: frozenset[str]  # empty: out of scope
    question: str


@dataclass
class Report:
    in_scope: int = 0
    top1: int = 0  # the answered entry (or first suggestion) is an expected one
    answered_right: int = 0
    out_of_scope: int = 0
    declined: int = 0
    wrong_answers: int = 0  # answered with an entry that is not expected (in or out of scope)
    among: int = 0  # in scope: an expected entry is the answer or among the suggestions
    misses: list[tuple[Case, Match]] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.in_scope if self.in_scope else 1.0

    @property
    def answered_rate(self) -> float:
        return self.answered_right / self.in_scope if self.in_scope else 1.0

    @property
    def among_rate(self) -> float:
        return self.among / self.in_scope if self.in_scope else 1.0

    @property
    def wrong_rate(self) -> float:
        total = self.in_scope + self.out_of_scope
        return self.wrong_answers / total if total else 0.0

    @property
    def declined_rate(self) -> float:
        return self.declined / self.out_of_scope if self.out_of_scope else 1.0

    def summary(self) -> str:
        return (
            f"in-scope answered right {self.answered_right}/{self.in_scope} = {self.answered_rate:.1%}, "
            f"top-1 {self.top1_rate:.1%}, among suggestions {self.among_rate:.1%}; "
            f"out-of-scope declined {self.declined}/{self.out_of_scope} = {self.declined_rate:.1%}; "
            f"wrong answers {self.wrong_answers} = {self.wrong_rate:.1%}"
        )


def load_cases(path: Path) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expected, _, question = line.partition("\t")
        ids = frozenset() if expected.strip() == "-" else frozenset(expected.strip().split("|"))
        cases.append(Case(ids, question.strip()))
    return cases


def evaluate(matcher: FaqMatcher, cases: list[Case]) -> Report:
    report = Report()
    for case in cases:
        match = matcher.match(case.question)
        first = match.entry or (match.suggestions[0] if match.outcome == "suggest" else None)
        if match.outcome == "answer" and match.entry not in case.expected:
            report.wrong_answers += 1
        if case.expected:
            report.in_scope += 1
            ok = first in case.expected
            report.top1 += ok
            report.answered_right += ok and match.outcome == "answer"
            report.among += bool(case.expected & {match.entry, *match.suggestions})
        else:
            report.out_of_scope += 1
            ok = match.outcome == "decline"
            report.declined += ok
        if not ok:
            report.misses.append((case, match))
    return report
