"""Demo outreach and matching: an outreach list imported at 五角场 (prospects for the call list) and
matching profiles for a few seekers, so that the counselor's day has something to work on."""
from ..accounts.models import Role, User
from ..extensions import db
from ..matching.services import update_profile
from ..outreach.imports import import_list
from . import data

# 姓名, 手机号, 类别, 居委/社区, 备注 — as the sub-district hands it over (invented people).
OUTREACH_LIST = (
    ("姓名", "手机号", "类别", "居委/社区", "备注"),
    ("周建国", "13500000101", "失业人员", "长白一村", "原纺织厂员工，想找仓储类工作"),
    ("吴丽娟", "13500000102", "就业困难人员", "控江二村", "需要离家近、时间灵活的岗位"),
    ("郑浩", "13500000103", "离校未就业高校毕业生", "五角场街道", "2025 届，计算机专业"),
    ("王芳", "13500000104", "失业青年", "国权北路", ""),
    ("陈磊", "13500000105", "失业人员", "长海一村", "有叉车证"),
)

# Seeker index in data.SEEKERS → (education, skills, wished posts, wished places, salary wish)
PROFILES = {
    0: ("bachelor", "新媒体运营 文案 视频剪辑", "运营专员 新媒体编辑", "杨浦 五角场", 7000),
    1: ("master", "Python 数据分析 SQL", "数据分析师 产品助理", "杨浦 创智天地", 10000),
    3: ("junior_college", "客服 沟通 Excel", "客服专员 行政助理", "杨浦", 5500),
}


def seed_outreach(seekers: list[User]) -> None:
    """Import the outreach list as the 五角场 counselor and give a few seekers a matching profile."""
    counselor = db.session.execute(
        db.select(User).filter_by(email=data.staff_email("counselor", "wujiaochang"), role=Role.COUNSELOR)
    ).scalar_one()
    csv_text = "\n".join(",".join(row) for row in OUTREACH_LIST) + "\n"
    import_list("排摸名单.csv", csv_text.encode("utf-8"), actor=counselor)
    for index, (education, skills, posts, places, salary) in PROFILES.items():
        seeker = seekers[index]
        update_profile(seeker, actor=seeker, education=education, skills=skills, wished_posts=posts,
                       wished_places=places, salary_wish=salary)
