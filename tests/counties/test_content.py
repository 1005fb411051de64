"""The area hierarchy in content/: one county with no extra configuration, several with counties.toml; a
county's overlay is checked like the shared content (its numbers only from its own document)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content import ContentError, ContentPack, load_content
from tests.conftest import CONTENT
from tests.fakes.counties import two_counties, two_county_tree


def test_the_shipped_content_is_one_county_with_no_extra_configuration(content: ContentPack) -> None:
    assert list(content.counties) == ["wuzhai"] and content.default_county == "wuzhai"
    assert not content.multi
    assert content.counties["wuzhai"].townships == tuple(content.townships)
    assert content.in_county("wuzhai") is content  # one county: the pack itself, no overlay


def test_townships_toml_without_a_county_name_still_loads(tmp_path: Path) -> None:
    tree = two_county_tree(tmp_path)  # reuse the copied pack, then put it back into the one-county layout
    (tree / "counties" / "wuzhai" / "townships.toml").rename(tree / "townships.toml")
    (tree / "counties.toml").unlink()
    text = (tree / "townships.toml").read_text(encoding="utf-8")
    (tree / "townships.toml").write_text(text.replace('county = "wuzhai"\n', ""), encoding="utf-8")
    pack = load_content(tree)
    assert not pack.multi and list(pack.townships) == list(load_content(CONTENT).townships)


def test_two_counties_in_order_each_in_its_official_order() -> None:
    pack = two_counties()
    assert pack.multi and list(pack.counties) == ["wuzhai", "yangli"] and pack.default_county == "wuzhai"
    assert list(pack.townships)[-3:] == ["dongchuan", "xiling", "yl-qiansuo"]
    assert pack.township_rank("yancheng") < pack.township_rank("minsheng") < pack.township_rank("dongchuan")
    assert pack.county_of("xiling") == "yangli" and pack.county_of("sunjiaping") == "wuzhai"
    assert pack.county_of(None) == "wuzhai"  # unbound: the deployment's default


def test_a_name_two_counties_use_needs_the_county() -> None:
    pack = two_counties()
    assert pack.township_by_name("前所乡") is None
    found = pack.township_by_name("前所乡", "yangli")
    assert found is not None and found.id == "yl-qiansuo"
    wuzhai = pack.township_by_name("前所乡", "wuzhai")
    assert wuzhai is not None and wuzhai.id == "qiansuo"
    assert pack.township_by_name("东川镇", "wuzhai") is None


def _broken(tmp_path: Path, old: str, new: str, file: str = "counties/yangli/county.toml") -> list[str]:
    tree = two_county_tree(tmp_path)
    path = tree / file
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(tree)
    return caught.value.problems


def test_an_overlay_amount_its_document_does_not_give_is_refused(tmp_path: Path) -> None:
    problems = _broken(tmp_path, 'text = "样例县的标准是每人每天20元。"', 'text = "样例县的标准是每人每天25元。"')
    assert any("counties/yangli/county.toml" in p and "'25'" in p for p in problems), problems


def test_an_overlay_basis_not_in_the_document_is_refused(tmp_path: Path) -> None:
    problems = _broken(tmp_path, 'basis = ["培训生活补贴标准为每人每天20元"]', 'basis = ["每人每天25元"]')
    assert any("is not in 样人社发〔2024〕1号" in p for p in problems), problems


def test_an_overlay_for_an_unknown_entry_or_contact_is_refused(tmp_path: Path) -> None:
    problems = _broken(tmp_path, 'entry = "training-allowance"', 'entry = "no-such-entry"')
    assert any("names no FAQ entry" in p for p in problems), problems


def test_a_township_id_in_two_counties_is_refused(tmp_path: Path) -> None:
    problems = _broken(tmp_path, '"xiling"', '"sancha"', "counties/yangli/townships.toml")
    assert any("township id is used in another county" in p for p in problems), problems


def test_counties_toml_with_a_root_townships_toml_is_refused(tmp_path: Path) -> None:
    tree = two_county_tree(tmp_path)
    (tree / "townships.toml").write_text((tree / "counties/wuzhai/townships.toml").read_text(encoding="utf-8"))
    with pytest.raises(ContentError) as caught:
        load_content(tree)
    assert any(p.startswith("townships.toml") for p in caught.value.problems)


def test_a_county_view_states_only_its_own_numbers() -> None:
    yangli = two_counties().in_county("yangli")
    training = yangli.entries["training-allowance"]
    assert "20元" in training.answer and "15" not in training.answer
    assert training.facets["amount"].source is not None
    assert "样人社发〔2024〕1号" in yangli.citation(training)
    transport = yangli.entries["transport-subsidy"]
    assert "amount" not in transport.facets and "样例县还没有公布" in transport.answer
    assert yangli.contacts["bureau"].name == "样例县人社局"
    wuzhai = two_counties().in_county("wuzhai")
    assert "15元" in wuzhai.entries["training-allowance"].answer  # the county that adopts the shared notice


def test_a_county_that_adopts_the_notice_but_publishes_its_own_amount_states_only_its_own(tmp_path: Path) -> None:
    tree = two_county_tree(tmp_path)
    path = tree / "counties" / "yangli" / "county.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("adopts = []", 'adopts = ["五人社函〔2023〕24号"]'))
    yangli = load_content(tree).in_county("yangli")
    training = yangli.entries["training-allowance"]
    assert "20元" in training.answer and "15" not in training.answer
    assert yangli.entries["transport-subsidy"] == load_content(CONTENT).entries["transport-subsidy"]
