"""The demo content that ``flask seed-demo`` loads: staff, seekers and a month of events.

All of it is invented. Event days are offsets from the day the seed runs (Asia/Shanghai).
"""
from dataclasses import dataclass, field

DEMO_PASSWORD = "demo12345"
EMAIL_DOMAIN = "demo.leye"
ADMIN_EMAIL = f"admin@{EMAIL_DOMAIN}"

# Stations with a full demo staff (organizer, counselor, door); slug -> email suffix.
STAFFED_STATIONS = ("wujiaochang", "chuanggu", "fudan", "tongji")
STAFF_ROLES = ("organizer", "counselor", "door")
STAFF_NAMES = {
    ("wujiaochang", "organizer"): "周晓雯",
    ("wujiaochang", "counselor"): "陈红梅",
    ("wujiaochang", "door"): "刘志强",
    ("chuanggu", "organizer"): "王一凡",
    ("chuanggu", "counselor"): "孙丽",
    ("chuanggu", "door"): "赵磊",
    ("fudan", "organizer"): "李思源",
    ("fudan", "counselor"): "吴倩",
    ("fudan", "door"): "郑浩",
    ("tongji", "organizer"): "何敏",
    ("tongji", "counselor"): "高静",
    ("tongji", "door"): "马骏",
}


def staff_email(role: str, slug: str) -> str:
    return f"{role}.{slug}@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class DemoSeeker:
    name: str
    category: str
    station: str
    school: str | None = None
    graduation_year: int | None = None


# The first seeker also gets an email login (seeker@demo.leye) for the demo table.
DEMO_SEEKER_EMAIL = f"seeker@{EMAIL_DOMAIN}"

SEEKERS: tuple[DemoSeeker, ...] = (
    # 离校未就业高校毕业生
    DemoSeeker("林晓", "graduate_unemployed", "wujiaochang", "上海理工大学", 2025),
    DemoSeeker("张雨桐", "graduate_unemployed", "fudan", "复旦大学", 2025),
    DemoSeeker("黄子轩", "graduate_unemployed", "tongji", "同济大学", 2025),
    DemoSeeker("徐佳怡", "graduate_unemployed", "wujiaochang", "上海财经大学", 2025),
    DemoSeeker("朱浩然", "graduate_unemployed", "yinhang", "上海电力大学", 2024),
    DemoSeeker("胡可欣", "graduate_unemployed", "xinjiangwancheng", "上海理工大学", 2025),
    DemoSeeker("郭俊杰", "graduate_unemployed", "chuanggu", "上海海洋大学", 2025),
    DemoSeeker("罗梦琪", "graduate_unemployed", "kongjianglu", "华东政法大学", 2024),
    # 在校生
    DemoSeeker("杨思琪", "student", "fudan", "复旦大学", 2026),
    DemoSeeker("许博文", "student", "fudan", "复旦大学", 2026),
    DemoSeeker("谢雨萱", "student", "fudan", "复旦大学", 2027),
    DemoSeeker("韩宇航", "student", "tongji", "同济大学", 2026),
    DemoSeeker("冯欣然", "student", "tongji", "同济大学", 2026),
    DemoSeeker("曹梓涵", "student", "sufe", "上海财经大学", 2026),
    DemoSeeker("彭一鸣", "student", "usst", "上海理工大学", 2026),
    DemoSeeker("邓诗涵", "student", "shiep", "上海电力大学", 2027),
    DemoSeeker("曾家豪", "student", "usst", "上海理工大学", 2026),
    DemoSeeker("萧雅婷", "student", "sufe", "上海财经大学", 2027),
    # 失业青年
    DemoSeeker("袁鹏", "unemployed_youth", "wujiaochang"),
    DemoSeeker("蒋文静", "unemployed_youth", "chuanggu"),
    DemoSeeker("沈一帆", "unemployed_youth", "pinglianglu"),
    DemoSeeker("韦晨", "unemployed_youth", "changbaixincun"),
    DemoSeeker("唐诗雨", "unemployed_youth", "daqiao"),
    DemoSeeker("董睿", "unemployed_youth", "jiangpulu", "上海开放大学", 2022),
    # 就业困难人员
    DemoSeeker("钱建国", "hard_to_employ", "dinghailu"),
    DemoSeeker("汪秀英", "hard_to_employ", "yanjixincun"),
    DemoSeeker("陆卫东", "hard_to_employ", "wujiaochang"),
    DemoSeeker("姜美华", "hard_to_employ", "sipinglu"),
    DemoSeeker("范国庆", "hard_to_employ", "changhailu"),
    # 失业人员
    DemoSeeker("金海波", "unemployed", "wujiaochang"),
    DemoSeeker("石慧", "unemployed", "chuanggu"),
    DemoSeeker("夏立新", "unemployed", "kongjianglu"),
    DemoSeeker("邱敏", "unemployed", "pinglianglu"),
    DemoSeeker("方建华", "unemployed", "yinhang"),
    # 其他
    DemoSeeker("田野", "other", "chuanggu"),
    DemoSeeker("潘晓东", "other", "wujiaochang"),
)


