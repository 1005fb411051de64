"""Train the FAQ re-ranker (bot.faq.reranker) and measure it leave-one-writer-out.

    .venv/bin/pip install -e '.[train]'   # scikit-learn, for this script only
    .venv/bin/python scripts/train_ranker.py            # prints the LOO table, writes bot/faq/models/ranker.json
    .venv/bin/python scripts/train_ranker.py --dry-run  # the table only
    .venv/bin/python scripts/train_ranker.py --cache /tmp/rcache --jobs 2  # the entry classifiers fitted in 2 processes

Training data: the question sets in bench/data/ (one writer each) and the first messages of the same
writers' dialogues. Never the dev sets in ../shared/eval/ (measured only, by bench/faq_bench.py).

Leave-one-writer-out: for each set, the model is trained on the other writers' data and the decision cutoffs
are chosen on those writers' own out-of-fold probabilities (each of them predicted by a model that did not
see it), then the held-out set is measured. The shipped model is trained on every set, its cutoffs chosen on
the out-of-fold probabilities of all of them. Deterministic: fixed seeds, fixed orders.

Cost: the nested leave-one-writer-out needs an entry classifier per pair of writers left out (136 for 17
writers, ~4 s each on one free core); with --cache DIR they are kept (under a digest of the training data) and
a run that changes only the re-ranker or the cutoffs takes ~15 min on the shared machine. Everything else is
computed once per sample or per fold (the ranking features, each classifier's probabilities per writer, one
sparse design per fold).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import multiprocessing
import os
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

# One BLAS thread: on a shared machine OpenBLAS's threads spin against other work and make every fit several
# times slower (the results agree to 1e-14). Set before numpy loads.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402
from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.writers import WRITERS  # noqa: E402
from bot.faq import askers  # noqa: E402
from bot.faq.decision import Match  # noqa: E402
from bot.faq.evaluation import load_cases  # noqa: E402
from bot.faq.linear import MODELS, LinearModel, from_coefficients, load  # noqa: E402
from bot.faq.reranker import (  # noqa: E402
    ALSO,
    KEEP_OFFER,
    NAME,
    OUT,
    TEXT,
    YES,
    Cutoffs,
    bare,
    choose,
    ranking_features,
    text_features,
    with_text,
)
from bot.faq.signals import content_words  # noqa: E402
from bot.faq.vocabulary import OffWords  # noqa: E402
from bot.services import build_matcher  # noqa: E402

DATA = ROOT / "bench" / "data"
C = 1.0  # inverse regularisation
SEED = 0
TEXT_ON = True  # the entry classifier's feature (--no-text: without it)
TEXT_C = 1.0
ENTRY_PRIORS = False  # a weight per entry (--priors); without: better leave-one-writer-out, fewer weights
TEXT_MIN_DF = 2
TEXT_CONTENT_WEIGHT = 1.0  # the content's wording counts as a writer's question does (3: fewer right, fewer wrong)
TEXT_DIGITS = 2
TEXT_SMALLEST = 0.05
WRONG = 6.0  # a wrong answer costs this many right ones when the cutoffs are chosen (17 writers, 4: right 97.3%
# rather than 96.8%, wrong answers 50 rather than 45 of 7026, leave-one-writer-out; the shipped model is the same)
SHOWN = 0.5  # ...and the right entry shown (answered or offered) rather than declined earns this much
GRID_ANSWER = [x / 100 for x in range(30, 96, 5)]
GRID_LEAD = [0.0, 0.1, 0.2, 0.3]
GRID_SUGGEST = [x / 100 for x in range(10, 96, 5)]
GRID_OVERRIDE = [0.8, 0.9, 0.95, 2.0]  # lower (0.5-0.7): +0.2 right, +0.3 among, -0.3 declined; not taken
MISSED = 2.0  # ...and an out-of-scope question not declined this many
# Limits the chosen cutoffs should keep on the training writers' out-of-fold figures: each wrong answer beyond
# WRONG_MAX of all questions, or decline short of DECLINED_MIN of the out-of-scope ones, costs LIMIT (0: none;
# 20 changed nothing: the training folds' out-of-fold figures already keep both)
WRONG_MAX = 0.01
DECLINED_MIN = 0.95
LIMIT = 0.0
TIE = 2.0  # objectives this close are a tie (half a wrong answer)
# (at most 0.2: "有啥补贴" (0.24) asks which subsidy; higher ones decline it, leave-one-writer-out or not)
KEEP_GRID = [0.0, 0.02, 0.05, 0.1, 0.15, 0.2]
# the rules' choices are offered only when the model finds them this likely (--no-keep: always, as before)
GRID_KEEP = list(KEEP_GRID)
GRID_CONFIRM = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1.0]


@dataclass
class Sample:
    writer: str
    expected: frozenset[str]
    question: str
    normalised: str
    rules: Match
    base: dict[str, dict[str, float]]  # the candidates' features without the entry classifier's
    rows: dict[str, dict[str, float]]  # with those of the entry classifier at hand (see `set_rows`)
    measured: bool  # from the question set (measured), not a dialogue's first message (training only)


def first_messages(path: Path) -> list[tuple[frozenset[str], str]]:
    found: list[tuple[frozenset[str], str]] = []
    first = True
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            first = True
            continue
        if first:
            first = False
            entry, _, rest = line.partition("\t")
            message = rest.partition("\t")[2].strip()
            if entry == "smalltalk" or not message:
                continue
            found.append((frozenset() if entry == "-" else frozenset(entry.split("|")), message))
    return found


CONTENT, MATCHER = build_matcher(ROOT / "content")
OFF_WORDS = OffWords(MATCHER.analyzer, CONTENT)


def samples() -> list[Sample]:
    matcher = MATCHER
    found: list[Sample] = []
    for writer, dialogues in WRITERS.items():
        cases = [(c.expected, c.question, True) for c in load_cases(DATA / f"{writer}.tsv")]
        cases += [(e, q, False) for e, q in first_messages(DATA / f"{dialogues}.tsv")]
        for expected, question, measured in cases:
            normalised = matcher.analyzer.normalise(question)
            rules = matcher.match_rules(normalised)
            base = ranking_features(matcher, normalised, rules)
            if EXTRA:
                base = {i: r | extra_features(normalised) for i, r in base.items()}
            if not ENTRY_PRIORS:
                base = {i: {f: v for f, v in r.items() if not f.startswith("entry:")} for i, r in base.items()}
            found.append(Sample(writer, expected, question, normalised, rules, base, {}, measured))
    return found


EXTRA: set[str] = set()  # --extra: features tried beside the shipped ones


def extra_features(normalised: str) -> dict[str, float]:
    found: dict[str, float] = {}
    if "off" in EXTRA:
        found["off_named"] = min(len(OFF_WORDS.named(normalised)), 2) / 2
    if "words" in EXTRA:
        found["words"] = min(content_words(MATCHER.analyzer, normalised), 10) / 10
    return found


def content_texts() -> list[tuple[str, str]]:
    """The content's own wording, labelled: entries' titles, questions and keywords; other offices' topics."""
    texts = [(e.id, t) for e in CONTENT.entries.values() for t in (e.title, *e.questions, *e.keywords)]
    texts += [(OUT, t) for topic in CONTENT.out_of_scope.values() for t in (topic.name, *topic.questions)]
    return [(label, MATCHER.analyzer.normalise(t)) for label, t in texts]


