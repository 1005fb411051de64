"""The patterns that find posting fields in a notice (used by bot/postings/extract.py).

Every pattern runs in time linear in the text: runs of digits and Chinese numerals are matched from their
start only (a look-behind), unbounded repeats never overlap, white-space runs are collapsed before matching
(`SPACES`, `BREAKS`), and the deadline clause is cut out by searching, not by a pattern around it.
"""

from __future__ import annotations

import re

# label words -> field; longest first so "工作地点" wins over "地点"
LABELS: dict[str, str] = {
    **dict.fromkeys(["招聘岗位", "岗位名称", "岗位", "工种", "职位", "招聘职位", "用工岗位", "活儿", "活计"], "title"),
    **dict.fromkeys(
        ["招聘单位", "用人单位", "用工单位", "单位名称", "单位", "公司名称", "公司", "企业", "雇主"], "employer"
    ),
    **dict.fromkeys(["工作地点", "上班地点", "工作地址", "干活地点", "集合地点", "地点", "地址", "位置"], "location"),
    **dict.fromkeys(
        ["薪资待遇", "工资待遇", "薪资", "薪酬", "工资", "待遇", "月薪", "日薪", "报酬", "工价", "工钱"], "salary"
    ),
    **dict.fromkeys(["招聘人数", "用工人数", "需要人数", "人数", "名额"], "headcount"),
    **dict.fromkeys(["任职要求", "岗位要求", "招聘要求", "招聘条件", "用工要求", "要求", "条件"], "requirements"),
    **dict.fromkeys(["联系人", "负责人", "联 系 人"], "contact_name"),
    **dict.fromkeys(
        ["联系电话", "联系方式", "咨询电话", "报名电话", "电话", "手机", "手机号", "微信电话", "tel"], "contact_phone"
    ),
    **dict.fromkeys(
        ["有效期至", "有效期", "截止日期", "截止时间", "报名截止", "截止", "截至", "有效时间"], "valid_until"
    ),
}
LABEL = re.compile(
    r"[【\[]?\s*(" + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True)) + r")\s*[】\]]?\s*[:：]?\s*",
    re.IGNORECASE,
)
CLAUSE_SPLIT = re.compile(r"[\n；;。！!]+|(?<=[，,])")

MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)[(（]?(0\d{2,3})[)）]?[\s-]?(\d{7,8})(?!\d)")
DIGIT_RUN = re.compile(r"(?<!\d)\d[\d\s-]{5,16}\d(?!\d)")

