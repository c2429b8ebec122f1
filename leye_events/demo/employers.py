"""Demo employers of 长阳创谷 with real-looking posts, company visits, booths at the campus fair and
the 创谷 interview session, a run of interview slots with bookings, and applications in every state.

Loaded through the employers services (and the booking service), so it obeys every rule."""
from dataclasses import dataclass
from datetime import timedelta

from ..accounts.models import User
from ..booking.services import register
from ..employers import applications, interviews, services
from ..employers.credit_code import check_character
from ..employers.models import Employer, Post
from ..extensions import db
from . import data

RECRUITER_EMAIL = f"hr.chuanggu@{data.EMAIL_DOMAIN}"


@dataclass(frozen=True)
class DemoPost:
    title: str
    headcount: int
    salary: tuple[int, int]
    education: str | None
    experience_years: int | None
    tags: tuple[str, ...]
    description: str
    welcome: tuple[str, ...] = ()


# name -> (credit code body of 17 characters, size, park, address, contact, posts)
EMPLOYER_DETAILS = {
    "上海杨浦智造科技有限公司": ("91310110MA1G80001", "200-500人", "长阳创谷", "长阳路1687号 5号楼", "刘工", (
        DemoPost("嵌入式软件工程师", 3, (12000, 20000), "bachelor", 1, ("C/C++", "五险一金"),
                 "负责工业控制器固件开发与调试；熟悉 ARM、RTOS 优先。", ("graduate_unemployed", "student")),
        DemoPost("售后技术支持", 2, (7000, 10000), "junior_college", 2, ("出差补贴",),
                 "设备安装调试与客户培训，需适应长三角短途出差。", ("unemployed", "hard_to_employ")),
    )),
    "上海创谷跨境电子商务有限公司": ("91310110MA1G80002", "50-200人", "长阳创谷", "长阳路1687号 9号楼", "王经理", (
        DemoPost("运营专员", 4, (8000, 12000), "bachelor", None, ("双休", "应届可投"),
                 "负责亚马逊店铺日常运营、数据分析与活动策划，英语读写流畅。", ("graduate_unemployed",)),
        DemoPost("客服主管", 1, (9000, 13000), "junior_college", 3, ("带团队",), "管理 8 人客服团队，制定服务流程与考核。"),
    )),
    "上海乐学在线教育科技有限公司": ("91310110MA1G80003", "200-500人", "长阳创谷", "长阳路1687号 2号楼", "陈老师", (
        DemoPost("课程顾问", 5, (6000, 15000), "junior_college", None, ("底薪+提成",),
                 "为学员家长提供课程咨询，完成续费与转介绍。"),
        DemoPost("视频剪辑", 2, (7000, 11000), None, 1, ("Premiere", "作品集"), "剪辑课程与宣传短视频，有 B 站作品优先。"),
    )),
    "上海五角场商业管理有限公司": ("91310110MA1G80004", "500人以上", "", "国宾路58号", "赵主管", (
        DemoPost("会员运营专员", 2, (7000, 9000), "bachelor", None, ("商场", "双休"), "会员活动策划与社群运营。"),
        DemoPost("行政助理", 1, (6000, 8000), "junior_college", None, ("就近上班",), "前台接待、档案与采购协助。",
                 ("unemployed", "hard_to_employ")),
    )),
}
# Booths: employer name -> booth number, at the campus fair and at the 创谷 interview session.
FAIR_BOOTHS = {"上海杨浦智造科技有限公司": "A01", "上海创谷跨境电子商务有限公司": "A02", "上海乐学在线教育科技有限公司": "B01"}
SESSION_BOOTHS = {"上海杨浦智造科技有限公司": "1", "上海创谷跨境电子商务有限公司": "2", "上海乐学在线教育科技有限公司": "3"}
SESSION_TITLE = "长阳创谷企业专场面试会"
# Seekers (indexes into SEEKERS) registered for the interview session who book a slot.
SESSION_SEEKERS = (6, 1, 2, 5)
# (seeker index, employer, post, result or "applied")
APPLICATIONS = (
    (1, "上海创谷跨境电子商务有限公司", "运营专员", "applied"),
    (2, "上海杨浦智造科技有限公司", "嵌入式软件工程师", "interview"),
    (5, "上海创谷跨境电子商务有限公司", "运营专员", "offer"),
    (6, "上海创谷跨境电子商务有限公司", "客服主管", "hired"),
    (8, "上海乐学在线教育科技有限公司", "视频剪辑", "rejected"),
    (9, "上海创谷跨境电子商务有限公司", "运营专员", "no_show"),
)