DATA_ALL: list[Sample] = []
CACHE: Path | None = None  # --cache: keep the entry classifiers between runs (same data, same settings)
# The entry classifier's probabilities for one writer's samples, by the writers it was trained without: each
# sample's candidates', OUT's and the best entry's (all `with_text` reads), or None when it lacks a candidate.
VIEWS: dict[tuple[frozenset[str], str], list[dict[str, float] | None]] = {}


def fingerprint() -> str:
    """A digest of the entry classifiers' training data: cached models of other data are never read."""
    texts = [*content_texts(), *((",".join(sorted(s.expected)), s.writer + "\t" + s.normalised) for s in DATA_ALL)]
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()[:12]


def text_model(data: list[Sample], excluded: frozenset[str]) -> LinearModel | None:
    """The entry classifier trained on the content and every writer but the excluded ones (cached on disk
    with --cache; not kept in memory: `views` keeps what the samples need of it)."""
    if not TEXT_ON:
        return None
    path = CACHE / fingerprint() / cache_name(excluded) if CACHE is not None else None
    if path is not None and path.exists():
        return load(path.name.removesuffix(".json"), path.parent)
    pairs = content_texts()
    weights = [TEXT_CONTENT_WEIGHT] * len(pairs)
    for s in data:
        if s.writer not in excluded:
            labels = sorted(s.expected) or [OUT]
            pairs += [(label, s.normalised) for label in labels]
            weights += [1.0] * len(labels)
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([text_features(t) for _, t in pairs]).tocsc()
    keep = np.where(np.asarray((x > 0).sum(axis=0)).ravel() >= TEXT_MIN_DF)[0]  # n-grams of 2+ texts
    model = LogisticRegression(C=TEXT_C, max_iter=3000, random_state=SEED)
    model.fit(x[:, keep].tocsr(), [label for label, _ in pairs], sample_weight=weights)
    names = vectorizer.get_feature_names_out()[keep]
    text = prune(from_coefficients(model.classes_, model.intercept_, model.coef_, names))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.to_json(TEXT_DIGITS), encoding="utf-8")
    return text


