"""The command line, run as a real process the way an operator runs it."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import sys
from pathlib import Path

from tests.conftest import CONTENT, ROOT
from tests.fakes.cli import run


def test_ask_json_reads_many_questions_from_stdin(tmp_path: Path) -> None:
    questions = ["交通补贴咋领", "今天天气怎么样", "", "补贴"]
    result = run(["ask", "--json"], tmp_path, stdin="\n".join(questions) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["question"] for r in rows] == ["交通补贴咋领", "今天天气怎么样", "补贴"]
    assert rows[0]["outcome"] == "answer" and rows[0]["entry"] == "transport-subsidy"
    assert rows[1]["outcome"] == "decline" and rows[1]["entry"] is None
    for row in rows:
        assert set(row) >= {"question", "outcome", "entry", "suggestions", "score"}
    assert not (tmp_path / "data").exists()  # `ask` is a content tool: it logs nothing


def test_content_tools_echo_personal_numbers_masked(tmp_path: Path) -> None:
    message = "俺电话13812345678 身份证142201199001011234 交通补贴咋还没到"
    for command in (["ask", "--json"], ["ask"], ["chat", "--json"]):
        result = run(command, tmp_path, stdin=message + "\n")
        assert result.returncode == 0, result.stderr
        assert "138****5678" in result.stdout and "1234" in result.stdout
        assert "13812345678" not in result.stdout and "199001011234" not in result.stdout


def test_ask_plain_from_arguments(tmp_path: Path) -> None:
    result = run(["ask", "老板不给工钱咋办"], tmp_path)
    assert result.returncode == 0 and "wage-arrears" in result.stdout


def test_content_check_names_file_and_entry(tmp_path: Path) -> None:
    assert run(["content", "check"], tmp_path).returncode == 0
    broken = tmp_path / "content"
    shutil.copytree(CONTENT, broken)
    entry = broken / "faq" / "training-allowance.toml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("15", "25", 1), encoding="utf-8")
    result = run(["content", "check"], tmp_path, BOT_CONTENT_DIR=str(broken))
    assert result.returncode == 1
    assert "faq/training-allowance.toml: training-allowance:" in result.stderr and "'25'" in result.stderr
    # the bot refuses to start on invalid content
    assert run(["chat"], tmp_path, BOT_CONTENT_DIR=str(broken)).returncode == 1


def test_chat_then_staff_answers_the_open_question(tmp_path: Path) -> None:
    result = run(["chat"], tmp_path, stdin="交通补贴咋领\n劳务派遣公司靠谱不\n退出\n")
    assert result.returncode == 0, result.stderr
    assert "依据：" in result.stdout and "已经记下" in result.stdout
    listed = run(["questions"], tmp_path)
    assert "劳务派遣公司靠谱不" in listed.stdout
    line = next(x for x in listed.stdout.splitlines() if x.startswith("#"))  # under the header line
    question_id = line.split("\t", 1)[0].lstrip("#")
    answered = run(["questions", "answer", question_id, "请找村委会。"], tmp_path)
    assert answered.returncode == 0, answered.stderr
    assert "劳务派遣公司靠谱不" not in run(["questions"], tmp_path).stdout
    assert run(["questions", "answer", "999", "x"], tmp_path).returncode == 1


def test_unwritable_data_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = run(["chat"], tmp_path, BOT_DATA_DIR=str(blocker / "data"))
    assert result.returncode == 1 and "data directory" in result.stderr


def test_bad_config_is_named(tmp_path: Path) -> None:
    result = run(["chat"], tmp_path, BOT_HTTP_PORT="lots")
    assert result.returncode == 2 and "BOT_HTTP_PORT" in result.stderr


async def test_serve_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    environ = {**os.environ, "BOT_DATA_DIR": str(tmp_path / "data"), "BOT_HTTP_PORT": "0", "PYTHONPATH": str(ROOT)}
    environ.pop("BOT_CONFIG", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot", "serve"),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=tmp_path,
        env=environ,
    )
    assert proc.stderr is not None
    log: list[str] = []
    try:
        async with asyncio.timeout(60):  # only a guard against hanging
            while not any("serving on" in line for line in log):  # logged once SIGTERM is handled
                line = await proc.stderr.readline()
                if not line:
                    break
                log.append(line.decode())
        proc.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(proc.communicate(), 60)
        log.append(rest.decode())
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    err = "".join(log)
    assert proc.returncode == 0, err
    assert "shutting down" in err


def test_invalid_briefing_stops_the_bot(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    shutil.copytree(CONTENT, broken)
    (broken / "briefings" / "bad.toml").write_text('title = "补贴"\ntext = "每人发500元"\n', encoding="utf-8")
    result = run(["content", "check"], tmp_path, BOT_CONTENT_DIR=str(broken))
    assert result.returncode == 1 and "briefings/bad.toml" in result.stderr
    assert run(["ask", "交通补贴咋领"], tmp_path, BOT_CONTENT_DIR=str(broken)).returncode == 1


def test_chat_json_reads_conversations_and_reports_each_message(tmp_path: Path) -> None:
    stdin = "你好\n创业补贴是啥\n补多少\n\n补多少\n天气咋样\n"
    result = run(["chat", "--json"], tmp_path, stdin=stdin)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["outcome"] for r in rows] == ["smalltalk", "answer", "answer", "suggest", "decline"]
    assert rows[2]["entry"] == "startup-subsidy" and rows[2]["facet"] == "amount"
    assert rows[3]["entry"] is None  # a new conversation: no topic to follow up on
    for row in rows:
        assert set(row) == {"message", "outcome", "entry", "facet", "suggestions", "queued", "replies"}
        assert row["queued"] is False and row["replies"]
    assert not (tmp_path / "data").exists()  # a throw-away database


def test_staff_answer_with_an_unsourced_number_is_refused(tmp_path: Path) -> None:
    assert run(["chat"], tmp_path, stdin="劳务派遣公司靠谱不\n退出\n").returncode == 0
    listed = run(["questions"], tmp_path).stdout
    question_id = next(x for x in listed.splitlines() if x.startswith("#")).split("\t", 1)[0].lstrip("#")
    refused = run(["questions", "answer", question_id, "电话0350-1234567，补贴每人500元"], tmp_path)
    assert refused.returncode == 1 and "content/sources" in refused.stderr and "500" in refused.stderr
    assert "劳务派遣公司靠谱不" in run(["questions"], tmp_path).stdout  # nothing stored
    assert run(["questions", "answer", question_id, "请问乡镇就业服务站。"], tmp_path).returncode == 0


def test_questions_take_release_and_answer_from_the_terminal(tmp_path: Path) -> None:
    assert run(["chat"], tmp_path, stdin="劳务派遣公司靠谱不\n退出\n").returncode == 0
    listed = run(["questions"], tmp_path).stdout
    question_id = next(x for x in listed.splitlines() if x.startswith("#")).split("\t", 1)[0].lstrip("#")
    assert "等人工答复" in listed
    assert run(["questions", "take", question_id, "--by", "张三"], tmp_path).returncode == 0
    assert "张三 处理中" in run(["questions"], tmp_path).stdout
    refused = run(["questions", "answer", question_id, "请找村委会。", "--by", "李四"], tmp_path)
    assert refused.returncode == 1 and "张三" in refused.stderr
    assert run(["questions", "release", question_id], tmp_path).returncode == 0
    assert "等人工答复" in run(["questions"], tmp_path).stdout
    assert run(["questions", "answer", question_id, "请找村委会。", "--by", "李四"], tmp_path).returncode == 0
