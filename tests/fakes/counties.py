"""A two-county content tree for the multi-county tests: the shipped content as county `wuzhai` plus the
fictional county `yangli` (tests/fixtures/counties), in the layout of content/README.md."""

from __future__ import annotations

import functools
import shutil
import tempfile
from pathlib import Path

from bot.content import ContentPack, load_content

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "counties"
WUZHAI_OVERLAY = 'name = "五寨县"\nadopts = ["五人社函〔2023〕24号"]\n'
COUNTIES = 'prefecture = "示例市"\ndefault = "wuzhai"\norder = ["wuzhai", "yangli"]\n'


def two_county_tree(into: Path) -> Path:
    """Write the tree under `into` and return it."""
    content = into / "content"
    shutil.copytree(ROOT / "content", content)
    wuzhai = content / "counties" / "wuzhai"
    wuzhai.mkdir(parents=True)
    (content / "townships.toml").rename(wuzhai / "townships.toml")
    (wuzhai / "county.toml").write_text(WUZHAI_OVERLAY, encoding="utf-8")
    shutil.copytree(FIXTURE / "yangli", content / "counties" / "yangli")
    (content / "counties.toml").write_text(COUNTIES, encoding="utf-8")
    return content


@functools.cache
def two_counties() -> ContentPack:
    """The two-county pack, loaded once per test run."""
    return load_content(two_county_tree(Path(tempfile.mkdtemp(prefix="counties-"))))