def seeker_phone(index: int) -> str:
    """Invented mobile numbers, 137 0000 0001 onwards."""
    return f"1370000{index + 1:04d}"


@dataclass(frozen=True)
class DemoSession:
    day: int  # days from the seed day, Asia/Shanghai
    starts: str  # "HH:MM", Shanghai wall time
    ends: str
    title: str = ""


@dataclass(frozen=True)
class DemoEvent:
    station: str
    kind: str
    title: str
    venue: str
    capacity: int
    description: str
    sessions: tuple[DemoSession, ...]
    status: str = "published"
    # Registration closes this many hours before the first session (None: when it starts).
    closes_hours_before: int | None = None
    eligible_categories: tuple[str, ...] | None = None
    extra: dict = field(default_factory=dict)


WORKSHOP_TITLE = "“打造我的2026”沉浸式巡演"
WORKSHOP_MODULES = ("岗位解析", "潜力探索", "岗位推介", "求职适配")
FAIR_TITLE = "2026届毕业生校园招聘会（复旦大学专场）"

EVENTS: tuple[DemoEvent, ...] = (
    DemoEvent(
        "wujiaochang", "salon", "简历门诊沙龙：让HR一眼看中你",
        "五角场街道乐业空间 二楼活动室", 30,
        "资深HR现场一对一修改简历，讲清楚简历筛选的真实流程。\n请携带打印版或手机中的简历。",
        (DemoSession(2, "14:00", "16:00"),),
    ),
    DemoEvent(
        "wujiaochang", "lecture", "新就业形态劳动者权益保障讲座",
        "五角场街道社区党群服务中心 多功能厅", 80,
        "外卖骑手、网约车司机、主播等新就业形态从业者的社保、工伤与合同知识；律师现场答疑。",
        (DemoSession(4, "10:00", "11:30"),),
    ),
    DemoEvent(
        "chuanggu", "salon", "下班后的职场沙龙：面试表达力",
        "长阳创谷 创谷乐业空间 路演厅", 30,
        "模拟面试 + 现场点评：如何讲清楚自己的经历，如何回答“你的缺点是什么”。适合工作三年以内的青年。",
        (DemoSession(5, "19:00", "21:00"),),
    ),
    DemoEvent(
        "chuanggu", "salon", "岗位推介直播间：园区企业线上线下同步招聘",
        "长阳创谷 创谷乐业空间 直播间", 20,
        "线上线下同步：现场 20 个座位，可与企业 HR 面对面交流；线上不限名额，B站直播间同步推介园区岗位。\n"
        "报名时选择线下或线上参加；线上报名者凭电子票页的个人参会链接进入直播间。",
        (DemoSession(3, "19:00", "20:30"),),
        extra={"mode": "hybrid", "online_url": "https://live.bilibili.com/00000000"},
    ),
    DemoEvent(
        "chuanggu", "interview_session", "长阳创谷企业专场面试会",
        "长阳创谷 创谷乐业空间 一楼大厅", 60,
        "园区企业现场面试，当场反馈。参会企业与岗位（部分）：\n"
        "· 某智能制造企业：嵌入式软件工程师、售后技术支持\n"
        "· 某跨境电商企业：运营专员、客服主管\n"
        "· 某在线教育企业：课程顾问、视频剪辑\n"
        "请携带简历 3 份，着装得体。",
        (DemoSession(7, "13:30", "17:00"),),
        closes_hours_before=24,
    ),
    DemoEvent(
        "wujiaochang", "workshop", WORKSHOP_TITLE,
        "五角场街道乐业空间 沉浸式体验区", 30,
        "乐业空间的品牌活动：四个模块环环相扣，从读懂岗位到找到适合自己的工作。\n"
        "岗位解析 —— 拆解热门岗位的真实工作内容；潜力探索 —— 测评与团体辅导，发现自己的优势；"
        "岗位推介 —— 服务专员推荐匹配岗位；求职适配 —— 模拟面试与一对一求职指导。\n"
        "建议四个模块全程参加，每个模块单独签到。",
        (
            DemoSession(10, "09:30", "11:30", WORKSHOP_MODULES[0]),
            DemoSession(10, "13:30", "15:30", WORKSHOP_MODULES[1]),
            DemoSession(11, "09:30", "11:30", WORKSHOP_MODULES[2]),
            DemoSession(11, "13:30", "15:30", WORKSHOP_MODULES[3]),
        ),
        closes_hours_before=24,
    ),
    DemoEvent(
        "fudan", "job_fair", FAIR_TITLE,
        "复旦大学邯郸校区 正大体育馆", 300,
        "面向2026届毕业生及离校未就业高校毕业生，预计80余家用人单位参会，涵盖金融、信息技术、智能制造、"
        "教育、医药等行业。分上午、下午两场，凭二维码入场，每场单独签到。",
        (
            DemoSession(12, "09:00", "12:00", "上午场"),
            DemoSession(12, "13:30", "16:30", "下午场"),
        ),
        closes_hours_before=15,
        eligible_categories=("student", "graduate_unemployed"),
    ),
    DemoEvent(
        "tongji", "salon", "职业规划沙龙：从校园到职场的第一步",
        "同济大学四平路校区 学生职业发展中心 201", 40,
        "往届校友分享第一份工作的选择与转变，小组讨论职业方向。",
        (DemoSession(9, "18:30", "20:30"),),
    ),
    DemoEvent(
        "chuanggu", "visit", "走进长阳创谷：数字企业参观访学",
        "长阳创谷 东门集合", 25,
        "参观园区内的数字经济企业，与企业HR面对面交流用人需求。",
        (DemoSession(14, "14:00", "16:30"),),
    ),
    DemoEvent(
        "fudan", "salon", "求职沙龙：体制内还是互联网？",
        "复旦大学邯郸校区 光华楼东辅楼 102", 50,
        "选调生、国企与互联网企业的从业者同台对谈，讲真实的工作节奏、成长与收入。",
        (DemoSession(16, "18:30", "20:30"),),
    ),
    DemoEvent(
        "tongji", "outdoor", "杨浦滨江城市定向户外拓展",
        "杨浦滨江 渔人码头集合", 40,
        "团队定向挑战与破冰游戏，在运动中练习沟通与协作，认识一起求职的伙伴。雨天顺延。",
        (DemoSession(18, "09:00", "12:00"),),
    ),
    DemoEvent(
        "dinghailu", "salon", "家门口的就业服务：就业政策宣讲沙龙",
        "定海路街道社区党群服务中心 三楼", 40,
        "就业补贴、职业技能培训补贴、灵活就业社保补贴的申请条件和流程，现场一对一咨询。",
        (DemoSession(20, "14:00", "15:30"),),
    ),
    DemoEvent(
        "tongji", "lecture", "AI时代的求职新技能讲座",
        "同济大学四平路校区 逸夫楼报告厅", 120,
        "用人单位如何看待AI工具？哪些能力更值钱？讲座后有简历与作品集答疑。",
        (DemoSession(22, "14:00", "16:00"),),
    ),
    DemoEvent(
        "fudan", "salon", "创业沙龙：从想法到第一个客户",
        "复旦大学邯郸校区 创新创业学院", 30,
        "草稿：嘉宾待定。",
        (DemoSession(25, "14:00", "16:00"),),
        status="draft",
    ),
    DemoEvent(
        "wujiaochang", "salon", "求职第一课：简历与面试礼仪",
        "五角场街道乐业空间 二楼活动室", 30,
        "往期活动。",
        (DemoSession(-7, "14:00", "16:00"),),
    ),
    DemoEvent(
        "wujiaochang", "salon", "职场沙龙：第一份工作怎么选",
        "五角场街道乐业空间 二楼活动室", 30,
        "往期活动：三位入职一年的青年分享求职经历，服务专员现场答疑。",
        (DemoSession(-1, "14:00", "16:00"),),
    ),
)

