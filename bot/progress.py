"""Progress of long work (imports, exports) in the terminal: done / total, rate and the time left, on stderr.

Shown only when stderr is a terminal (or when asked with --progress), redrawn at most a few times a second,
so piping a command's output into a file stays clean. The pages use the same (done, total) callbacks.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def eta_text(seconds: float) -> str:
    if seconds < 60:
        return f"{max(seconds, 1):.0f} 秒"
    if seconds < 3600:
        return f"{seconds // 60:.0f} 分 {seconds % 60:.0f} 秒"
    return f"{seconds // 3600:.0f} 小时 {seconds % 3600 // 60:.0f} 分"


class TerminalProgress:
    """A callable (done, total) that redraws one status line: 导入 12,000/100,000 行（12%），约 8 秒后完成."""

    def __init__(self, label: str, enabled: bool | None = None, stream: TextIO | None = None, unit: str = "行") -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.label, self.unit = label, unit
        self.started = time.monotonic()
        self.shown_at = 0.0
        self.drawn = False

    def __call__(self, done: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.shown_at < 0.2 and (total is None or done < total):
            return
        self.shown_at = now
        self.stream.write("\r" + self.line(done, total, now - self.started) + "\x1b[K")
        self.drawn = True
        if total is not None and done >= total:
            self.finish()  # the line is complete: what is printed next starts on its own line
        self.stream.flush()

    def line(self, done: int, total: int | None, elapsed: float) -> str:
        rate = done / elapsed if elapsed > 0 else 0.0
        text = f"{self.label}：{done:,}"
        if total:
            text += f"/{total:,} {self.unit}（{min(100, 100 * done // total)}%）"
            if 0 < done < total and rate > 0:
                text += f"，约 {eta_text((total - done) / rate)}后完成"
        else:
            text += f" {self.unit}"
        if rate > 0:
            text += f"，每秒 {rate:,.0f} {self.unit}"
        return text

    def finish(self) -> None:
        """End the status line (call once the work is done)."""
        if self.enabled and self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False
