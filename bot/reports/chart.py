"""A PNG bar chart of a briefing's reach by township, with Chinese labels in a bundled CJK font.

The font (Noto Sans CJK SC) comes from the `mplfonts` package, a project dependency, so the chart never
depends on what fonts the host has; without it the chart refuses to draw rather than render empty boxes.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from bot.clock import local_time
from bot.content import ContentPack
from bot.reports.rollup import by_county
from bot.reports.service import by_township, in_order, place
from bot.reports.workbook import rate_text
from storage.reports import ReachRow

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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


def reach_chart(rows: Sequence[ReachRow], content: ContentPack, title: str, made_at: datetime | None = None) -> bytes:
    """The reach chart as PNG bytes (for chat, the page and `report chart --out x.png`).

    CPU work of a few hundred ms: chat handlers run it in a thread (asyncio.to_thread), off the event loop."""
    with _DRAWING:
        out = io.BytesIO()
        reach_figure(rows, content, title, made_at).savefig(out, format="png")
        return out.getvalue()


def reach_figure(rows: Sequence[ReachRow], content: ContentPack, title: str, made_at: datetime | None = None) -> Figure:
    """Grouped bars per township (per village when there is one township), in the county's official order;
    per county when the rows span several counties (the prefecture).

    The title is Chinese (the briefing's title, never its file id), with the time made under it; every bar
    carries its value and every group its 触达率 (delivered / targeted).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    font_path = cjk_font()
    font_manager.fontManager.addfont(str(font_path))
    family = font_manager.FontProperties(fname=str(font_path)).get_name()
    one_township = len({r.township_id for r in rows}) == 1
    groups = in_order(content, rows if one_township else by_township(rows))
    if len({content.county_of(r.township_id) for r in rows}) > 1:
        groups = by_county(rows, content)  # the prefecture: one group per county
    names = [
        f"{r.village or place(content, r.township_id)}\n触达率 {rate_text(r.delivered, r.targeted)}" for r in groups
    ]
    series = [
        ("目标", [r.targeted for r in groups], "#9e9e9e"),
        ("已送达", [r.delivered for r in groups], "#1976d2"),
        ("已确认", [r.confirmed for r in groups], "#388e3c"),
        ("联系不上", [r.unreachable for r in groups], "#d32f2f"),
        ("未绑定", [r.not_bound for r in groups], "#f9a825"),
    ]
    fig = Figure(figsize=(max(7.0, 1.4 * len(names) + 2), 5.2), dpi=110)
    ax = fig.subplots()
    width = 0.16
    for i, (label, values, color) in enumerate(series):
        bars = ax.bar([x + (i - 2) * width for x in range(len(names))], values, width, label=label, color=color)
        ax.bar_label(bars, fontsize=6, padding=1)
    ax.set_xticks(list(range(len(names))), names, fontfamily=family, fontsize=8, rotation=30 if len(names) > 8 else 0)
    ax.set_ylabel("人数", fontfamily=family)
    ax.margins(y=0.12)
    total = sum(r.targeted for r in groups)
    delivered = sum(r.delivered for r in groups)
    moment = local_time((made_at or datetime.now(UTC)).isoformat())
    fig.suptitle(title, fontfamily=family, fontsize=13)
    ax.set_title(
        f"截至 {moment}（北京时间）  目标 {total} 人，已送达 {delivered} 人，触达率 {rate_text(delivered, total)}",
        fontfamily=family,
        fontsize=9,
    )
    ax.legend(prop={"family": family}, ncols=5, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2))
    fig.tight_layout()
    return fig