def _warm(excluded: frozenset[str]) -> None:
    text_model(DATA_ALL, excluded)


def warm_cache(writers: list[str], jobs: int, pairs: bool = True) -> None:
    """Fit every entry classifier the run needs (none, each writer and, for the table, each pair left out) in
    `jobs` processes into the cache, so that the run itself only reads them (--jobs: most of a run's time)."""
    needed = [frozenset(), *(frozenset({w}) for w in writers)]
    needed += map(frozenset, itertools.combinations(writers, 2)) if pairs else []
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        pool.map(_warm, needed, chunksize=1)


def views(excluded: frozenset[str], writer: str) -> list[dict[str, float] | None]:
    """The entry classifier's probabilities (trained without `excluded`) for the writer's samples (memoised)."""
    key = (excluded, writer)
    if key not in VIEWS:
        text = text_model(DATA_ALL, excluded)
        found: list[dict[str, float] | None] = []
        for s in DATA_ALL:
            if s.writer != writer:
                continue
            if text is None or any(c not in text.index for c in s.base):
                found.append(None)
                continue
            classes = text.probabilities(text_features(s.normalised))
            best = max((c for c in classes if c != OUT), key=lambda c: classes[c])
            found.append({c: classes[c] for c in (*s.base, OUT, best)})
        VIEWS[key] = found
    return VIEWS[key]


def cache_name(excluded: frozenset[str]) -> str:
    settings = f"{TEXT_C}-{TEXT_CONTENT_WEIGHT}-{TEXT_MIN_DF}-{TEXT_DIGITS}-{TEXT_SMALLEST}"
    return f"text2-{settings}-{'+'.join(sorted(excluded)) or 'none'}.json"


def _small(w: float) -> float:
    return round(w, TEXT_DIGITS) if abs(w) >= TEXT_SMALLEST else 0.0


def prune(model: LinearModel) -> LinearModel:
    """Weights rounded to TEXT_DIGITS, those below TEXT_SMALLEST set to 0; features left with none dropped."""
    weights = {f: tuple(_small(w) for w in row) for f, row in model.weights.items()}
    weights = {f: row for f, row in weights.items() if any(row)}
    return LinearModel(model.classes, tuple(round(b, TEXT_DIGITS) for b in model.intercept), weights)


