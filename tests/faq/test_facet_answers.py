"""How one side (facet) of an entry is rendered."""

from __future__ import annotations

from bot.content import ContentPack
from bot.faq import answers


def test_what_an_entry_is_without_a_part_of_its_own_is_the_whole_answer(content: ContentPack) -> None:
    entry = next(e for e in content.entries.values() if "what" not in e.facets and e.answer.strip())
    reply = answers.render_facet(content, entry, "what")
    assert "没写" not in reply.text.split("\n")[1]
    assert reply.text.startswith(f"【{entry.title}】") and entry.answer.strip().splitlines()[0] in reply.text


def test_a_side_the_notice_leaves_open_says_so_and_whom_to_ask(content: ContentPack) -> None:
    entry = next(e for e in content.entries.values() if "materials" not in e.facets and e.contacts)
    text = answers.render_facet(content, entry, "materials").text
    assert "要带哪些材料" in text and "先问" in text


def test_a_side_keeps_the_entrys_own_ways_to_go_on(content: ContentPack) -> None:
    """Asked where the jobs are, a laborer gets the button to the latest postings, not only the policy text."""
    entry = content.entries["job-postings"]
    assert entry.actions
    for facet in ("where", "how"):
        data = [b.data for b in answers.render_facet(content, entry, facet).buttons]
        assert data[: len(entry.actions)] == [a.data for a in entry.actions]
        assert data[-1] == "faq:job-postings"


def test_how_long_hires_must_work_is_the_employer_subsidys_time_side(content: ContentPack) -> None:
    """ "干多久能申请" about the employer's subsidy: the notice names how long the new hires must have worked
    (3 months in a 帮扶车间, half a year in a small firm), not when it is paid; the answer says both."""
    text = answers.render_facet(content, content.entries["employer-hiring-subsidy"], "when").text
    assert "3个月" in text and "半年" in text and "通知里没写" in text
