"""Small talk and control words: greetings, thanks, ok, bye, "在吗", "你是谁", complaints about the bot,
emoji-only messages, and words that mean a command (转人工, 退订, 第二个).

By the rules, a message is small talk only when nothing is left after removing small-talk phrases and
particles: "好的谢谢，那稳岗补贴呢" still asks a question and goes to the FAQ. People say much more than the
phrases hold ("好 俺这就去", "你这说了跟没说一样", "你好 我是开羊场的"), so `SmallTalk` adds a learned second
look (bot/faq/models/smalltalk.json, scripts/train_smalltalk.py): a short message that names no entry and asks
no side of one is small talk when a logistic model over its character n-grams finds it likely enough. Read
leave one writer out (42 writers), of the 3,714 messages it may read it found 195 of the 349 small talk and
took 4 others for small talk, each said to the bot rather than asking it ("你就说个数", "你吃了没"); over the 78
writers the shipped model learns from (session 20), 456 of 658 and 3 of 6,168 others at the cutoff. A
complaint that asks again ("你怎么听不懂 我问的是钱哪天到") asks a side and is answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.faq.asides import asks
from bot.faq.facets import Facet, detect
from bot.faq.linear import LinearModel, char_ngrams, load

Kind = Literal["greeting", "thanks", "ok", "bye", "identity", "complaint", "emoji", "privacy", "typing", "sigh", "chat"]
Control = Literal["human", "unsubscribe", "help"]

_PHRASES: tuple[tuple[Kind, str], ...] = (
    (
        "identity",
        # what the bot is, asked as a choice or a guess (before "你是人"): "你是人还是电脑", "是自动回复吗", "机器人"
        r"(?:(?:你|你们)?是(?:不是)?(?:真人|人工|人|机器人?|电脑|ai|人工智能|程序)(?:还是|是)(?:真人|人|机器人?|电脑|ai|人工智能|程序)"
        r"|你是(?:不是)?(?:电脑|机器人?|人工智能|ai|程序)|是(?:不是)?自动回复|^(?:机器人|ai)$"
        r"|你是谁|你是什么|你是人(?!社局)|是真人|是机器人|你叫什么名字|你叫什么|你是什么人|你们是谁"
        r"|你们是人社局|是人社局的人?[吗不]|是人社局吗|是不是人社局|是人社局不|你会什么|你们?管(?:什么|甚|啥)"
        r"|还是机器人?|是机器吗|是不是机器"
        r"|你?能回答什么|你?都?知道什么|你?都?懂什么"
        # "那你能管啥", "你到底能答啥", "你是干甚的", "你是哪个单位的" (单位 reads 企业)
        r"|你?(?:到底)?能(?:管|答|说|查|问|干|做)个?什么|你们?是干什么的|你们?是哪个(?:企业|部门)的?"
        # whether the bot hears or speaks: "你能听懂俺说话不", "能说话不"
        r"|(?:说话|说的)?你?能?听得?(?:懂|见|到)(?:我|我们)?(?:说话|说的|的话)?"
        r"|你?能说话|你?会说话)[不没吗]?",  # "你是真人不"
    ),
    (
        "complaint",
        # "你怎么听不懂", "怎么老说一样的": the question word belongs to the complaint
        r"(?:怎么|为什么)?(?:又|老是?|总是?)?(?:(?:听不懂|没听懂|看不懂)(?:我说的话?|我的话|人话)?|说一样的话?)"
        r"|你好笨|笨死|真笨|太笨|你说什么|说的什么|没用(?:的东西)?|答非所问|瞎说|胡说|说的不对|不对|垃圾"
        r"|什么玩意|什么也不是|气死|人呢|怎么不回|(?:怎么)?不(?:说话|吭声|吱声)|就会推|推来推去|踢皮球|敷衍|糊弄|白问"
        # the bot knows nothing: "你怎么啥也不知道", "就会说不知道"
        r"|(?:怎么)?什么[也都]不(?:知道|懂|会|清楚)|[就只]会说(?:不知道|不清楚|这些|这个)?|一问三不知"
        # the answer said nothing: "说了半天等于没说", "跟没说一样"
        r"|说了半天|等于没说|(?:和|跟)没说(?:一样)?|(?:你|又)(?:也|都)?不知道|(?:真|太)慢|慢死"
        # no figure given: "咋说不出个数来", "说了半天也没个数", "你就不能说个数吗", "咋又说以公布为准"
        r"|(?:怎么)?说不(?:出|上)(?:个|来)?准?数来?|(?:也|都|还)没(?:个|有)准?数|不能说个准?数|连个数都没有|(?:怎么)?又说以公布为准"
        # what the bot is good for: "要你有甚用", "说话跟机器一样"
        r"|要你(?:有)?(?:什么|甚|啥)用|(?:说话)?(?:怎么)?(?:和|跟|像)机器人?一样"
        # insults and scorn: "滚", "就这", "你们政府的人都是这样"
        r"|滚(?:蛋|开)?|废物|^就这$|(?:政府的人|当官的)都(?:是)?这样",
    ),
    (
        "greeting",
        r"你好|您好|在吗|在么|在嘛|在不在|在不|在没|ni ?hao|nin ?hao|zai ?ma|在线[吗么嘛不没]?"
        r"|有人吗|有人没|有人不|有没有人|哈喽|哈罗|hello|hi|早上好|上午好|中午好|下午好|晚上好|早|喂"
        # an opening that asks nothing yet
        r"|请问一下|请问|问一下|问下|^在$|想?问(?:个|件|一个)事(?:情|儿)?|有(?:个|件)事(?:情|儿)?想?(?:问|咨询)(?:问|一下)?|打扰一下|打扰了|咨询一下|想问一下|我想问问|想咨询",
    ),
    (
        "thanks",
        r"谢谢|多谢|感谢|谢了|谢啦|谢|thx|thanks|thank you|3q|nice"
        r"|辛苦|麻烦了|麻烦你|麻烦您|xie ?xie|太好了|真好|不错|厉害|点赞|真棒|很棒|棒"
        # praise by comparison: "你比俺们村那个会计还清楚哩"
        r"|比[^，。？?]{1,12}?(?:还|都|更)(?:清楚|明白|懂|强|好|快)",
    ),
    ("bye", r"再见|拜拜|拜|晚安|没事了|没有了|没了|下次再问|回头再问|先这样|那算了|算了|不问了|不说了"),
    (
        "sigh",
        r"(?:唉|哎)?(?:真难|太难|好难|难啊|难呐|不容易|命苦|没办法|咋办呢)|唉"
        r"|哼|烦(?:死|人)?|气人|没天理|一天天的|等着看",  # a sulk: "哼", "等着看吧"
    ),
    (
        "ok",
        r"hao ?de|e+m+"
        r"|哈哈+|嘿嘿|呵呵|好的|好嘞|好滴|好吧|好|行|可不是|嗯+|哦+|噢|知道|不知道|晓得|明白|收到|ok|okay|懂了|可以|中|成|得嘞|了解|清楚|是的|对"
        # the person goes off to act on the answer
        r"|我?(?:今天|明天|后天|改天|过两天|回头|等会儿?|下午|晚上)?(?:去|再)?(?:问问|问一下|看看|找找|试试|打听打听)去?"
        # ... or elsewhere: "我自己去银行问吧", "那我赶紧去跟村民说一声" (a place named, nothing asked)
        r"|我?(?:自己|赶紧|这就|先|回头)?(?:去|到)(?!年)[^\s，。？?哪啥谁么吗不没]{1,8}?(?:问问?|打听|办|补|说)(?:一下|一声|去)?"
        r"(?![^\s]*[吗不没？?])"
        # the answer noted: "俺记下了"; the person accepts the bot does not handle it: "你们不管这个啊"
        r"|我?(?:记下|记住|记着|记上)|(?:你们|这里|这儿)?不(?:归你们)?管(?:这个|这些|这事|这)?"
        # an exclamation or an apology for a slip: nothing asked
        r"|吓死|吓我一跳|不好意思|问错了|发错了|打错了|抱歉|对不起|哎呀|哎|嗨"
        r"|差点(?:上当|被骗|给了|就给了)|吓人|开玩笑(?:的|呢)?|等一下|等等|稍等|等会儿?",
    ),
    # a worry that what was said goes further: "你不会给俺说出去吧"
    ("privacy", r"(?:不会|别|不要|可别)(?:给我|跟别人|给别人)?(?:说出去|传出去|告诉别人|讲出去|外传)"),
    ("typing", r"我?(?:不会|不大会|不太会|不咋会)打字|打字(?:太)?慢"),
)
# said to introduce oneself or the person asked for, together with a greeting or opening ("您好 我是前所乡的
# 问个事", "你好 我替我姥爷问一下"); alone, mid-conversation, "俺是胡会乡的" tells the topic where
_INTRODUCTION = re.compile(
    r"我(?:们)?(?:是|就是|在)(?:个)?[^\s，。？?]{1,8}?(?:乡|镇|村|县|小区|社区)的?"
    r"|我?(?:替|帮)我?家?[^\s，。？?]{1,3}?问(?:问|一下|个事)?"
)
# whom the thanks are said to: "谢谢领导", "xiexie ni"
_ADDRESS = re.compile(r"领导|老师|同志|师傅|大哥|大姐|姐|哥|妹子|小妹|妹妹|姑娘|美女|帅哥|\bnin?\b")
_FILLER = r"[了啦啊呀哈哦嗯吧呢的哇嘛么吗哟哩咧嘞呐你您我小助手机器人们那就这样非常太很真一下下个\s]"
_KINDS = tuple((kind, re.compile(pattern)) for kind, pattern in _PHRASES)
_ALL = re.compile("|".join(f"(?:{p})" for _, p in _PHRASES))
_LEFT = re.compile(_FILLER)
_GREETING = dict(_KINDS)["greeting"]

_CONTROLS: dict[str, Control] = {
    **dict.fromkeys(
        ("人工", "转人工", "找人工", "人工服务", "人工客服", "找真人", "真人", "找工作人员", "工作人员", "客服"),
        "human",
    ),
    **dict.fromkeys(("退订", "取消订阅", "不要再发了", "别发了", "不要推送"), "unsubscribe"),
    **dict.fromkeys(("帮助", "菜单", "help", "menu", "怎么用", "能问什么", "能问啥"), "help"),
}

REPLIES: dict[Kind, str] = {
    "greeting": "您好！想问就业补贴、培训、找活、欠薪这些，直接说就行，比如：交通补贴咋领？",
    "thanks": "不客气！还有想问的，随时说。",
    "ok": "好的。还有别的想问，直接说就行。",
    "bye": "好的，再见！有事随时来问。",
    "identity": "我是{bureau}的就业帮扶小助手，是个机器人，专门答就业帮扶政策的问题。答不了的会帮您找工作人员。",
    "complaint": "抱歉没帮上忙。您可以换个说法再问一次，或者说「转人工」，我把问题交给工作人员。",
    "emoji": "收到！有想问的，直接打字说就行。",
    "privacy": (
        "放心，小助手不会把您说的告诉别人。答不上来的问题只交给人社局工作人员看，身份证号、电话号码会先遮住再保存。"
    ),
    "typing": "打几个字就行，比如「交通补贴」「找活」；也可以请家里人或村里的就业服务联络员帮着问。",
    "sigh": "不容易，辛苦了。有想问的随时说，能帮上的小助手尽量帮。",
    "chat": "收到。想问就业帮扶的事，直接说就行；要找工作人员，说「转人工」。",
}


def small_talk(normalised: str, raw: str) -> Kind | None:
    """The kind of small talk a message is, or None when it asks something."""
    if not normalised.strip():
        return "emoji" if raw.strip() else None
    if _ALL.search(normalised) is None:
        return None
    left = normalised
    if _GREETING.search(normalised):  # a greeting or opening: an introduction goes with it
        left = _INTRODUCTION.sub("", left)
    if _LEFT.sub("", _ADDRESS.sub("", _ALL.sub("", left))):
        return None
    return _phrase_kind(normalised)


def _phrase_kind(normalised: str) -> Kind | None:
    """The kind of the first small-talk phrase the text holds, in the order of _PHRASES."""
    return next((kind for kind, pattern in _KINDS if pattern.search(normalised)), None)


_ASKING = re.compile(r"^(?:我要|我想|请|麻烦|帮我|给我)")
_REACH = re.compile(r"^(?:找|转|要|换|来)个(?=人工|真人|客服|工作人员)")  # "找个人工", "换个真人"
# asking for a person inside a short message: "算了转人工吧", "你直接给我转个人工", "我要跟真人说", "人工人工"
_PERSON = re.compile(
    r"转(?:个|给|到)?(?:人工|真人|工作人员)|人工(?:客服|服务)|(?:找|要|换|叫)个?(?:真人|人工)|跟真人|^(?:人工)+$"
)
_ANY_PERSON = re.compile(r"人工|真人|客服|工作人员")
PERSON_WITHIN = 16  # characters: a longer message asks something besides, and is read as a question
ABOUT_HANDOVER: tuple[Facet | None, ...] = ("when", "where", "amount", "materials")


def besides_request(normalised: str) -> str:
    """The message without its request for a person ("我想找个真人问问公益岗的事" -> "我想问问公益岗的事")."""
    return _ANY_PERSON.sub(" ", _PERSON.sub(" ", normalised.replace(" ", ""))).strip()


def control(normalised: str) -> Control | None:
    """A word that means a command ("转人工", "退订"), said as the whole message, also with a polite
    opening or closing particle ("我要转人工", "转人工吧", "转人工服务"); a person asked for anywhere in a short
    message ("我说不清楚你给我转人工吧")."""
    said = normalised.replace(" ", "")
    found = _CONTROLS.get(said)
    if found is None:
        bare = _REACH.sub("", _ASKING.sub("", said)).rstrip("了啦啊呀吧呢哈")
        found = _CONTROLS.get(bare) or _CONTROLS.get(bare.removesuffix("服务"))
    if found is None and len(said) <= PERSON_WITHIN and _PERSON.search(said):
        # but a question about the handover is a question ("转人工要多久", "人工客服电话多少")
        found = None if detect(_PERSON.sub(" ", said)) in ABOUT_HANDOVER else "human"
    return found


MODEL = "smalltalk"
CHARS = 20  # a longer message says something besides: the model does not read it
# the model's probability from which a message is small talk: leave one writer out (42 writers), 0.8 found 228 and
# took 5 other messages, 0.9 195 and 4 (scripts/train_smalltalk.py); with two more writers (train44, train46) 0.8
# took 9, one of them a question typed in pinyin ("wo 60 sui le keyi 吗"), and 0.9 still 4
CUTOFF = 0.9


def features(normalised: str) -> dict[str, float]:
    """What the model reads: the message's character n-grams with its ends marked, its length in steps of three
    characters, and whether it asks (a question word or particle)."""
    grams: dict[str, float] = dict(char_ngrams("^" + normalised.replace(" ", "_") + "$"))
    grams[f"len:{min(len(normalised) // 3, 8)}"] = 1.0
    grams["asks"] = float(asks(normalised))
    return grams


def read_by_model(normalised: str, named: bool, topic: str | None) -> bool:
    """Whether the model may read the message: short, naming no entry (`named`), asking no side of one, and not
    an introduction while there is a topic ("俺是胡会乡的" after 零工驿站 says where the asker is)."""
    if named or len(normalised) > CHARS or detect(normalised) is not None:
        return False
    return topic is None or _INTRODUCTION.search(normalised) is None


@dataclass(frozen=True, slots=True)
class SmallTalk:
    """The rules, then the learned second look (None: the rules alone)."""

    model: LinearModel | None

    def kind(self, normalised: str, raw: str, named: bool, topic: str | None = None) -> Kind | None:
        """The kind of small talk a message is, or None when it asks something. `named`: it names an entry by
        keyword; `topic`: the conversation's current one."""
        found = small_talk(normalised, raw)
        if found is not None or self.model is None or not read_by_model(normalised, named, topic):
            return found
        if self.model.probability(features(normalised)) < CUTOFF:
            return None
        # the kind of the phrases it holds ("好 俺这就去": ok), else a reply that fits every kind
        return _phrase_kind(normalised) or "chat"


def shipped() -> SmallTalk:
    """The rules with the shipped model (`models/smalltalk.json`); a malformed file raises ValueError."""
    return SmallTalk(load(MODEL))
