"""Running `python -m bot …` as a real process, the way an operator does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def run(args: list[str], tmp_path: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "data"), "BOT_CONFIG": "", **env}
    environ.pop("BOT_CONFIG")
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
