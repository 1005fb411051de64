"""The texts the FAQ replies with: a whole entry, one facet of it (or what the notice does not say),
a decline that names whose business a question is, and a staff answer with who gave it and when."""

from __future__ import annotations

from bot.clock import local_time
from bot.content import ContentPack, FaqEntry
from bot.messages import Button, Reply

FACET_LABELS = {
    "what": "是什么",
    "who": "谁能享受",
    "amount": "给多少",
    "how": "怎么办",
    "where": "在哪办、找谁",
    "materials": "要带的材料",
    "when": "时间",
    "proxy": "别人代办",
}
# what the notice does not say, per facet, as the end of "通知里没写<title>…"
SILENT = {
    "what": "的具体内容",
    "who": "具体哪些人能享受",
    "amount": "具体给多少钱，标准以县人社局公布为准",
    "how": "具体怎么办手续",
    "where": "具体在哪办",
    "materials": "要带哪些材料",
    "when": "具体时间、多久能办下来",
    "proxy": "能不能让别人代办",
}
ALSO = "您是不是还想问："
WHOLE = "看全部说明"
HANDOVER_CONTACTS = ("village-liaison", "township-station", "bureau")


def whom_to_ask(content: ContentPack, entry: FaqEntry) -> str:
    return "、".join(content.contacts[c].name for c in entry.contacts)


def render_entry(content: ContentPack, entry: FaqEntry, also: tuple[str, ...] = ()) -> Reply:
    """An entry as a reply: title, answer, whom to ask, its source; related entries (or, when the match
    had close runners-up, those: "您是不是还想问…") as buttons."""
    text = f"【{entry.title}】\n{entry.answer}\n\n问谁：{whom_to_ask(content, entry)}\n依据：{content.citation(entry)}"
    actions = _actions(entry)
    if also:
        text += f"\n\n{ALSO}"
        others = tuple(Button(content.entries[e].title, f"faq:{e}") for e in also[:2])
        return Reply(text, actions + others)
    related = tuple(Button(content.entries[r].title, f"faq:{r}") for r in entry.related[:3])
    return Reply(text, actions + related)


def facet_text(content: ContentPack, entry: FaqEntry, facet: str) -> str:
    """The facet's text, or what the notice leaves open and whom to ask first."""
    part = entry.facets.get(facet)
    if part is not None:
        return part.text
    first = [content.contacts[c].name for c in entry.contacts[:2]]
    return f"{content.silent_about(entry)}{entry.title}{SILENT[facet]}。办之前先问{'或'.join(first)}。"


def render_facet(content: ContentPack, entry: FaqEntry, facet: str) -> Reply:
    """One side of an entry, short, with its source (a county's own document for its own facet), the entry's
    own actions and a way to the whole answer. What an entry is, when it keeps no separate part for that, is
    its whole answer: the notice is not silent about it."""
    if facet == "what" and facet not in entry.facets:
        return render_entry(content, entry)
    own = entry.facets[facet].source if facet in entry.facets else None
    cited = f"{own.document} {own.section}" if own else content.citation(entry)
    text = (
        f"【{entry.title} · {FACET_LABELS[facet]}】\n{facet_text(content, entry, facet)}\n\n"
        f"问谁：{whom_to_ask(content, entry)}\n依据：{cited}"
    )
    return Reply(text, (*_actions(entry), Button(WHOLE, f"faq:{entry.id}")))


def _actions(entry: FaqEntry) -> tuple[Button, ...]:
    """The entry's ways to go on ("看最近招聘"): with its whole answer and with each side of it."""
    return tuple(Button(a.label, a.data) for a in entry.actions)


def declined(content: ContentPack, off_topic: str) -> str:
    """An out-of-scope question: honest, and whose business it is where the content says so."""
    topic = content.out_of_scope[off_topic]
    first = f"「{topic.name}」的事不归就业帮扶小助手管，我答不了，怕说错耽误您。"
    if topic.office:
        return f"{first}\n这类事一般归{topic.office}管，请到那里问。"
    return f"{first}\n我能答的是就业帮扶政策，比如交通补贴、培训、找活、欠薪。"


def people(content: ContentPack) -> str:
    lines = "\n".join(f"· {content.contacts[c].name}：{content.contacts[c].how}" for c in HANDOVER_CONTACTS)
    return f"着急的话可以找：\n{lines}"


def handover(content: ContentPack, queued: bool, then: str = "") -> str:
    """Honest "I don't know" plus the way to a person (`then`: a line before it)."""
    queued_line = "您的问题已经记下，工作人员答复后会转告您。\n" if queued else ""
    return f"这个问题小助手还答不上来，怕说错耽误您。\n{queued_line}{then}{people(content)}"


def postings_pointer(content: ContentPack) -> tuple[str, tuple[Button, ...]]:
    """The way to the postings for someone asking for work the FAQ cannot name: a line and the buttons of the
    entry that offers them ("看最近招聘", "订阅招聘信息"); nothing where no entry does."""
    entry = next((e for e in content.entries.values() if any(a.data.startswith("postings:") for a in e.actions)), None)
    if entry is None:
        return "", ()
    shown = next(a.label for a in entry.actions if a.data.startswith("postings:"))
    return f"想找活，可以先点「{shown}」看县里最近发布的招工信息。\n", _actions(entry)


def not_employment() -> str:
    return (
        "这个问题小助手答不上来。我只懂就业帮扶政策，比如交通补贴、培训、找活、欠薪。\n"
        "如果是就业方面的事，说「转人工」，我把问题交给工作人员。"
    )


def staff_answer(answer: str, by: str, at: str) -> str:
    """A staff answer as people see it: who answered and when ("县人社局 12月2日答复")."""
    when = local_time(at) if at else ""
    day = f"{int(when[5:7])}月{int(when[8:10])}日" if len(when) >= 10 and when[4] == "-" else ""
    who = by or "工作人员"
    return f"{who} {day}答复：\n{answer}" if day else f"{who}答复：\n{answer}"