# --- cases: employers, posts, registrations, attendance and counselor work ------------------------
YESTERDAY_SALON_TITLE = "职场沙龙：第一份工作怎么选"
FIRST_LESSON_TITLE = "求职第一课：简历与面试礼仪"

# (name, industry, post titles)
EMPLOYERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("上海杨浦智造科技有限公司", "智能制造", ("嵌入式软件工程师", "售后技术支持")),
    ("上海创谷跨境电子商务有限公司", "电子商务", ("运营专员", "客服主管")),
    ("上海乐学在线教育科技有限公司", "教育", ("课程顾问", "视频剪辑")),
    ("上海五角场商业管理有限公司", "商业服务", ("会员运营专员", "行政助理")),
)

# Past events: which seekers (indexes into SEEKERS) registered and which of them came.
PAST_ATTENDANCE: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    FIRST_LESSON_TITLE: ((0, 3, 18, 29), (0, 3, 18)),
    # Yesterday: 袁鹏, 陆卫东 and 潘晓东 registered but did not come (the follow-up list).
    YESTERDAY_SALON_TITLE: ((0, 3, 18, 26, 29, 35), (0, 3, 29)),
}

# Upcoming registrations: event title -> seeker indexes.
UPCOMING_REGISTRATIONS: dict[str, tuple[int, ...]] = {
    "简历门诊沙龙：让HR一眼看中你": (0, 18, 26, 35),
    WORKSHOP_TITLE: (0, 3, 29),
    FAIR_TITLE: (1, 8, 9, 10),
}


