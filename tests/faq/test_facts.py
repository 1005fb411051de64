"""The facts check ties every sentence to the source clauses it restates; staff answers are checked too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import ContentError, ContentPack, load_content
from bot.facts import sentence_problems, unsourced_numbers
from bot.faq.staff import staff_answer_problems
from tests.conftest import CONTENT

GLOSSARY = {"第一书记": ("第一书记",), "亲属": ("亲属",)}


def content_problems(tmp_path: Path, file: str, old: str, new: str) -> list[str]:
    root = tmp_path / f"content-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(CONTENT, root)
    path = root / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return caught.value.problems


def test_a_sentence_may_say_only_what_its_basis_says() -> None:
    basis = ["由本人亲属、乡村干部、驻村帮扶干部代为申请办理"]
    assert sentence_problems("可以请亲属代办", basis, GLOSSARY) == []
    assert sentence_problems("可以请亲属、第一书记代办", basis, GLOSSARY) == ["mentions '第一书记'"]
    assert sentence_problems("每人每天15元", basis, GLOSSARY) == ["states '15'"]
    assert sentence_problems("每个乡镇都有服务站", basis, GLOSSARY) == ["claims '都有'"]


def test_the_claims_the_notice_does_not_support_are_caught_at_load(tmp_path: Path) -> None:
    """The kind of claim an earlier content pack made: 第一书记 as a proxy, a directive as a fact."""
    found = content_problems(tmp_path, "faq/proxy-application.toml", "· 驻村帮扶干部。", "· 驻村帮扶干部、第一书记。")
    assert any("proxy-application" in p and "'第一书记'" in p for p in found)
    found = content_problems(
        tmp_path, "contacts.toml", "通知要求各乡镇组建，到乡镇上当面问", "每个乡镇都有，到乡镇上问"
    )
    assert any(p.startswith("contacts.toml: township-station:") and "'都有'" in p for p in found)


def test_a_basis_must_quote_the_source(tmp_path: Path) -> None:
    found = content_problems(
        tmp_path, "faq/training-allowance.toml", "每人每天 15 元的培训生活补贴", "每人每天 25 元的培训生活补贴"
    )
    assert any("basis" in p and "25" in p for p in found)


def test_every_facet_names_a_known_facet_and_silent_facets_are_absent(content: ContentPack) -> None:
    for entry in content.entries.values():
        assert set(entry.facets) <= {"what", "who", "amount", "how", "where", "materials", "when", "proxy"}
    # the notice gives no amount for the transport subsidy and no materials list for anything
    assert "amount" not in content.entries["transport-subsidy"].facets
    assert all("materials" not in e.facets for e in content.entries.values())
    assert content.entries["training-allowance"].facets["amount"].text == "每人每天15元。"


def test_staff_answers_may_state_only_sourced_numbers(content: ContentPack) -> None:
    assert unsourced_numbers("每人每天15元", [s.text for s in content.sources.values()]) == []
    refused = staff_answer_problems(content, "请打电话0350-1234567，补贴每人500元")
    assert refused is not None and "0350-1234567" in refused and "500" in refused
    assert "content/sources.toml" in refused  # says how to add the source
    assert staff_answer_problems(content, "请问村委会，按通知每人每天15元。") is None