def set_rows(data: list[Sample], excluded: frozenset[str]) -> None:
    """Each writer's rows with the entry classifier trained without that writer (and the excluded ones)."""
    for writer in sorted({s.writer for s in data}):
        mine = [s for s in data if s.writer == writer]
        if not TEXT_ON:
            for s in mine:
                s.rows = s.base
            continue
        # the writer's samples in DATA_ALL's order, as `views` lists them
        ordered = [s for s in DATA_ALL if s.writer == writer]
        found = dict(zip(map(id, ordered), views(excluded | {writer}, writer), strict=True))
        for s in mine:
            view = found[id(s)]
            s.rows = with_text(s.base, view) if view is not None and s.base else {}


class Design:
    """The samples' rows (as they are when built) as one sparse matrix, to fit and predict on any subset of
    them: a fit keeps the features its training rows have, as a DictVectorizer fitted on them would."""

    def __init__(self, data: list[Sample]) -> None:
        self.vectorizer = DictVectorizer()
        rows = [row for s in data for row in s.rows.values()]
        self.x = self.vectorizer.fit_transform(rows).tocsr()  # a feature present with 0.0 is a stored entry
        self.labels = np.array([int(ident in s.expected) for s in data for ident in s.rows])
        self.spans: dict[int, tuple[int, int]] = {}
        start = 0
        for s in data:
            self.spans[id(s)] = (start, start + len(s.rows))
            start += len(s.rows)

    def _rows(self, chosen: list[Sample]) -> np.ndarray:
        return np.concatenate([np.arange(*self.spans[id(s)]) for s in chosen] or [np.array([], dtype=int)])

    def fit(self, train: list[Sample]) -> Fitted:
        rows = self._rows(train)
        x = self.x[rows]
        columns = np.unique(x.indices)
        model = LogisticRegression(C=C, max_iter=2000, random_state=SEED)
        model.fit(x[:, columns], self.labels[rows])
        return Fitted(self, columns, model)


@dataclass
class Fitted:
    design: Design
    columns: np.ndarray
    model: LogisticRegression

    def predict(self, test: list[Sample]) -> list[dict[str, float]]:
        p = self.model.predict_proba(self.design.x[self.design._rows(test)][:, self.columns])[:, 1]
        out: list[dict[str, float]] = []
        start = 0
        for s in test:
            out.append(dict(zip(s.rows, (float(v) for v in p[start : start + len(s.rows)]), strict=True)))
            start += len(s.rows)
        return out

    def names(self) -> list[str]:
        names = self.design.vectorizer.get_feature_names_out()
        return [str(names[i]) for i in self.columns]


@dataclass
class Figures:
    in_scope: int = 0
    right: int = 0
    top1: int = 0
    among: int = 0
    out: int = 0
    declined: int = 0
    wrong: int = 0
    shown: int = 0  # in scope: an expected entry is answered, or offered beside the answer or as a choice

    def add(self, expected: frozenset[str], match: Match) -> None:
        first = match.entry or (match.suggestions[0] if match.outcome == "suggest" and match.suggestions else None)
        self.wrong += match.outcome == "answer" and match.entry not in expected
        if expected:
            self.in_scope += 1
            self.top1 += first in expected
            self.right += first in expected and match.outcome == "answer"
            self.among += bool(expected & {match.entry, *match.suggestions})
            listed = {match.entry, *match.also} if match.outcome == "answer" else set(match.suggestions)
            self.shown += match.outcome != "decline" and bool(expected & listed)
        else:
            self.out += 1
            self.declined += match.outcome == "decline"

    def rates(self) -> tuple[float, float, float, float, float, float]:
        n = self.in_scope or 1
        return (
            self.shown / n,
            self.right / n,
            self.top1 / n,
            self.wrong / ((self.in_scope + self.out) or 1),
            self.among / n,
            self.declined / (self.out or 1),
        )

    def objective(self) -> float:
        over = max(0.0, self.wrong - WRONG_MAX * (self.in_scope + self.out))
        under = max(0.0, DECLINED_MIN * self.out - self.declined)
        missed = self.out - self.declined
        gains = self.right + 0.5 * self.among + SHOWN * self.shown
        return gains - WRONG * self.wrong - MISSED * missed - LIMIT * (over + under)