@dataclass(frozen=True)
class DemoCaseWork:
    seeker: int  # index into SEEKERS
    plan: str = ""
    notes: tuple[str, ...] = ()
    # (employer, post, result or "pending")
    referrals: tuple[tuple[str, str, str], ...] = ()
    # (employer, post, start date as days from today, event title that led there or "")
    outcome: tuple[str, str, int, str] | None = None


CASE_WORK: tuple[DemoCaseWork, ...] = (
    DemoCaseWork(
        0, plan="目标：互联网运营类岗位。本月完成简历修改，参加四个模块的沉浸式巡演。",
        notes=("首次面谈：上海理工大学2025届毕业生，专业市场营销，希望从事运营工作。",),
        referrals=(("上海创谷跨境电子商务有限公司", "运营专员", "interviewed"),),
    ),
    DemoCaseWork(
        3, plan="目标：行政或会员运营岗位，尽快就业。",
        notes=("参加沙龙后主动咨询，已推荐五角场商业管理公司。", "电话回访：面试顺利，等待通知。"),
        referrals=(("上海五角场商业管理有限公司", "会员运营专员", "hired"),),
        outcome=("上海五角场商业管理有限公司", "会员运营专员", -2, YESTERDAY_SALON_TITLE),
    ),
    DemoCaseWork(
        29, plan="失业登记后第一个月：技能培训意向调查，推荐合适岗位。",
        notes=("有十年仓储管理经验，希望就近就业。",),
        referrals=(("上海杨浦智造科技有限公司", "售后技术支持", "pending"),),
    ),
)
