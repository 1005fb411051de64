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
