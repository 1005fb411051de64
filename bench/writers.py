"""The evaluation sets in bench/data by writer: each writer's single questions and their dialogues. The
training scripts (scripts/train_*.py) learn from all of them and measure leave-one-writer-out; the dialogue
table (bench/dialogue_sets.py) reads every writer's dialogues. Which sets are still unseen is in
bench/data/README.md; a new writer's set is measured before it is added here."""

from __future__ import annotations

WRITERS = {  # question set -> the same writer's dialogues (file names in bench/data, without .tsv)
    "faq-holdout": "dialogues-tune",
    **{f"heldout{n}-questions": f"heldout{n}-dialogues" for n in ("", "2", "3", "4", "5", "6", "7", "8", "9")},
    **{f"train{n}-questions": f"train{n}-dialogues" for n in (*range(10, 32), *range(34, 44))},
    # the tuning sets (studied, no longer honest measures), learnt from since session 18
    **{f"heldout{n}-questions": f"heldout{n}-dialogues" for n in (*range(10, 24), *range(25, 31))},
    **{f"train{n}-questions": f"train{n}-dialogues" for n in range(44, 48)},
    # written for training in session 19, measured once before (bench/data/README.md): 74 writers in all
    **{f"train{n}-questions": f"train{n}-dialogues" for n in range(48, 56)},
    # measured only until session 20, which read their follow-up misses: tuning sets since then, 78 writers in all
    **{f"heldout{n}-questions": f"heldout{n}-dialogues" for n in range(31, 35)},
}
DIALOGUES = tuple(WRITERS.values())
