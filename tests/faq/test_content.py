"""The content pack: coverage of the required topics, the facts rule, and validation errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.content import ContentError, ContentPack, load_content
from tests.conftest import CONTENT, SHARED


def required_topic_ids() -> list[str]:
    text = (SHARED / "content-topics.md").read_text(encoding="utf-8")
    return [i for i in re.findall(r"^\| ([a-z0-9-]+) \|", text, flags=re.MULTILINE) if i != "id"]


def test_every_required_topic_has_an_entry(content: ContentPack) -> None:
    ids = required_topic_ids()
    assert len(ids) >= 19
    missing = [i for i in ids if i not in content.entries]
    assert not missing


def test_entries_are_complete(content: ContentPack) -> None:
    for entry in content.entries.values():
        assert entry.source.document == "五人社函〔2023〕24号", entry.id
        assert entry.source.section, entry.id
        assert len(entry.questions) >= 12, entry.id
        assert entry.contacts, entry.id


def test_silent_amounts_are_not_invented(content: ContentPack) -> None:
    """The notice gives no amount for these subsidies: the answer must say whom to ask instead."""
    for entry_id in ("transport-subsidy", "job-retention-subsidy", "startup-subsidy", "venue-rent-subsidy"):
        answer = content.entries[entry_id].answer
        assert "以县人社局公布为准" in answer, entry_id
        assert not re.search(r"\d+\s*元", answer), entry_id
    assert "15" in content.entries["training-allowance"].answer  # the one amount the notice gives


def test_townships_from_the_notice(content: ContentPack) -> None:
    names = {t.name for t in content.townships.values()}
    assert {
        "砚城镇",
        "小河头镇",
        "三岔镇",
        "前所乡",
        "李家坪乡",
        "孙家坪乡",
        "韩家楼乡",
        "胡会乡",
        "东秀庄乡",
        "杏岭子乡",
    } <= names
    assert content.township_by_name("三岔") is not None
    assert all(t.id.isascii() for t in content.townships.values())  # usable in deep-link payloads


def broken_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return caught.value.problems


def test_invented_number_and_phone_are_caught(tmp_path: Path) -> None:
    root = broken_copy(tmp_path)
    entry = root / "faq" / "transport-subsidy.toml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(
        text.replace('answer = """', 'answer = """\n每人补贴500元，电话0350-1234567。', 1), encoding="utf-8"
    )
    found = problems(root)
    assert any(p.startswith("faq/transport-subsidy.toml: transport-subsidy:") and "phone" in p for p in found)
    assert any("'500'" in p for p in found)


def test_broken_references_and_fields_are_named(tmp_path: Path) -> None:
    root = broken_copy(tmp_path)
    entry = root / "faq" / "wage-arrears.toml"
    text = entry.read_text(encoding="utf-8")
    text = re.sub(r'category = "[^"]+"', 'category = "nope"', text, count=1)
    text = re.sub(r"related = \[[^\]]*\]", 'related = ["no-such-entry"]', text, count=1)
    text = text.replace("[source]\n", '[source]\nsecton = "typo"\n')
    entry.write_text('colour = "red"\n' + text, encoding="utf-8")
    (root / "faq" / "Bad Name.toml").write_text('title = "x"\n', encoding="utf-8")
    (root / "faq" / "broken.toml").write_text('title = "unterminated\n', encoding="utf-8")
    found = "\n".join(problems(root))
    assert "faq/wage-arrears.toml: wage-arrears: unknown category 'nope'" in found
    assert "faq/wage-arrears.toml: wage-arrears: related entry 'no-such-entry' does not exist" in found
    assert "faq/wage-arrears.toml: wage-arrears: unknown field 'colour'" in found
    assert "faq/wage-arrears.toml: wage-arrears: unknown field 'source.secton'" in found
    assert "faq/Bad Name.toml" in found
    assert "faq/broken.toml: not valid TOML" in found


def test_duplicate_question_across_entries_is_caught(tmp_path: Path) -> None:
    root = broken_copy(tmp_path)
    entry = root / "faq" / "startup-loan.toml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("questions = [", 'questions = [\n  "交通补贴咋领",', 1), encoding="utf-8")
    assert any("交通补贴咋领" in p and "also listed" in p for p in problems(root))


def test_missing_files_are_named(tmp_path: Path) -> None:
    root = broken_copy(tmp_path)
    (root / "synonyms.toml").unlink()
    (root / "userdict.txt").unlink()
    found = problems(root)
    assert "synonyms.toml: file is missing" in found and "userdict.txt: file is missing" in found


def test_bad_actions_are_named(tmp_path: Path) -> None:
    root = broken_copy(tmp_path)
    entry = root / "faq" / "job-postings.toml"
    entry.write_text(
        entry.read_text(encoding="utf-8") + '\n[[actions]]\nlabel = "看看"\ndata = "招聘"\n', encoding="utf-8"
    )
    assert any(p.startswith("faq/job-postings.toml: job-postings: each [[actions]]") for p in problems(root))


@pytest.mark.parametrize(
    ("referral", "problem"),
    [
        ('to = "startup-loan"', "[[refer]] entry 'startup-loan' must be one of its related entries"),
        ('facet = "colour"\nto = "startup-loan"', "[[refer]] facet must be one of"),
        ('to = "startup-loan"\nfollowup = true', "[[refer]] followup is true or false, and true needs words"),
        ('to = "startup-loan"\nfollowup = "yes"', "[[refer]] followup is true or false, and true needs words"),
    ],
)
def test_a_referral_must_name_a_related_entry_and_a_known_facet(tmp_path: Path, referral: str, problem: str) -> None:
    root = broken_copy(tmp_path)
    entry = root / "faq" / "wage-arrears.toml"
    entry.write_text(entry.read_text(encoding="utf-8") + f"\n[[refer]]\n{referral}\n", encoding="utf-8")
    assert f"faq/wage-arrears.toml: wage-arrears: {problem}" in "\n".join(problems(root))
