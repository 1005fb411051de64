"""Realistic odd-job notices (kind `odd_job`: day labour, short gigs) as employers and WeChat groups write
them, with the fields the posting extractor must find in each (tests/postings/test_extract.py)."""

from __future__ import annotations

# (notice, kind, expected fields: a substring each value must contain; "" = must be absent)
ODD_JOB_NOTICES: list[tuple[str, str, dict[str, str]]] = [
    (
        "急招小工3名，砚城镇工地搬砖，一天200元，日结，干10天左右，电话13934561234 李师傅",
        "odd_job",
        {
            "title": "小工",
            "salary": "一天200元",
            "headcount": "3人",
            "contact_phone": "13934561234",
            "contact_name": "李师傅",
            "location": "砚城镇",
        },
    ),
    (
        "零工信息：胡会乡土豆地需要采摘工10人，每天150元，管午饭。联系：张先生 159 3501 2345，本周内有效",
        "odd_job",
        {
            "title": "采摘工",
            "salary": "150元",
            "headcount": "10人",
            "contact_phone": "15935012345",
            "contact_name": "张先生",
            "location": "胡会乡",
        },
    ),
    (
        "明天需要装卸工5人，卸化肥两车，每车300块，在小河头镇，联系13100001111",
        "odd_job",
        {
            "title": "装卸工",
            "headcount": "5人",
            "salary": "300块",
            "contact_phone": "13100001111",
            "location": "小河头镇",
        },
    ),
    (
        "前所乡合作社找临时工锄地，8个人，一天150元，管一顿饭。干3天。联系人 郭书记 13613501234",
        "odd_job",
        {
            "title": "临时工",
            "headcount": "8",
            "salary": "一天150元",
            "contact_phone": "13613501234",
            "contact_name": "郭书记",
            "location": "前所乡",
        },
    ),
    (
        "杏岭子乡造林需要绿化工15人，日结180元/天，自带铁锹，电话：13935012345（李队长），月底前有效",
        "odd_job",
        {
            "title": "绿化工",
            "headcount": "15人",
            "salary": "180元/天",
            "contact_phone": "13935012345",
            "contact_name": "李队长",
            "location": "杏岭子乡",
            "valid_until": "2025-03-31",
        },
    ),
    (
        "东秀庄乡急需拾土豆工，20人，一天120元，中午管饭，9月25日截止，联系13233501234",
        "odd_job",
        {
            "title": "拾土豆工",
            "headcount": "20人",
            "salary": "一天120元",
            "contact_phone": "13233501234",
            "location": "东秀庄乡",
            "valid_until": "2025-09-25",
        },
    ),
    (
        "韩家楼乡修路需要力工10名 200块一天 干半个月 找老张 13503501234",
        "odd_job",
        {"title": "力工", "headcount": "10", "salary": "200块", "contact_phone": "13503501234", "location": "韩家楼乡"},
    ),
    (
        "孙家坪乡种植基地招插秧工8人，按天结算，每天160元，联系电话：13834567890，有效期：2025/06/15",
        "odd_job",
        {
            "title": "插秧工",
            "employer": "种植基地",
            "headcount": "8",
            "salary": "160元",
            "contact_phone": "13834567890",
            "location": "孙家坪乡",
            "valid_until": "2025-06-15",
        },
    ),
    (
        "急！今天下午需要搬运工4人，搬家具，一人200元，砚城镇新华街，电话13111112222",
        "odd_job",
        {"title": "搬运工", "headcount": "4人", "salary": "200元", "contact_phone": "13111112222"},
    ),
    (
        "需要瓦工大工2名、小工4名，县城盖房，大工350一天，小工200一天，电话:13403501234 王",
        "odd_job",
        {"title": "瓦工", "salary": "大工350一天", "contact_phone": "13403501234"},
    ),
    (
        "零工：帮忙剪羊毛，2天，每天250元，胡会乡，找赵大哥，手机 15135012345",
        "odd_job",
        {"salary": "250元", "contact_phone": "15135012345", "contact_name": "赵大哥", "location": "胡会乡"},
    ),
    (
        "【零工】前所乡需要剪枝工5人，工钱面议，联系人：刘，电话：15835012345",
        "odd_job",
        {"title": "剪枝工", "salary": "面议", "headcount": "5人", "contact_phone": "15835012345", "location": "前所乡"},
    ),
    (
        "有活！明天去地里拔草，要6个人，一人一天150，管饭，在胡会，打电话13803501234",
        "odd_job",
        {"salary": "一天150", "headcount": "6人", "location": "胡会乡", "contact_phone": "13803501234"},
    ),
]
