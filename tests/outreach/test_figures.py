"""The figures move: a counselor imports a list, reaches a graduate, the graduate signs up, is referred
with consent and hired by the employer — people reached, prospects converted, referrals and hires from
referrals count it, in /figures and in the station report XLSX."""
import io
from datetime import timedelta

from openpyxl import load_workbook

from leye_events.accounts.models import Role, User
from leye_events.accounts.services import signup_seeker
from leye_events.core.timeutil import to_local, utcnow
from leye_events.extensions import db

from ..cases.helpers import Station
from ..factories import make_user
from .helpers import csv_bytes, make_post, upload

FIELDS = ("people_reached", "prospects_converted", "referrals", "hires_from_referrals")


def test_the_counselors_day_moves_the_figures(api, login):
    place, elsewhere = Station(), Station()
    post = make_post("立信会计师事务所", station=place.station, title="审计助理", description="审计 会计")
    before = api.as_(place.organizer).get("/figures").get_json()
    assert [before[name] for name in FIELDS] == [0, 0, 0, 0]

    upload(api, place.counselor, csv_bytes([["张三丰", "18600000041", "离校未就业高校毕业生", "复旦大学", ""]],
                                           encoding="gb18030"))
    seeker_id = db.session.execute(db.select(User.id).filter_by(phone="18600000041")).scalar_one()
    api.as_(place.counselor).post(f"/seekers/{seeker_id}/contacts", json={"channel": "phone", "result": "reached"})
    signup_seeker(name="张三丰", phone="18600000041", password="long-enough-1", consent=True)
    db.session.commit()
    api.as_(place.counselor).patch(f"/seekers/{seeker_id}/profile", json={"wished_posts": "审计"})
    match = api.as_(place.counselor).get(f"/seekers/{seeker_id}/matches").get_json()["matches"][0]
    assert match["post"]["id"] == post.id
    referral = api.as_(place.counselor).post(f"/seekers/{seeker_id}/referrals",
                                             json={"post_id": post.id, "consent": "written"}).get_json()
    yesterday = to_local(utcnow()).date() - timedelta(days=1)  # figures count start dates before today
    employer = make_user(Role.EMPLOYER, employer_id=post.employer_id)
    api.as_(employer).post(f"/referrals/{referral['id']}/result",
                           json={"result": "hired", "start_date": yesterday.isoformat()})

    after = api.as_(place.organizer).get("/figures").get_json()
    assert [after[name] for name in FIELDS] == [1, 1, 1, 1]
    assert after["people_reached_by_category"]["graduate_unemployed"] == 1
    other = api.as_(elsewhere.organizer).get("/figures").get_json()
    assert [other[name] for name in FIELDS] == [0, 0, 0, 0]
    district = api.as_(make_user(Role.ADMIN)).get("/figures").get_json()
    assert [district[name] for name in FIELDS] == [1, 1, 1, 1]

    report = login(place.organizer).get("/figures/report.xlsx")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(report.data))["信息排摸与岗位推介"]
    totals = [row for row in sheet.iter_rows(values_only=True) if row[0] == "合计"][0]
    assert list(totals[1:5]) == [1, 1, 1, 1]
