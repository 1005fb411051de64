"""Realistic job notices (kind `job`): regular posts as employers and WeChat groups write them, with the
fields the posting extractor must find in each (tests/postings/test_extract.py)."""

from __future__ import annotations

# (notice, kind, expected fields: a substring each value must contain; "" = must be absent)
JOB_NOTICES: list[tuple[str, str, dict[str, str]]] = [
    (
        "【招聘】五寨县鑫源建筑有限公司招聘电焊工5名\n工作地点：砚城镇\n工资：6000-8000元/月\n要求：持证上岗，50岁以下\n"
        "联系人：王经理 13812345678\n有效期至2025年4月30日",
        "job",
        {
            "title": "电焊工",
            "employer": "鑫源建筑有限公司",
            "location": "砚城镇",
            "salary": "6000-8000元/月",
            "headcount": "5人",
            "requirements": "持证",
            "contact_name": "王经理",
            "contact_phone": "13812345678",
            "valid_until": "2025-04-30",
        },
    ),
    (
        "岗位：保洁员\n单位：五寨县人民医院\n人数：2人\n薪资：面议\n要求：女性，55岁以下，身体健康\n联系电话：0350-7221234",
        "job",
        {
            "title": "保洁员",
            "employer": "五寨县人民医院",
            "salary": "面议",
            "headcount": "2",
            "requirements": "女性",
            "contact_phone": "0350-7221234",
        },
    ),
    (
        "山西某食品有限公司（太原）招聘普工30名，包吃住，月薪4500元以上，18-45周岁，男女不限。"
        "报名电话：18634561234（刘女士）截止日期：2025.5.31",
        "job",
        {
            "title": "普工",
            "employer": "食品有限公司",
            "salary": "4500元",
            "headcount": "30人",
            "requirements": "男女不限",
            "contact_phone": "18634561234",
            "contact_name": "刘女士",
            "valid_until": "2025-05-31",
        },
    ),
    (
        "三岔镇养殖场招饲养员2名，长期，工资3500元/月，有养羊经验优先，联系人：赵老板 电话15203501234，招满为止",
        "job",
        {
            "title": "饲养员",
            "employer": "三岔镇养殖场",
            "salary": "3500元/月",
            "headcount": "2人",
            "requirements": "经验优先",
            "contact_phone": "15203501234",
            "location": "三岔镇",
            "valid_until": "",
        },
    ),
    (
        "【岗位】收银员【单位】华联超市五寨店【地点】县城新建路【待遇】2800元/月+提成【人数】3人【电话】17735012345",
        "job",
        {
            "title": "收银员",
            "employer": "华联超市",
            "location": "新建路",
            "salary": "2800元/月",
            "headcount": "3人",
            "contact_phone": "17735012345",
        },
    ),
    (
        "招聘司机1名，需持A2驾照，月薪7000，五险，联系电话138-3501-2345，有效期：3月31日",
        "job",
        {
            "title": "司机",
            "headcount": "1人",
            "requirements": "驾照",
            "contact_phone": "13835012345",
            "valid_until": "2025-03-31",
        },
    ),
    (
        "百梦园小区物业招聘保安2名，60岁以下，月薪2600元，联系人：孟经理，电话：0350-7225678，截止2025年3月20日",
        "job",
        {
            "title": "保安",
            "employer": "物业",
            "location": "百梦园小区",
            "salary": "2600元",
            "contact_phone": "0350-7225678",
            "contact_name": "孟经理",
            "valid_until": "2025-03-20",
        },
    ),
    (
        "阳光小区扶贫车间招操作工20人，计件工资，多劳多得，月均3000元左右，就在家门口，电话15535011234",
        "job",
        {
            "title": "操作工",
            "location": "阳光小区",
            "salary": "3000元",
            "headcount": "20人",
            "contact_phone": "15535011234",
        },
    ),
    (
        "家政公司招月嫂、育婴师若干名，月薪8000-12000元，要求有健康证，联系王女士18903501234",
        "job",
        {
            "title": "月嫂",
            "employer": "家政公司",
            "headcount": "若干",
            "salary": "8000-12000元",
            "requirements": "健康证",
            "contact_phone": "18903501234",
            "contact_name": "王女士",
        },
    ),
    (
        "招聘：厨师1名、帮厨2名\n地点：五寨县城东关饭店\n工资：厨师5000元/月，帮厨3000元/月\n电话：13703501234",
        "job",
        {"title": "厨师", "location": "东关饭店", "salary": "5000元/月", "contact_phone": "13703501234"},
    ),
    (
        "快递分拣员招聘\n岗位：分拣员\n人数：6名\n工资：计件，4000元左右\n时间：夜班\n地址：五寨县物流园\n"
        "联系方式：韩主任 15003501234\n有效期：一个月内",
        "job",
        {
            "title": "分拣员",
            "headcount": "6",
            "salary": "计件",
            "location": "物流园",
            "contact_phone": "15003501234",
            "valid_until": "2025-04-09",
        },
    ),
    (
        "李家坪乡光伏电站招护林员1名，要求本乡户籍，年龄50岁以下，工资面议，联系人：高站长，电话0350-7231234",
        "job",
        {
            "title": "护林员",
            "location": "李家坪乡",
            "salary": "面议",
            "requirements": "50岁以下",
            "contact_phone": "0350-7231234",
            "contact_name": "高站长",
        },
    ),
    (
        "【五寨县就业服务中心】转发：北京某物业公司招聘保洁员、保安员共50名，包吃住，月薪4000-5500元，"
        "年龄18-55岁，有意者请联系县人社局劳务输出办 0350-7222345，报名截止：2025年3月25日",
        "job",
        {
            "title": "保洁员",
            "headcount": "50",
            "salary": "4000-5500元",
            "requirements": "18-55岁",
            "contact_phone": "0350-7222345",
            "valid_until": "2025-03-25",
        },
    ),
    (
        "招收学徒2名，学汽车维修，包吃住，学徒期每月1500元，初中以上学历，联系：刘师傅 15698765432",
        "job",
        {
            "title": "学徒",
            "headcount": "2",
            "salary": "1500元",
            "requirements": "初中",
            "contact_phone": "15698765432",
            "contact_name": "刘师傅",
        },
    ),
    (
        "民生小区超市招营业员1名\n女，45岁以下\n工资2500元/月\n电话 18735012345\n截至3月底",
        "job",
        {
            "title": "营业员",
            "location": "民生小区",
            "salary": "2500元/月",
            "requirements": "45岁以下",
            "contact_phone": "18735012345",
            "valid_until": "2025-03-31",
        },
    ),
    (
        "岗位名称：养老护理员\n用人单位：五寨县中心敬老院\n招聘人数：4人\n薪资待遇：3200元/月，五险一金\n"
        "任职要求：能吃苦耐劳，有护理证优先\n联系人：陈女士\n联系电话：0350-7226789\n截止时间：2025-04-15",
        "job",
        {
            "title": "养老护理员",
            "employer": "敬老院",
            "headcount": "4人",
            "salary": "3200元/月",
            "requirements": "吃苦耐劳",
            "contact_name": "陈女士",
            "contact_phone": "0350-7226789",
            "valid_until": "2025-04-15",
        },
    ),
    (
        "招聘会计1名，大专以上学历，有会计证，月薪4000元，五寨县宏达商贸有限公司，联系电话13623501234，有效期20250430",
        "job",
        {
            "title": "会计",
            "employer": "宏达商贸有限公司",
            "requirements": "大专",
            "salary": "4000元",
            "contact_phone": "13623501234",
            "valid_until": "2025-04-30",
        },
    ),
    (
        "挖机司机一名，月薪9000元，有证，联系13812341234，长期有效",
        "job",
        {
            "title": "挖机司机",
            "headcount": "1人",
            "salary": "9000元",
            "requirements": "有证",
            "contact_phone": "13812341234",
            "valid_until": "",
        },
    ),
    (
        "县城餐馆招服务员3人，工资2800，管吃住，十八到四十岁，电话：18603501234，有效期至十二月三十一日",
        "job",
        {
            "title": "服务员",
            "headcount": "3人",
            "salary": "管吃住",
            "contact_phone": "18603501234",
            "valid_until": "2025-12-31",
        },
    ),
    (
        "招环卫工6人，砚城镇，月工资2200元，60岁以下，联系人：乔主任，电话：0350－7224321，有效期：30天内",
        "job",
        {
            "title": "环卫工",
            "headcount": "6人",
            "location": "砚城镇",
            "salary": "2200元",
            "contact_name": "乔主任",
            "contact_phone": "0350-7224321",
            "valid_until": "2025-04-09",
        },
    ),
    (
        "转：朔州某煤矿招井下工人20名，月薪一万以上，包吃住，要求45岁以下男性，有意者联系13513501234（微信同号）",
        "job",
        {
            "title": "井下工人",
            "salary": "月薪一万以上",
            "headcount": "20人",
            "requirements": "45岁以下",
            "contact_phone": "13513501234",
        },
    ),
    (
        "岗位：收银员 人数：2 工资：2500 电话：0350-5221234",
        "job",
        {"title": "收银员", "headcount": "2", "salary": "2500", "contact_phone": "0350-5221234"},
    ),
    (
        "招聘 保育员 2名 要求：女 35岁以下 幼师证 工资3000 地址：砚城镇幼儿园 联系13700001234",
        "job",
        {
            "title": "保育员",
            "headcount": "2人",
            "salary": "3000",
            "requirements": "幼师证",
            "location": "砚城镇幼儿园",
            "contact_phone": "13700001234",
        },
    ),
    (
        "【招工】县城某小区装修需要木工2名、油漆工1名，工期约20天，工资面议。联系人：李总，电话：158 3501 8888",
        "job",
        {"title": "木工", "salary": "面议", "contact_name": "李总", "contact_phone": "15835018888"},
    ),
]
