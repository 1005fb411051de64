"""Staff answers pass the same facts check as the FAQ: every number and phone number they state must
appear in a source document in `content/sources/` (or, for a question from a county that publishes its own
documents, in one of those); otherwise the answer is refused with how to fix it."""

from __future__ import annotations

from bot.content import ContentPack
from bot.facts import unsourced_numbers

HOW_TO_SOURCE = (
    "答复里的数字或电话在来源文件里找不到：{found}。\n"
    "机器人只说来源文件写明的金额、日期和电话。请去掉这些数字，或者先把写明它们的文件放进 content/sources/、"
    "在 content/sources.toml 里登记（document、title、date、file），运行 `python -m bot content check` 后再答复。\n"
    "Refused: {found} appear in no source document in content/sources/ (add the document and list it in "
    "content/sources.toml, or leave the numbers out)."
)


def staff_answer_problems(content: ContentPack, answer: str, county_id: str | None = None) -> str | None:
    """Why a staff answer may not be stored, or None when every number in it has a source (a shared one, or
    one of the asker's county `county_id`)."""
    county = content.counties.get(county_id or "")
    own = county.sources.values() if county is not None else ()
    found = unsourced_numbers(answer, (d.text for d in (*content.sources.values(), *own)))
    if not found:
        return None
    return HOW_TO_SOURCE.format(found="、".join(dict.fromkeys(found)))
