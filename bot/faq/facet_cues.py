"""The cue lexicon of facets: which words ask which side of a topic (what, who, amount, how, where,
materials, when, proxy), in a fixed order of precedence. bot.faq.facets reads a message with it.

Patterns run on the analyzer's normalised text (dialect already mapped: 咋 -> 怎么, 啥 -> 什么,
几块钱 -> 多少钱, 多会儿 -> 什么时候); the first facet whose pattern matches wins ("要带啥材料" is materials
even though 要 could start many questions). A facet may appear more than once in that order: a narrow
reading of a phrase comes before the broad facet that would otherwise take it ("流程是啥" asks how before
是啥 asks what; "能报名不" asks who before 报名 asks how). Cues are chosen by meaning: "能…不 / 行不 /
算不算 / 有没有份" ask whether someone qualifies (who), while "是啥 / 包括啥 / 能干啥 / 也有吗 / 给证不" ask
what an entry is or gives. Cues that must keep the topic words after them (or around them) are lookaheads:
the reader removes cues to find the words that may name a topic. Every pattern is linear: bounded
repeats, no nesting.
"""

from __future__ import annotations

from typing import Literal

Facet = Literal["what", "who", "amount", "how", "where", "materials", "when", "proxy"]
FACETS: tuple[Facet, ...] = ("what", "who", "amount", "how", "where", "materials", "when", "proxy")
END = r"(?=\s|$)"

RELATIVES = r"爸|妈|爹|娘|父亲|母亲|哥|姐|弟|妹|媳妇|妻子|老婆|男人|老伴|儿子|女儿|孩子|闺女|老人"
_OK = r"(?:行不|行吗|中不|可以不|可以吗|能不能|算不算|符合不|够不够|也行[吗不]?)$"
_RELATIVE_OK = r"(?:" + RELATIVES + r"|我家|我们家)(?![^\s]{0,4}[去办代帮替跑])[^\s]{0,4}" + _OK