def measure(chosen: list[Sample], probabilities: list[dict[str, float]], cutoffs: Cutoffs | None) -> Figures:
    """The figures of the rules (cutoffs None) or of the model's decision, exactly as bot.faq.reranker decides."""
    figures = Figures()
    for s, p in zip(chosen, probabilities, strict=True):
        if not s.measured:
            continue
        exact = s.rules.score >= 1.0 and s.rules.outcome != "suggest"
        vague = s.rules.outcome in KEEP_OFFER and bare(MATCHER, s.normalised)
        chosen_match = choose(p, s.rules, cutoffs, vague) if cutoffs is not None else s.rules
        decided = s.rules if cutoffs is None or exact else askers.settle(chosen_match, s.normalised)
        figures.add(s.expected, decided)
    return figures


class Table:
    """The samples' decisions as arrays, to try every cutoff of the grid fast (the same rules as `choose`;
    without bot.faq.askers' last word, which `measure` and the bot apply)."""

    def __init__(self, chosen: list[Sample], probabilities: list[dict[str, float]]) -> None:
        pairs = [(s, p) for s, p in zip(chosen, probabilities, strict=True) if s.measured]
        cols: dict[str, list[float]] = {k: [] for k in COLUMNS}
        for s, p in pairs:
            order = sorted(p, key=lambda i: p[i], reverse=True)
            exact = (s.rules.score >= 1.0 and s.rules.outcome != "suggest") or not p
            r = s.rules
            first = r.entry or (r.suggestions[0] if r.outcome == "suggest" and r.suggestions else None)
            values = {
                "inside": bool(s.expected),
                "exact": exact,
                "off": r.off_topic is not None and r.outcome == "decline",
                "best": p[order[0]] if order else 0.0,
                "runner": p[order[1]] if len(order) > 1 else 0.0,
                "offered": sum(p[i] for i in order[:3]),
                "best_right": bool(order) and order[0] in s.expected,
                "among": bool(s.expected & set(order[:3])),
                "r_right": r.outcome == "answer" and r.entry in s.expected,
                "r_wrong": r.outcome == "answer" and r.entry not in s.expected,
                "r_top1": first in s.expected,
                "r_among": bool(s.expected & {r.entry, *r.suggestions}),
                "r_decline": r.outcome == "decline",
                "r_suggest": r.outcome == "suggest",
                "r_answer": r.outcome == "answer",
                "r_first": r.outcome == "answer" and bool(order) and r.entry == order[0],
                "r_shown": r.outcome != "decline"
                and bool(s.expected & ({r.entry, *r.also} if r.outcome == "answer" else set(r.suggestions))),
                "next_p": max((p[i] for i in order[1:3] if i in s.expected), default=-1.0),
                "bare": bare(MATCHER, s.normalised),
            }
            for k in COLUMNS:
                cols[k].append(float(values[k]))
        self.a = {k: np.array(v) for k, v in cols.items()}
        self.flags = {k: v > 0 for k, v in self.a.items()}
        self.inside = self.flags["inside"]

    def figures(self, c: Cutoffs) -> Figures:
        a = self.a
        b = self.flags.__getitem__

        kept = b("exact") | (b("off") & (a["best"] < c.override))
        confirmed = b("r_first") & (a["best"] >= c.confirm)
        ans = ~kept & (((a["best"] >= c.answer) & (a["best"] - a["runner"] >= c.lead)) | confirmed)
        offers = (b("r_suggest") & ("suggest" in KEEP_OFFER)) | (b("r_answer") & ("answer" in KEEP_OFFER))
        offers &= (a["offered"] >= c.keep) | b("bare")
        sug = ~kept & ~ans & ((a["offered"] >= c.suggest) | offers)
        dec = ~kept & ~ans & ~sug
        right = (kept & b("r_right")) | (ans & b("best_right"))
        top1 = (kept & b("r_top1")) | ((ans | sug) & b("best_right"))
        wrong = (kept & b("r_wrong")) | (ans & ~b("best_right"))
        among = (kept & b("r_among")) | (~kept & b("among"))
        declined = (kept & b("r_decline")) | dec
        shown = (kept & b("r_shown")) | (ans & (b("best_right") | (a["next_p"] >= ALSO))) | (sug & b("among"))
        i, o = self.inside, ~self.inside
        return Figures(
            int(i.sum()),
            int(right[i].sum()),
            int(top1[i].sum()),
            int(among[i].sum()),
            int(o.sum()),
            int(declined[o].sum()),
            int(wrong.sum()),
            int(shown[i].sum()),
        )


