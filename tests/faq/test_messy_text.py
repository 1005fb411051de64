"""Messy text: traditional characters, pinyin and initials, voice slips, long stories, personal numbers."""

from __future__ import annotations

import pytest

from bot.faq.facets import detect
from bot.faq.matcher import FaqMatcher
from bot.faq.smalltalk import control, small_talk
from bot.routing import typed_choice


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("創業貸款怎麼辦", "startup-loan"),
        ("老闆說沒錢不給工資", "wage-arrears"),
        ("chuangye补贴咋申请", "startup-subsidy"),
        ("gongyi岗咋申请", "public-welfare-job"),
        ("wg补贴能领不", "job-retention-subsidy"),
        ("交补是啥", "transport-subsidy"),
        ("令工信息", "job-postings"),
        ("职业记能培训", "skills-training"),
        ("我叫张三，身份证142229199001011234，电话13912345678，交通补贴咋还没到", "transport-subsidy"),
    ],
)
def test_messy_questions_find_their_entry(matcher: FaqMatcher, question: str, entry: str) -> None:
    match = matcher.match(question)
    assert match.outcome == "answer" and match.entry == entry


def test_repairs_are_visible_in_the_normalised_text(matcher: FaqMatcher) -> None:
    analyzer = matcher.analyzer
    assert analyzer.normalise("jt补贴") == "交通补贴"
    assert analyzer.normalise("娇通补贴") == "交通补贴"
    assert "142229" not in analyzer.normalise("身份证142229199001011234交通补贴")
    assert analyzer.normalise("哪个部门") == "哪个部门"  # function words are never "repaired"
    assert analyzer.normalise("出门补贴") == "外出补贴"  # going out to work, not the weather
    assert analyzer.normalise("开了个加工厂") == "开了个加工企业"  # not 加 + 工厂


def test_a_self_introduced_name_is_dropped_but_the_askers_group_is_kept(matcher: FaqMatcher) -> None:
    analyzer = matcher.analyzer
    assert "刘" not in analyzer.normalise("我是刘二 电话13912345678 交通补贴咋领")
    assert "监测户" in analyzer.normalise("俺是监测户 能领不")  # who asks matters to the answer
    assert "易地搬迁" in analyzer.normalise("我是易地搬迁户，有啥帮扶")


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("补多少", "amount"),
        ("要带啥材料", "materials"),
        ("在哪办", "where"),
        ("俺爸能领不", "who"),
        ("多久能到账", "when"),
        ("叫我兄弟去办行不", "proxy"),
        ("是干啥的", "what"),
        ("咋申请", "how"),
        # classes of phrasing beyond the first set: "哪+verb", pinyin question words, durations, "能…不"
        ("到哪领", "where"),
        ("zai哪报名", "where"),
        ("办事处是谁", "where"),
        ("有电话没", "where"),
        ("干够两年才行吗", "when"),
        ("满三个月才能申请吗", "when"),
        ("啥时候给钱", "when"),
        ("咋查进度", "how"),
        ("能给安排个活不", "who"),
        ("这个也算贫困户不", "who"),
        ("要填表格吗", "materials"),
        ("我人在外地能让家里人办不", "proxy"),
        ("手机上能申请吗", "where"),
        ("我在外面干了三年了 老家是监测户 能领不", "who"),  # the last clause that asks decides
        ("要租房合同不", "materials"),
        ("公益岗合同一签几年", "when"),  # a contract as a topic word, not a paper to bring
        ("这个报给谁", "where"),
        ("这事归哪个科", "where"),
        ("找工信局吗", "where"),
        ("镇上有服务站没", "where"),
        ("为什么偏偏打给我", "who"),
        ("我都55了还要不", "who"),
        ("谁能替我去领", "proxy"),
        ("要什么证据", "materials"),
        ("要俺身份证原件不", "materials"),
        ("要啥", "materials"),
        ("要啥手续", "materials"),
        ("在乡政府里头吗", "where"),
        ("能在镇上培训不", "where"),
        ("俺是监测户 在呼市打工 交通补贴有俺的不", "who"),
        ("易地搬迁的 每家都给安排吗", "who"),
        ("招的人多给的多不", "amount"),
        ("去村里说还是去镇上", "where"),
        ("请问本人从北京返乡开了个店 能否申请一次性创业补贴", "who"),
    ],
)
def test_facets(matcher: FaqMatcher, question: str, facet: str) -> None:
    assert detect(matcher.analyzer.normalise(question)) == facet


