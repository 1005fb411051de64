"""A PNG bar chart of a briefing's reach by township, with Chinese labels in a bundled CJK font.

The font (Noto Sans CJK SC) comes from the `mplfonts` package, a project dependency, so the chart never
depends on what fonts the host has; without it the chart refuses to draw rather than render empty boxes.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from bot.content import ContentPack
from bot.reports.service import by_township, place
from storage.reports import ReachRow

FONT_FILE = "NotoSansCJKsc-Regular.otf"


class ChartFontMissing(RuntimeError):
    """No CJK font: Chinese labels would be drawn as empty boxes."""


def cjk_font() -> Path:
    try:
        path = Path(str(resources.files("mplfonts") / "fonts" / FONT_FILE))
    except ModuleNotFoundError:
        path = Path("/nonexistent")
    if not path.is_file():
        raise ChartFontMissing(f"CJK font {FONT_FILE} not found: install the project (pip install -e .) for mplfonts")
    return path


_DRAWING = threading.Lock()  # matplotlib's font manager is process-wide: one chart at a time


def reach_chart(rows: Sequence[ReachRow], content: ContentPack, title: str) -> bytes:
    """Grouped bars per township: targeted, delivered, confirmed, unreachable, not bound.

    CPU work of a few hundred ms: chat handlers run it in a thread (asyncio.to_thread), off the event loop."""
    with _DRAWING:
        return _draw(rows, content, title)


def _draw(rows: Sequence[ReachRow], content: ContentPack, title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font_path = cjk_font()
    font_manager.fontManager.addfont(str(font_path))
    family = font_manager.FontProperties(fname=str(font_path)).get_name()
    townships = by_township(rows)
    names = [place(content, r.township_id) for r in townships]
    series = [
        ("目标", [r.targeted for r in townships], "#9e9e9e"),
        ("已送达", [r.delivered for r in townships], "#1976d2"),
        ("已确认", [r.confirmed for r in townships], "#388e3c"),
        ("联系不上", [r.unreachable for r in townships], "#d32f2f"),
        ("未绑定", [r.not_bound for r in townships], "#f9a825"),
    ]
    fig = Figure(figsize=(max(6.0, 1.1 * len(names) + 2), 4.5), dpi=110)
    ax = fig.subplots()
    width = 0.16
    for i, (label, values, color) in enumerate(series):
        ax.bar([x + (i - 2) * width for x in range(len(names))], values, width, label=label, color=color)
    ax.set_xticks(list(range(len(names))), names, fontfamily=family, rotation=30 if len(names) > 6 else 0)
    ax.set_ylabel("人数", fontfamily=family)
    ax.set_title(title, fontfamily=family)
    ax.legend(prop={"family": family}, ncols=5, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()