def _by_name(name: str) -> Employer:
    return db.session.execute(db.select(Employer).filter_by(name=name)).scalar_one()


def _post(employer: Employer, title: str) -> Post:
    return db.session.execute(db.select(Post).filter_by(employer_id=employer.id, title=title)).scalar_one()


def seed_employers(seekers: list[User], events: dict, admin: User, today) -> list[tuple[str, str, str, str]]:
    """Fill in the employers named by the case demo, and everything of the employers feature; returns
    the recruiter's line for the demo logins table."""
    organizer = db.session.execute(db.select(User).filter_by(email=data.staff_email("organizer", "chuanggu"))).scalar_one()
    for name, (code, size, park, address, contact, posts) in EMPLOYER_DETAILS.items():
        employer = _by_name(name)
        services.update_employer(employer, {"station": "chuanggu", "credit_code": code + check_character(code),
                                            "size": size, "park": park, "address": address, "contact_name": contact,
                                            "contact_phone": "021-6500" + code[-4:]}, actor=admin)
        services.record_visit(employer, actor=organizer, visited_on=today - timedelta(days=20),
                              visitors=organizer.name, agreed="收集春季用工需求，约定参加创谷专场面试会。")
        for spec in posts:
            fields = {"description": spec.description, "headcount": spec.headcount, "salary_min": spec.salary[0],
                      "salary_max": spec.salary[1], "education": spec.education,
                      "experience_years": spec.experience_years, "location": address, "tags": list(spec.tags),
                      "welcome_categories": list(spec.welcome), "closes_on": today + timedelta(days=45)}
            services.update_post(_post(employer, spec.title), {**fields, "status": "open"}, actor=admin)
            _post(employer, spec.title).station_id = employer.station_id
    recruiter = services.create_employer_account(_by_name("上海创谷跨境电子商务有限公司"), actor=organizer,
                                                 email=RECRUITER_EMAIL, name="王经理", password=data.DEMO_PASSWORD)
    _seed_booths_and_slots(events, admin, recruiter, seekers)
    _seed_applications(seekers, recruiter, admin)
    return [("employer", RECRUITER_EMAIL, data.DEMO_PASSWORD, "上海创谷跨境电子商务有限公司")]


def _seed_booths_and_slots(events: dict, admin: User, recruiter: User, seekers: list[User]) -> None:
    for title, booths in ((data.FAIR_TITLE, FAIR_BOOTHS), (SESSION_TITLE, SESSION_BOOTHS)):
        event = events[title]
        for name, booth in booths.items():
            employer = _by_name(name)
            services.set_booth(event, employer_id=employer.id, booth=booth, post_ids=[p.id for p in employer.posts],
                               actor=admin)
    session = events[SESSION_TITLE]
    start = session.starts_at
    slots = []
    for index, name in enumerate(SESSION_BOOTHS):
        employer = _by_name(name)
        actor = recruiter if employer.id == recruiter.employer_id else admin
        slots += interviews.add_run(session, employer_id=employer.id, actor=actor, start=start,
                                    end=start + timedelta(hours=2), minutes=20, parallel=2,
                                    post_id=employer.posts[0].id if index == 0 else None)
    for position, index in enumerate(SESSION_SEEKERS):
        register(session.id, seekers[index])
        interviews.book(slots[position].id, seekers[index])


def _seed_applications(seekers: list[User], recruiter: User, admin: User) -> None:
    for index, name, title, result in APPLICATIONS:
        employer = _by_name(name)
        application = applications.apply(_post(employer, title), seekers[index], share_profile=True)
        if result == "applied":
            continue
        actor = recruiter if employer.id == recruiter.employer_id else admin
        steps = {"offer": ("interview", "offer"), "hired": ("interview", "offer", "hired")}.get(result, (result,))
        for step in steps:
            applications.record_result(application, step, actor=actor)