COLUMNS = (
    "inside",
    "exact",
    "off",
    "best",
    "runner",
    "offered",
    "best_right",
    "among",
    "r_right",
    "r_wrong",
    "r_top1",
    "r_among",
    "r_decline",
    "r_suggest",
    "r_answer",
    "r_first",
    "r_shown",
    "next_p",
    "bare",
)


def best_cutoffs(chosen: list[Sample], probabilities: list[dict[str, float]]) -> Cutoffs:
    """The cutoffs of the grid with the best objective; among those within TIE of it (which the data cannot
    tell apart), the ones that keep the most of the rules' answers (the lowest `confirm`)."""
    table = Table(chosen, probabilities)
    tried: list[tuple[float, Cutoffs]] = []
    grid = itertools.product(GRID_ANSWER, GRID_LEAD, GRID_SUGGEST, GRID_OVERRIDE, GRID_CONFIRM)
    for answer, lead, suggest, override, confirm in grid:
        if confirm > answer and confirm < 1.0:
            continue
        cutoffs = Cutoffs(answer, lead, suggest, override, confirm)
        tried.append((table.figures(cutoffs).objective(), cutoffs))
    top = max(score for score, _ in tried)
    close = [(score, c) for score, c in tried if score >= top - TIE]
    best = min(close, key=lambda pair: (pair[1].confirm, -pair[0]))[1]
    if GRID_KEEP == [0.0]:
        return best
    # then whether to keep the rules' choices the model finds unlikely, with `suggest` chosen anew beside it
    again = [
        (table.figures(replace(best, suggest=suggest, keep=keep)).objective(), keep, suggest)
        for keep in GRID_KEEP
        for suggest in GRID_SUGGEST
    ]
    _, keep, suggest = max(again, key=lambda t: (t[0], -t[1], -t[2]))
    return replace(best, suggest=suggest, keep=keep)


def out_of_fold(data: list[Sample], writers: list[str], excluded: frozenset[str]) -> list[dict[str, float]]:
    """Every sample's probabilities from a model trained without its writer (rows as `set_rows` sets them)."""
    set_rows(data, excluded)
    design = Design(data)
    result: list[dict[str, float]] = [{} for _ in data]
    for writer in writers:
        fitted = design.fit([s for s in data if s.writer != writer and s.writer in writers])
        held = [i for i, s in enumerate(data) if s.writer == writer]
        for i, p in zip(held, fitted.predict([data[i] for i in held]), strict=True):
            result[i] = p
    return result


def row(name: str, figures: Figures) -> str:
    shown, right, top1, wrong, among, declined = figures.rates()
    return (
        f"{name:18} right {right:6.1%}  top-1 {top1:6.1%}  wrong {wrong:5.1%} ({figures.wrong:2})  "
        f"among {among:6.1%}  shown {shown:6.1%}  declined {declined:6.1%}"
    )