# precedence order: the first that matches names the facet
PATTERNS: tuple[tuple[Facet, str], ...] = (
    # telling, changing or looking up one's details by phone or online, asked "can it / is that OK" ("电话上说行不",
    # "网上能改不"), is a way to do it (how); applying there stays a place ("手机上能申请吗": where)
    (
        "how",
        r"(?:电话|网上|线上|微信|手机)上?(?:能|可以)?(?:说|讲|报|登记|改|查)"
        r"(?=[^\s]{0,2}(?:[不吗]|行不|行不行|行吗|中不|中不中|成不|可以不|可以吗|能行|能不能|可不可以)(?:\s|$))",
    ),
    # whom to go to outranks whatever the errand is ("考证找谁", "稳岗补贴谁给办")
    (
        "where",
        r"[找寻问]谁(?![^\s]{0,2}[替代])|[找寻问](?=[^\s]{1,4}谁$)|[找寻问上]哪(?!上班|打工|务工|干活|工作)|谁(?:给|来)?办(?=[^\s]{0,2}$)|[找寻问](?:哪个|哪位)(?=$|部门|单位|窗口|人|局|站|办)|哪个管|归哪|哪管"
        r"|哪个地方|几楼|几号楼",
    ),
    # a sum of money in the question is the amount asked about or checked ("一天15块是真的不", "就是450吗")
    ("amount", r"(?<!\d)\d{1,5}(?:块|元)|就是\d{2,5}(?=[吗不呢]?$)"),
    # being sent the news on one's phone is a service to ask for, not a place ("能发到俺微信上不")
    ("how", r"(?:发|推|推送|传)到(?=[^\s]{0,4}(?:微信|手机|群))"),
    # which of two recipients gets it ("给个人的还是给企业的") asks who it is for (the recipients are consumed:
    # 企业 here is a choice, not the employers' entry)
    ("who", r"给(?:个人|企业|单位|老板|工人|本人|公司)[^\s]{0,2}还是"),
    # whether a group or the asker is covered (外地户口的管不管, 管不管俺们外省的) asks who, not which office
    ("who", r"的(?:管不管|管吗|管不)$|(?:的|人|我)要不要$|要不要我|管不管(?=[^\s]{0,2}(?:我|他|她)|[^\s]{0,6}的$)"),
    # board and lodging provided ("培训管不管住") is part of what it gives, not an office that handles it
    ("what", r"管不?管?(?=[吃住饭])"),
    # the conditions, though asked with 是什么 ("条件是啥", "要啥学历"): who qualifies
    ("who", r"(?:条件|要求|资格|门槛)(?:是什么|有哪些|都有什么)|学历|文化程度"),
    # the rhythm of payment ("是每个月都给吗") asks when, not whether the asker gets it
    ("when", r"每个?(?:月|年|季度?)[^\s]{0,2}(?:给|发|打)"),
    # a step to go through ("要面试不", "要考试不") asks how; a guarantee or pledge to provide, materials
    ("how", r"要[^\s]{0,2}(?:面试|考试|排队|审核|体检|公示|签字|审批)(?=[不吗没]$)"),
    ("materials", r"要(?=[^\s]{0,2}(?:担保人|担保|抵押)[不吗没]$)"),
    # what the pay is like asks the amount
    ("amount", r"(?<=工资|待遇|收入)(?:怎么样|高不|多不|高吗|多吗)"),
    # what a person may enjoy ("他能享受啥政策") asks what he is entitled to: who, not what an entry gives
    ("who", r"能享受(?:什么|哪些)"),
    # the steps themselves, though asked with 是什么 ("流程是啥"), or where a step is done online ("网上咋申请")
    (
        "how",
        r"(?:流程|步骤)(?:是什么|是怎样|有哪些)|(?<!小)程序|第一步|下一步|先(?:干|做|办)什么"
        r"|(?:网上|线上|手机上)怎么(?=[\u4e00-\u9fff])|怎么?样才(?:能|可以)",
    ),
    (
        "what",
        r"是什么|什么意思|(?<![带拿交要给他她我寄])(?<![带拿交寄][点些])什么东西|怎么回事|干什么的|是干什么|都有什么(?!办法)|有什么内容|都包括|包括什么|都教|教些什么|教什么"
        # what an entry includes or does: a certificate given, a benefit also paid, what help there is
        r"|怎么(?:规定|个?说法)|推[^\s]{0,2}几次|能[^\s]{1,2}(?:什么|哪些)(?!时候)|[给拿发考](?=个?证)"
        r"|(?<=[贴助励策])也[有给]|有什么(?:就业)?(?:帮扶|帮助|政策|好处)|能帮(?=[着我忙]?[找寻])|(?<!还)能(?:给)?补(?=[不吗]$)"
        r"|问些什么|问什么|这个干什么|干什么用|是真的[吗不]?$|真的假的|为什么(?=要|得|[^\s]{0,3}(?:打电话|回访))|会不会影响|会?影响(?=[^\s]{0,8}[不吗没]$)|有(?:没有|什么)?影响|讲讲|介绍一下|说说|解释|了解一下|有哪些|哪几项|哪几个|又什么"
        + END
        + r"|干什么"
        + END
        + r"|[问是有干]些?甚",
    ),
    # strong time cues outrank the amount cues they may carry ("什么时候给钱" asks when, not how much)
    (
        "when",
        r"什么时候|几时|多久|多长时间|多会|多少(?:年|个月|天|周)|(?:能|可以)一直(?=[^\s]{1,3}[吗不]$)|[几两一二三四五六七八九十半\d](?:天|年|个月)(?:之|以)?内(?!的)",
    ),
    # lacking a paper and asking whether one still qualifies ("没营业执照能领不") is not asking what to bring
    # (or asking what now: "房子是亲戚的 没合同咋办")
    (
        "who",
        r"没有?(?:签|办|开)?[^\s]{0,4}(?:执照|合同|证明|证件|证|户口本|银行卡|社保)[^\s]{0,3}(?:能|可以|行|算|怎么办)",
    ),
    # whether a job comes with a signed contract is part of what it is, not a paper to bring
    ("what", r"(?<![没不])签(?:劳动|用工)?合同(?=[不吗没]|$)"),
    (
        "materials",
        r"材料|[带拿寄](?:点|些|上)?(?:什么|哪些)|要带|带上|拿什么|要拿|证件|证明|证不|证吗|执照|合同[不吗没]|要[^\s]{0,3}合同|协议书|发票|收据|准备|资料|户口本|交什么|照片|复印件|原件|银行卡(?!密码)|存折|证据"
        r"|一卡通|委托书|表格|填什么|写什么|(?:提供|打印|复印|提交)(?:什么|哪些)|要(?:什么|哪些)手续|^(?:还)?(?:需)?要(?:给[^\s]{1,2})?(?:什么|哪些)(?:东西)?$|(?<!想)要(?:些)?(?:什么|哪些)(?:东西)?$",
    ),
    (
        "who",
        r"谁能(?![^\s]{0,2}[替代])|谁可以(?![^\s]{0,2}[替代])|什么人|什么样的人|哪种人|哪些人|每个人|所有人|人人|^(?:那|还有)?(?:我|他|她)?(?:家)?(?:爸|妈|爹|娘|父亲|母亲|哥|姐|弟|妹"
        r"|媳妇|妻子|老婆|男人|老伴|儿子|女儿|孩子|闺女|家里人|亲戚|邻居|老人)[^\s]{0,2}呢$"
        # "俺爸行不", "俺家老二算不算", "我妈60了能不能": whether that person qualifies (someone who goes or
        # does it for the asker is a proxy question, below; so is this one in a talk about proxies)
        r"|" + _RELATIVE_OK,
    ),
    ("how", r"怎么(?=委托|代办|代领|代为)"),
    # "does my case count": before the place words it may carry ("网上开店算创业不")
    ("who", r"算不算|(?<![打计预清结核划])算(?=[^\s]{0,6}[不吗]$)"),
    (
        "proxy",
        r"替(?![^\s]{0,4}问(?![不吗]))|代办|代领|(?:他|她)的[^\s]{1,8}我[^\s]{0,2}(?:办|领|弄|申请)|代为|委托|帮我办|帮忙办|必须本人|本人必须|本人去|本人不去|自己不去|不用本人|亲自去|亲自办|到场|[让叫托](?![我俺](?:去|来|办|领|申请|问))[^\s]{0,6}(?:去|帮|代|办|领)|回不来|回不去|人不在|去不了|来不了|走不开"
        r"|驻村帮扶干部|村干部[^\s]{0,4}(?:帮|代|办|行)|(?:妻子|老婆|男人|儿子|女儿|孩子|兄弟|哥|姐|弟|妹|我妈|我爸"
        r"|家里人|亲戚|亲属|朋友|邻居)[^\s]{0,4}(?:行不|行吗|中不|可以|能不能)"
        # (but "俺儿子能不能享受" asks whether the son qualifies)
        r"(?![^\s]{0,2}(?:享受|领|申请|参加|报名|学|干|贷|上))",
    ),
    (
        "amount",
        r"多少钱|[补给贷发领交有存挣]多少|(?<!电话)(?<!号码)(?<!电话是)多少"
        + END
        + r"|多少块|几块|标准|多钱|(?:要|交|花|收|掏)钱|(?<!不)给钱|(?<!不)给[^\s]{1,3}费(?=[不吗没]$)"
        r"|多给|给的多|给得多|补的多|补得多|(?<!哪)几个$|几个(?:名额|岗位|人)|几[十百千万]+(?:块|元)|几[百千万](?![年天个])|费用|收费|免费|额度|学费|自己出|拿多少|怎么算|按什么算|按(?:户|人|人头|家)[^\s]{0,2}还是|多不多|高不高|(?<=[贴助资钱])[高低][不吗]|(?:钱|费|贴|助|资)够不?够|按[^\s]{1,3}算|(?:要不要|有没有|收不收|交不交)(?=利息)|贵不贵|贵吗|几个钱|什么标准"
        # the unit an amount is asked by ("一个月给多少", "多少钱一天") is part of asking it
        r"|(?:每|一)个?(?:月|年)(?=(?:能|可以|都)?(?:给|补|发|领|拿)?多少)|(?<=多少|少钱)钱?(?:一|每)个?(?:月|年)",
    ),
    (
        "when",
        r"什么时候|多久|多长时间|几年|几天|几个月|几回|几次|几点|期限|截止|到期|哪天|几号|周末|周六|周日|星期|开门|关门"
        r"|到账|上班时间|多会|按月|按年|每月发|每年发|来得及|今年还能|哪个月|几月|时间限制|时限|(?:还|一直|都)没(?:到|发|给|下来|批|打|消息|动静)|(?:今年|明年|以后)还有|[发打]了(?:没|吗)|过期|多快|要等|批下来|发下来|节假日"
        r"|[干开]够|够[一二两三四五六七八九十半\d]|(?<![了才只刚一二两三四五六七八九十半满\d])[满半一二两三四五六七八九十\d]+(?:年|个月)(?:才|就|能|以上|以后|后)"
        r"|[一二两三四五六七八九十半\d](?:天|周|个月|年)(?:之|以)?内|一(?:年|月|季度?)一(?:给|发|次)|(?:天|周|个月|年)了(?:还)?没"
        r"|冬天|夏天|春天|秋天|农闲|年前|年后|过年"
        r"|去年的|前年的|以前的还|(?<=[发办报查新])(?:一|几)次|每隔|隔多久",
    ),
    (
        "where",
        r"在哪(?!上班|打工|务工|干活|工作)|去哪|哪里|到哪|哪儿|找谁|寻谁|问谁|跟谁说|和谁说|告诉谁"
        r"|哪(?:办|申请|报|领|交|问|反映|投诉|登记)|寻哪|往哪|是谁"
        + END
        + r"|有电话|电话(?:不|吗|没)"
        + END
        + r"|电话多少|电话是多少|地址|联系方式|[哪那]个(?:部门|单位|企业|局)|什么部门|什么单位|去[^\s]{1,4}办(?:吗|不)"
        r"|有人管|谁管|管这|[局站所](?:能)?管[不吗]|管不管|联系谁|归谁|什么地方|哪个窗口|县里还是|乡里还是|网上|线上|手机上|[跟给向]谁报|报给谁|哪个科|还是[^\s]{1,5}局|找[^\s]{1,5}局吗|窗口(?:没|吗|不)|有[^\s]{0,3}站(?:没|吗|不)|(?<=[乡镇])(?:里|上)?有没有$"
        r"|找[^\s]{1,5}(?:有用|管用|行不|行吗)|去[^\s]{1,4}还是|有管|能在(?:镇上|乡里|村里|县里|县城|家门口)|村里[^\s]{0,2}还是|镇上[^\s]{0,2}还是|还是去|里头[吗不没]|里面[吗不没]|能在(?=[^\s]{1,4}(?:培训|办|报名|领|申请|学))"
        r"|^在(?=[^\s]{1,6}(?:里头|里面|里边|上|旁边)[吗不没]$)"
        # a place offered for the errand ("乡里能办不", "要跑县里不", "找村干部还是找乡里"), whom it falls to, a phone
        r"|(?:乡里|村里|镇上|镇里|县里|县城|乡镇|乡上|市里|当地|本地)(?=能[^\s]{0,2}(?:办|申请|报|领|弄)[^\s]{0,3}[不吗]$)"
        r"|(?:要|得|必须)(?:跑|去|到)(?=[县乡镇村市])|找[^\s]{1,5}还是|谁负责|地点|办事的地方"
        r"|给个电话|咨询电话|联系电话|电话号码|哪个电话|^[^\s接打来]{0,6}[局站办室]的?电话$",
    ),
    # asking to be recommended a job asks for a service: how to get it, not who qualifies
    ("how", r"能(?:给|帮)?(?:我)?(?:岗位)?(?:介绍|推荐|推介)"),
    # "can I apply / take part" asks who qualifies, not the procedure its verb names (报名, 申请)
    (
        "who",
        r"(?<!怎么)能(?:同时|再|也|去)?(?:申请|领|享受|参加|报名|贷)(?=[^\s]{0,10}[不吗]$)|抽到我|轮到我|轮得?上|属于|范围|为什么[^\s]{0,3}我"
        r"|(?:我|我们)(?:怎么|为什么)[^\s]{0,2}(?:没|不)|(?:怎么|为什么)[^\s]{0,4}(?:没|不)[^\s]{0,2}(?:给|发|叫|轮到)我",
    ),
    (
        "how",
        r"怎么(?!样|回事|还(?![款钱贷])|没|不|会|这么|那么|从来|[^\s]{0,4}[也都](?:没|不))(?=[\u4e00-\u9fff])|给什么(?:帮扶|帮助)|(?:有|给)什么(?:办法|出路)|安排什么|如何|流程|手续|步骤|报名|发给我|推给我|推送|通知我"
        r"|什么办法|怎么能|怎么才能|操作|要做什么|需要做什么|申报|办理|联系"
        # whether a step is needed at all ("用不用报"; but "也要报吗" asks whether the duty covers this)
        r"|请假|用不用|要不要(?=[^\s]{0,3}(?:报|申请|登记))|(?<!也)要(?=[^\s]{0,3}(?:报|申请|登记|改|更新|变更)[不吗]$)"
        r"|申请" + END + r"|怎么" + END,
    ),
    (
        "who",
        # "can I / is it OK / do I get a share" after the asker's story, a group ("外省的有没有"), or alone
        r"^(?:那|这样|这)?(?:可以不|可以吗|行不|行吗|行不行|中不|中不中)$|有没有(?:我的)?份|有份|给不给$|给不给(?:我|我们)|够不够$"
        r"|(?:的|户|人|工|生)都?(?:有没有|给不给|给吗|给不|有吗|有不)$|(?<=户)呢$|必须是|只有[^\s]{1,6}才|只要[^\s]{1,8}就|(?:补贴|补助|奖补|奖励)(?:还)?有没有$|每家|每户|家家|有(?:我|我们|他|她)的|(?:有|给)(?:帮扶|扶持|帮助)(?:没|吗|不)"
        r"|给谁|资格|够格|我这情况|我这种|像我这样|要求|门槛|能领|能享受|能用|能申请|够条件|条件|符合|也算|也行|也能|也有|也管|也可以"
        r"|为什么[^\s]{0,3}我|抽到我|轮到我|打给我|\d{2}(?:了|岁)|[四五六七]十多?(?:了|岁)|年龄|岁数|多大|限制|能上|能学|能干|能贷款|能安排|可以(?=(?:享受|领|申请|参加|报名|学|干|贷)[^\s]{0,8}[不吗]$)|有我的份|有没有我|算不算|(?:有|给)(?:补贴|补助|政策|奖励)(?:没|吗|不)"
        r"|(?<![打计预清结核划])算(?=[^\s]{1,12}[不吗]"
        + END
        + r")|有(?=[^\s]{1,4}(?:补贴|补助)(?:没|吗|不)"
        + END
        + ")",
    ),
    # "can it be done" by a means of one's own (查, 改, by phone or online) asks how (not 能去问: whether one
    # may); whether a rule allows something of the thing itself (提前还, 延期, 取消, 选工种) asks what: neither
    # is whether the asker qualifies
    ("how", r"(?<!也)(?:能|可以)(?:不能|不可以)?(?:在|去)?(?:查|改|打电话|电话|网上|线上|微信|手机|邮寄|寄)"),
    ("what", r"(?:能|可以)(?:不能|不可以)?(?:提前|延期|退|取消|选|挑|换|转|取出|兑现|给现金|用来|用于)"),
    # whether money comes at all ("有钱拿不", "公岗有工资没"), or how much of a cost is covered ("全额报吗"),
    # asks the amount, like 给钱不
    (
        "amount",
        r"(?:有|给|发|拿|拿到|补)(?:点)?钱(?=[^\s]{0,2}[不吗没]$)|(?:给不给|发不发)(?=[^\s]{0,3}(?:费|钱)$)|(?:有|给|发)工资(?=[不吗没])|全额|一半|全补|全报",
    ),
    (
        "who",
        # the rest of "can it / can I": whether the asker qualifies
        r"能不能|可不可以|能否"
        # 能 and 算 as verbs, not inside 技能, 可能, 打算, 结算
        r"|(?<![技可功职体智])能[^\s]{1,2}(?:不|吗)"
        + END
        + r"|给(?:不|吗)"
        + END
        # a lookahead: the words between may name the topic ("能给安排公益岗不"), so they stay in the residue
        + r"|(?<![技可功职体智])能(?=[^\s]{1,12}[不吗]"
        + END
        + ")",
    ),
    # a benefit still not paid asks when it comes ("培训的生活补贴到现在没给")
    ("when", r"(?=(?:补贴|补助)[^\s]{0,6}(?:到现在|至今|一直)(?:还)?(?:没|不)(?:给|发|到|下来))"),
    # last of all: a grievance against the employer told with no question ("工头欠俺一万多 电话也不接")
    # asks what to do about it (these two look ahead: their words may name the topic)
    ("how", r"(?=(?:老板|工头|包工头|厂里|公司)[^\s]{0,8}(?:欠|不给|拖|扣|跑))"),
)