@pytest.mark.parametrize(
    "text",
    [
        "你好",
        "在吗",
        "谢谢",
        "好的谢谢啦👍",
        "😂",
        "你是机器人吗",
        "再见",
        "晓得了，谢谢",
        "您好，请问",
        "好，我去打听打听",
        "吓死了 谢谢啊",
        "不好意思问错了",
        "那算了",
        "你是真人不",
        "在么",
        "xie xie",
        "好的好的 麻烦你了",
        "那你能回答啥",
        "你们就会推",
        "滚",
        "没用的东西",
        "就会说这些",
        "你们政府的人都是这样",
    ],
)
def test_small_talk(matcher: FaqMatcher, text: str) -> None:
    assert small_talk(matcher.analyzer.normalise(text), text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "好的谢谢，那稳岗补贴呢",
        "你好，交通补贴咋领",
        "对了，明天下雨不",
        "请问公岗咋申请",
        "去零工驿站问吗",
        "去年的还能补吗",
    ],
)
def test_a_question_after_a_greeting_is_not_small_talk(matcher: FaqMatcher, text: str) -> None:
    assert small_talk(matcher.analyzer.normalise(text), text) is None


def test_control_words_and_ordinals(matcher: FaqMatcher) -> None:
    assert control(matcher.analyzer.normalise("转人工")) == "human"
    assert control(matcher.analyzer.normalise("退订")) == "unsubscribe"
    for said in ("转人工吧", "转人工服务", "我要转人工", "请转人工", "找个人工", "我要找个真人"):
        assert control(matcher.analyzer.normalise(said)) == "human"
    for said in (
        "算了转人工吧",
        "你直接给俺转个人工",
        "俺心里急得很转人工",
        "转人工客服",
        "人工人工",
        "能不能叫个真人",
    ):
        assert control(matcher.analyzer.normalise(said)) == "human"
    for asked in ("转人工要多久", "人工客服电话多少", "男人工资变了要更新不", "你是真人还是机器人"):
        assert control(matcher.analyzer.normalise(asked)) is None
    assert [typed_choice(t) for t in ("第二个", "第2个", "三", "2号", "12", "第十个", "二手")] == [
        2,
        2,
        3,
        2,
        12,
        None,
        None,
    ]


def test_whole_questions_typed_in_pinyin(matcher: FaqMatcher) -> None:
    assert matcher.analyzer.normalise("jiaotong butie zenme shenqing") == "交通补贴怎么申请"
    assert matcher.match("qianxin 找谁").entry == "wage-arrears"


def test_pinyin_typed_syllable_by_syllable(matcher: FaqMatcher) -> None:
    """Without a Chinese input method some people put a space after every syllable."""
    assert matcher.analyzer.normalise("wen gang bu tie zen me shen qing") == "稳岗补贴怎么申请"
    assert matcher.match("ling gong yi zhan zai na").entry == "job-service-station"
    assert matcher.analyzer.normalise("wo neng ling bu") == "我能领不"  # syllables only inside such a run
    assert matcher.analyzer.normalise("ok bu") == "ok 不"
    assert matcher.analyzer.normalise("bu") == "bu"


def test_spoken_digits_are_read_as_digits(matcher: FaqMatcher) -> None:
    assert matcher.analyzer.normalise("幺幺三一是啥") == "1131是什么"
    assert "138" not in matcher.analyzer.normalise("电话幺三八零零一二三四五六 交通补贴咋领")  # then masked
    assert matcher.analyzer.normalise("三个月") == "三个月"  # a number word in a sentence stays


def test_an_a_not_a_question_is_not_read_as_its_negated_half(matcher: FaqMatcher) -> None:
    analyzer = matcher.analyzer
    # "发不发工资" asks whether wages are paid; "不发工资" alone says they were not
    assert "欠薪" not in analyzer.normalise("学徒期间发不发工资")
    assert "欠薪" in analyzer.normalise("老板年底了还不发工资")
    match = matcher.match("去学技术给不给钱")
    assert match.entry != "wage-arrears" and "wage-arrears" not in match.suggestions[:1]