def table(data: list[Sample], writers: list[str]) -> None:
    """The leave-one-writer-out table: each writer measured by a model trained on the others, its cutoffs chosen
    on their out-of-fold probabilities, beside the rules alone."""
    rules_total, model_total = Figures(), Figures()
    better = worse = 0
    print("leave-one-writer-out: rules | model (trained on the other writers, cutoffs chosen on their out-of-fold)")
    for writer in writers:
        others = [w for w in writers if w != writer]
        inner = [s for s in data if s.writer in others]
        cutoffs = best_cutoffs(inner, out_of_fold(inner, others, frozenset({writer})))
        test = [s for s in data if s.writer == writer]
        set_rows(test, frozenset())  # the held-out writer's rows: the entry classifier trained without it
        probabilities = Design(inner + test).fit(inner).predict(test)
        rules, model = measure(test, probabilities, None), measure(test, probabilities, cutoffs)
        print(row(writer, rules))
        print(row("  model", model), f"  cutoffs {cutoffs}")
        better += (model.right, -model.wrong) > (rules.right, -rules.wrong) and model.wrong <= rules.wrong
        worse += model.right < rules.right or model.wrong > rules.wrong
        for total, figures in ((rules_total, rules), (model_total, model)):
            for field in ("in_scope", "right", "top1", "among", "out", "declined", "wrong", "shown"):
                setattr(total, field, getattr(total, field) + getattr(figures, field))
    print(row("ALL rules", rules_total))
    print(row("ALL model", model_total))
    print(
        f"sets where the model answers more right (or as many, fewer wrong) without more wrong: {better} of "
        f"{len(writers)}; fewer right or more wrong: {worse}"
    )


def main() -> None:
    global TEXT_ON, CACHE, ENTRY_PRIORS, LIMIT, WRONG_MAX, DECLINED_MIN, WRONG, MISSED
    parser = argparse.ArgumentParser()
    parser.add_argument("--dry-run", action="store_true", help="print the table, write no model")
    parser.add_argument("--cache", type=Path, help="a folder keeping the entry classifiers between runs")
    parser.add_argument("--jobs", type=int, default=1, help="processes fitting the entry classifiers (with --cache)")
    parser.add_argument("--skip-table", action="store_true", help="the shipped model only (a fraction of the time)")
    parser.add_argument("--priors", action="store_true", help="with a weight per entry")
    parser.add_argument("--no-text", action="store_true", help="without the entry classifier's feature")
    parser.add_argument("--extra", default="", help="features to try, comma-separated: off, words")
    parser.add_argument("--no-keep", action="store_true", help="always keep the rules' choices")
    parser.add_argument("--limit", type=float, default=LIMIT, help="cost of each question beyond the limits")
    parser.add_argument("--wrong-max", type=float, default=WRONG_MAX)
    parser.add_argument("--declined-min", type=float, default=DECLINED_MIN)
    parser.add_argument("--wrong", type=float, default=WRONG, help="cost of a wrong answer")
    parser.add_argument("--missed", type=float, default=MISSED, help="cost of an out-of-scope question kept")
    args = parser.parse_args()
    LIMIT, WRONG_MAX, DECLINED_MIN = args.limit, args.wrong_max, args.declined_min
    WRONG, MISSED = args.wrong, args.missed
    EXTRA.update(x for x in args.extra.split(",") if x)
    if args.no_keep:
        GRID_KEEP[:] = [0.0]
    TEXT_ON = not args.no_text
    ENTRY_PRIORS = args.priors
    CACHE = args.cache
    data = samples()
    DATA_ALL.extend(data)
    writers = list(WRITERS)
    if args.jobs > 1 and TEXT_ON:
        if CACHE is None:
            parser.error("--jobs needs --cache")
        warm_cache(writers, args.jobs, pairs=not args.skip_table)
    if not args.skip_table:
        table(data, writers)

    cutoffs = best_cutoffs(data, out_of_fold(data, writers, frozenset()))
    fitted = Design(data).fit(data)
    text = text_model(data, frozenset())
    model = fitted.model
    linear = from_coefficients(("no", YES), model.intercept_, model.coef_, fitted.names(), smallest=1e-3)
    rounded = {f: tuple(round(w, 4) for w in ws) for f, ws in linear.weights.items()}
    linear = LinearModel(linear.classes, linear.intercept, rounded)
    print(f"final cutoffs {cutoffs}; {len(linear.weights)} weights")
    if args.dry_run:
        return
    document = json.loads(linear.to_json())
    document["cutoffs"] = asdict(cutoffs)
    MODELS.mkdir(exist_ok=True)
    path = MODELS / f"{NAME}.json"
    path.write_text(json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")
    if text is not None:
        path = MODELS / f"{TEXT}.json"
        path.write_text(text.to_json(TEXT_DIGITS) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes, {len(text.weights)} features)")


if __name__ == "__main__":
    main()
