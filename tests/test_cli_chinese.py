"""The operator's command line speaks Chinese: help texts, errors and outputs; times in Beijing time (+08:00);
long work shows progress and the time left on a terminal."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest

from bot import cli
from bot.logs import ShanghaiFormatter
from bot.progress import TerminalProgress
from tests.fakes.cli import run
from tests.fakes.roster_data import KEY, person_row, write_xlsx

COMMANDS = [
    [],
    ["report"],
    ["briefing"],
    ["briefing", "send"],
    ["roster"],
    ["roster", "import"],
    ["roster", "codes"],
    ["staff", "add"],
    ["postings"],
    ["postings", "progress"],
    ["questions"],
    ["content"],
    ["web", "invite"],
    ["db"],
    ["db", "copy"],
]
ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "the following", "invalid choice")


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: " ".join(w) or "main")
def test_help_is_chinese(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.build_parser().parse_args([*words, "-h"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：") and "显示这段帮助并退出" in text
    assert not any(word in text.lower() for word in ENGLISH), text
    helps = re.findall(r"^ {2,}(?:-\S+.*?|\S+)\s{2,}(.+)$", text, flags=re.M)
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in helps), helps  # every option explained in Chinese


def test_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    for words, expected in (
        (["report", "nonsense"], "参数 种类 不能是 nonsense"),
        (["roster", "import"], "缺少参数：file"),
        (["report", "reach", "--campaign", "x"], "参数 --campaign 的值不对：x"),
    ):
        with pytest.raises(SystemExit) as done:
            cli.build_parser().parse_args(words)
        assert done.value.code == 2
        err = capsys.readouterr().err
        assert "错误：" in err and expected in err and "usage" not in err, err


def test_briefing_list_and_audit_read_as_chinese_in_beijing_time(tmp_path: Path) -> None:
    env = {"BOT_ROSTER_ID_KEY": KEY}
    ledger = write_xlsx(tmp_path / "l.xlsx", [person_row(i) for i in range(1, 4)])
    assert run(["roster", "import", str(ledger)], tmp_path, **env).returncode == 0
    assert run(["briefing", "send", "service-1131", "--township", "孙家坪乡"], tmp_path, **env).returncode == 0
    listed = run(["briefing", "list"], tmp_path, **env)
    assert listed.returncode == 0, listed.stderr
    assert "{" not in listed.stdout and "'" not in listed.stdout  # no Python dicts
    line = next(x for x in listed.stdout.splitlines() if x.strip().startswith("#1"))
    assert ("孙家坪乡" in line and "“1131”" in line) or "1131" in line
    audit = run(["roster", "audit"], tmp_path, **env).stdout
    stamps = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", audit)
    assert stamps and "北京时间" in audit and "T" not in "".join(stamps)


def test_log_lines_are_stamped_in_beijing_time() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hi", None, None)
    record.created = 1764633600.0  # 2025-12-02 00:00 UTC
    assert ShanghaiFormatter("%(asctime)s %(message)s").format(record) == "2025-12-02T08:00:00.000+08:00 hi"


def test_export_to_an_unknown_format_is_refused(tmp_path: Path) -> None:
    result = run(["report", "export", "--out", str(tmp_path / "x.pdf")], tmp_path)
    assert result.returncode == 2 and ".xlsx 或 .csv" in result.stderr
    csv = run(["report", "export", "--out", str(tmp_path / "x.csv")], tmp_path)
    assert csv.returncode == 0, csv.stderr
    assert (tmp_path / "x.csv").read_text(encoding="utf-8-sig").startswith("务工台账")


def test_progress_line_shows_the_time_left() -> None:
    out = io.StringIO()
    progress = TerminalProgress("导入", enabled=True, stream=out)
    assert "约 9 秒后完成" in progress.line(1000, 10000, 1.0)
    assert "（10%）" in progress.line(1000, 10000, 1.0) and "每秒 1,000 行" in progress.line(1000, 10000, 1.0)
    progress(10000, 10000)
    progress.finish()
    assert out.getvalue().startswith("\r导入：10,000/10,000 行（100%）") and out.getvalue().endswith("\n")
    quiet = io.StringIO()
    TerminalProgress("导入", stream=quiet)(5, 10)  # not a terminal, not asked: nothing
    assert quiet.getvalue() == ""


def test_import_shows_progress_when_asked(tmp_path: Path) -> None:
    ledger = write_xlsx(tmp_path / "l.xlsx", [person_row(i) for i in range(1, 4)])
    result = run(["roster", "import", str(ledger), "--progress"], tmp_path, BOT_ROSTER_ID_KEY=KEY)
    assert result.returncode == 0 and "导入：3/" in result.stderr and "已导入：新增 3 人" in result.stdout