CN = "一二两三四五六七八九十"  # Chinese numerals: runs of them, like digit runs, are matched from their start only
JOB_NOUN = (
    r"(?:电焊工|焊工|电工|瓦工|木工|钢筋工|油漆工|水暖工|架子工|抹灰工|泥瓦工|砌筑工|搬运工|装卸工|采摘工|普工|技工|"
    r"小工|大工|杂工|帮工|力工|临时工|零工|短工|学徒|司机|驾驶员|厨师|帮厨|面点师|服务员|收银员|营业员|店员|导购|"
    r"保洁员?|保安员?|保姆|月嫂|育婴师|护工|护理员|养老护理员|快递员|分拣员|骑手|配送员|文员|会计|出纳|销售员?|"
    r"业务员|客服|操作工|质检员|仓管员?|库管|机修工|修理工|挖机司机|铲车司机|装修工|门卫|饲养员|放羊工|羊倌|"
    r"种植工|插秧工|锄地工|拾土豆工|挖土豆工|剪枝工|绿化工|环卫工|护林员|工人)"
)
TITLE = re.compile(
    r"(?:急招|诚招|招聘|招收|招募|聘请|聘用|急需|需要|需|招|找|雇)\s*"
    r"(?:(?:\d+|[一二两三四五六七八九十]+)\s*(?:名|个|位|人)\s*)?"
    r"([\u4e00-\u9fff]{0,6}?" + JOB_NOUN + r")"
)
BARE_TITLE = re.compile(r"([\u4e00-\u9fff]{0,4}?" + JOB_NOUN + r")")
GENERIC_TITLE = re.compile(  # after a 招 verb, any word ending like a job: 保育员, 技术员, 水手, 服务生
    r"(?:急招|诚招|招聘|招收|招募|聘请|急需)\s*(?:(?:\d+|[一二两三四五六七八九十]+)\s*(?:名|个|位)\s*)?"
    r"([\u4e00-\u9fff]{1,4}(?:工|员|师|手|生|匠))"
)
HEADCOUNT = re.compile(rf"(?<![每一{CN}\d])(\d+|[{CN}]+)\s*(?:名|位|个人|人)(?![民员工民币])|(若干|人数不限|不限人数)")
MONEY = re.compile(
    r"((?:月薪|日薪|时薪|日结|工资|每天|一天|每月|一个月|保底)?\s*(?<!\d)\d+(?:\.\d+)?\s*(?:[kK]|千|万)?\s*"
    r"(?:(?:-|~|～|—|至|到)\s*\d+(?:\.\d+)?\s*(?:[kK]|千|万)?\s*)?(?:元|块|千)\s*(?:钱)?\s*"
    r"(?:(?:/|每|一)\s*(?:天|日|月|小时|时|斤|亩|方|平米|件|车))?(?:\s*(?:起|以上|左右))?)"
)
BARE_AMOUNT = re.compile(  # "350一天", "月薪7000", "工资2800": an amount without 元
    r"((?:[大小]工)?\d{2,5}\s*(?:一天|每天|/天|一个月|/月)|(?:月薪|日薪|工资|底薪|一天|每天)\s*\d{3,5}(?![\d年月日号.])|"
    r"(?:月薪|日薪|工资|年薪|收入)\s*[一二两三四五六七八九十]+\s*[万千]\s*(?:[一二三四五六七八九])?\s*(?:元|块)?"
    r"(?:以上|左右|起|多)?)"
)
SALARY_WORDS = re.compile(r"面议|薪资面议|工资面议|待遇面议|按件计酬|计件|多劳多得|日结|月结|包吃住|管吃住|包住")
EMPLOYER = re.compile(
    r"^([\u4e00-\u9fffA-Za-z0-9（）()]{2,24}?(?:有限责任公司|有限公司|公司|合作社|专业合作社|厂|酒店|饭店|宾馆|"
    r"超市|医院|卫生院|幼儿园|学校|养殖场|养殖基地|种植基地|基地|项目部|农场|集团|车间|物业|家政|驾校|工地))"
)
REQUIREMENT_HINTS = re.compile(
    r"(?<!\d)\d+\s*(?:-|~|—|至|到)\s*\d+\s*岁|(?<!\d)\d+\s*岁以[下上内]|男女不限|限男|限女|男性|女性|身体健康|能吃苦|吃苦耐劳|有经验|"
    r"经验优先|持证|证书|有证|健康证|[护会]\w{0,2}证|驾照|驾驶证|熟练|会开|初中|高中|中专|大专|本科|学历|无犯罪"
)
ODD = re.compile(
    rf"零工|临时工|短工|日结|按天|小时工|钟点工|帮工|散工|(?<![0-9{CN}])[0-9{CN}]+天(?:活|工期)|干几天|"
    r"(?:元|块)\s*[/每一]\s*(?:天|日|小时)|(?<!\d)\d+\s*(?:元|块)?\s*一天|一天\s*\d+|每天\s*\d+|每[车趟亩]|今天|明天|后天"
)
JOB = re.compile(r"招聘|长期|全职|五险|社保|劳动合同|正式|元\s*[/每]\s*月|月薪|底薪|年薪|转正")
NAME = re.compile(  # a contact word before the name is skipped: 联系人王经理 -> 王经理
    r"(?:联系人|联系|请找|找|咨询|致电|电话)?\s*[:：]?\s*"
    r"([\u4e00-\u9fff]{1,3}(?:先生|女士|经理|总|老板|师傅|主任|会计|队长|站长|书记|大姐|大哥))"
)
NAME_PREFIX = re.compile(r"^(?:联系人|联系|请找|找|咨询|致电|电话)")
TAG = re.compile(r"^(?:[【\[][^】\]]{0,12}[】\]]\s*)+")
DEFAULT_DAYS_WORDS = re.compile(r"长期有效|长期招聘|招满为止|常年")

SPACES = re.compile(r"[^\S\n]+")
BREAKS = re.compile(r" ?\n\s*")

DEADLINE_WORD = re.compile(r"截止|截至|有效|之前|以前|为止")
CLAUSE_END = "，,。\n"
CONTACT_WORDS = ("联系人", "联系电话", "联系方式", "联系", "电话", "手机", "微信")
TRAILING_PUNCT = " ,，:：;；"