def test_personal_numbers_typed_or_spoken_in_groups_are_dropped(matcher: FaqMatcher) -> None:
    analyzer = matcher.analyzer
    grouped = analyzer.normalise("身份证号 140930 1985 0612 002x 想学电焊咋报名")
    assert "身份证" not in grouped and "1985" not in grouped  # the number says nothing of the question
    assert "0350" not in analyzer.normalise("有事打俺电话 139-0350-1188")
    assert "1131" in analyzer.normalise("1131是啥 每月补800不")  # short numbers are what is asked about
    # a number said to be new keeps its word: changing the number is what the message is about
    assert "换了电话" in analyzer.normalise("俺换了手机号 186 0350 2xxx 要跟谁说")


def test_a_four_character_variant_is_heard_through_a_voice_slip(matcher: FaqMatcher) -> None:
    """职业培训 is a synonym variant (of 技能培训): voice typing writes it 执业培训 or 直业培训."""
    assert "技能培训" in matcher.analyzer.normalise("执业培训在哪报名")
    match = matcher.match("直业培训咋报名")
    assert match.outcome == "answer" and match.entry == "skills-training"


def test_a_voice_slip_never_splits_a_common_word_or_a_closing_question(matcher: FaqMatcher) -> None:
    """记能 sounds like 技能, 干不 like 干部; but 书记能… keeps 书记, and 附近干不 asks 行不行."""
    analyzer = matcher.analyzer
    assert analyzer.normalise("驻村书记能替俺跑一趟不") == "驻村书记能替我跑一趟不"
    assert analyzer.normalise("俺腿不好 就在附近干不") == "我腿不好 就在附近干不"
    assert "学个技能" in analyzer.normalise("想学个记能 去哪学")  # a slip with no common word at its edge


def test_money_owed_by_amount_reads_as_unpaid_wages(matcher: FaqMatcher) -> None:
    """ "欠俺六千多块", "欠我们一万多": whatever the sum, money owed to the asker is 欠薪."""
    assert "欠薪" in matcher.analyzer.normalise("包工头还欠俺六千多块")
    assert matcher.rank("厂里欠我们一万多 年都过不好")[0].id == "wage-arrears"
    assert "欠薪" not in matcher.analyzer.normalise("欠条丢了")


def test_three_letter_initials_of_one_domain_term_and_long_voice_slips_are_repaired(matcher: FaqMatcher) -> None:
    analyzer = matcher.analyzer
    assert analyzer.normalise("jch能领啥") == "监测户能领什么"  # initials of exactly one domain term
    assert "abc" in analyzer.normalise("abc是啥")  # initials of no domain term stay as typed
    assert analyzer.normalise("就业服务占在哪") == "就业服务站在哪"  # a slip in a five-character term


def test_a_boss_not_paying_reads_as_unpaid_wages_only_when_nothing_else_is_withheld(matcher: FaqMatcher) -> None:
    analyzer = matcher.analyzer
    assert "欠薪" in analyzer.normalise("在砖厂干了俩月 老板到今天还没给")
    assert matcher.match("卖了一年力气 老板一直不给 咋弄").entry == "wage-arrears"
    assert "欠薪" not in analyzer.normalise("老板给不给上保险")  # a question, not a complaint
    assert "欠薪" not in analyzer.normalise("老板不给俺开证明")  # something else withheld


class _CountingDict(dict[str, str]):
    looked_up = 0

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        type(self).looked_up += 1
        return super().get(key, default)


def test_reading_spaced_pinyin_looks_up_a_bounded_span_per_syllable(matcher: FaqMatcher) -> None:
    """Spaced pinyin is read by trying spans of syllables; a span longer than any term is never tried, so a
    long run of junk syllables costs a bounded number of look-ups per syllable (no quadratic reading)."""
    fixer = matcher.analyzer.fixer
    counting = _CountingDict(fixer._whole)
    original = fixer._whole
    fixer._whole = counting
    try:
        _CountingDict.looked_up = 0
        assert fixer.spaced("jiao tong bu tie") == "交通补贴"
        fixer.spaced(" ".join(["jt"] * 300))
        assert _CountingDict.looked_up <= 20 * 300
    finally:
        fixer._whole = original
