"""The pages: upload with preview then import, the call list with one-tap logging, a seeker's matches
with a referral that needs consent, and "posts for you" on the seeker's home; role checks."""
import io
import re

from leye_events.accounts.models import Role, User
from leye_events.cases.models import Referral
from leye_events.employers.models import Post
from leye_events.extensions import db
from leye_events.matching.services import update_profile
from leye_events.outreach.models import Contact

from ..cases.helpers import Station
from ..factories import make_user
from .helpers import csv_bytes, make_post, xlsx_bytes


def test_upload_preview_then_import(login):
    place = Station()
    web = login(place.counselor)
    assert web.get("/outreach/import").status_code == 200
    rows = [["李雷", "18600000051", "失业人员", "一居", ""], ["韩梅梅", "123", "", "", ""]]
    preview = web.post("/outreach/import", data={"file": (io.BytesIO(xlsx_bytes(rows)), "名单.xlsx")},
                       content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "新增 1 人" in page and "手机号无效" in page
    assert db.session.execute(db.select(User).filter_by(phone="18600000051")).scalar_one_or_none() is None
    token = page.split('name="upload" value="')[1].split('"')[0]
    done = web.post("/outreach/import", data={"upload": token, "filename": "名单.xlsx"})
    assert done.status_code == 200 and "导入结果" in done.get_data(as_text=True)
    assert db.session.execute(db.select(User).filter_by(phone="18600000051")).scalar_one().prospect is True
    again = web.post("/outreach/import", data={"upload": token, "filename": "名单.xlsx"})
    assert "已失效" in again.get_data(as_text=True)
    garbage = web.post("/outreach/import", data={"file": (io.BytesIO(b"\x00\x01" * 100), "x.csv")},
                       content_type="multipart/form-data")
    assert garbage.status_code == 200 and "无法读取文件" in garbage.get_data(as_text=True)
    assert login(place.door).get("/outreach/import").status_code == 403


def test_call_list_page_masks_until_asked_and_logs_in_one_tap(login, api):
    place = Station()
    web = login(place.counselor)
    web.post("/outreach/import", data={"file": (io.BytesIO(csv_bytes([["王小二", "18600000061", "", "", ""]])), "a.csv")},
             content_type="multipart/form-data")
    token = web.post("/outreach/import", data={"file": (io.BytesIO(csv_bytes([["王小二", "18600000061", "", "", ""]])),
                                                         "a.csv")}, content_type="multipart/form-data")
    page_token = token.get_data(as_text=True).split('name="upload" value="')[1].split('"')[0]
    web.post("/outreach/import", data={"upload": page_token})
    seeker = db.session.execute(db.select(User).filter_by(phone="18600000061")).scalar_one()
    page = web.get("/outreach/calls").get_data(as_text=True)
    assert "18600000061" not in page and "王小二" not in page and f'id="s{seeker.id}"' in page
    assert "18600000061" in web.get("/outreach/calls?unmask=1&reason=电话回访").get_data(as_text=True)
    assert "18600000061" not in web.get("/outreach/calls?unmask=1").get_data(as_text=True)  # no reason, no number
    response = web.post(f"/outreach/contacts/{seeker.id}", data={"channel": "phone", "result": "reached", "note": "想找会计工作"})
    assert response.status_code == 302
    assert db.session.execute(db.select(Contact)).scalar_one().note == "想找会计工作"
    after = web.get("/outreach/calls").get_data(as_text=True)
    assert f'id="s{seeker.id}"' not in after
    # The counts under the list: the counselor's contact and the person reached; the station's prospect.
    counts = after.split('id="counts"')[1]
    row = counts.split(place.counselor.name)[1].split("</tr>")[0]
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>", row)][:2] == [1, 1]
    total = counts.split("本站合计")[1].split("</tr>")[0]
    assert [int(n) for n in re.findall(r"<th>(\d+)</th>", total)] == [1, 1, 1, 0, 0, 0]
    assert login(place.organizer).get("/outreach/calls").status_code == 403


def test_seeker_matches_page_refers_only_with_consent(login):
    place = Station()
    post = make_post("立信会计师事务所", station=place.station, title="审计助理", description="审计 会计")
    seeker = make_user(Role.SEEKER, station=place.station)
    web = login(place.counselor)
    saved = web.post(f"/outreach/seekers/{seeker.id}/matches",
                     data={"education": "bachelor", "skills": "会计", "wished_posts": "审计", "wished_places": "",
                           "salary_wish": "6000"})
    assert saved.status_code == 302
    page = web.get(f"/outreach/seekers/{seeker.id}/matches").get_data(as_text=True)
    assert "审计助理" in page and "符合求职意向" in page
    refused = web.post(f"/outreach/seekers/{seeker.id}/referrals", data={"post_id": str(post.id), "consent": ""})
    assert refused.status_code == 302 and db.session.execute(db.select(Referral)).first() is None
    web.post(f"/outreach/seekers/{seeker.id}/referrals", data={"post_id": str(post.id), "consent": "verbal"})
    assert db.session.execute(db.select(Referral)).scalar_one().post_id == post.id
    assert login(Station().counselor).get(f"/outreach/seekers/{seeker.id}/matches").status_code == 403


def test_posts_for_you_on_the_seekers_home(login):
    place = Station()
    make_post("某科技公司", station=place.station, title="Python开发工程师", description="Python Django")
    seeker = make_user(Role.SEEKER, station=place.station)
    web = login(seeker)
    assert "为你推荐的岗位" not in web.get("/").get_data(as_text=True)
    update_profile(seeker, actor=seeker, skills="Python")
    db.session.commit()
    home = web.get("/").get_data(as_text=True)
    assert "为你推荐的岗位" in home and "Python开发工程师" in home
    mine = web.get("/me/posts")
    assert mine.status_code == 200 and "Python开发工程师" in mine.get_data(as_text=True)
    post_id = db.session.execute(db.select(Post.id).filter_by(title="Python开发工程师")).scalar_one()
    for page in (home, mine.get_data(as_text=True)):  # a recommendation opens the post, where one applies
        assert f'href="/posts/{post_id}"' in page
    assert web.post("/me/posts", data={"skills": "Django", "education": "phd"}).status_code == 200
    assert login(place.counselor).get("/me/posts").status_code == 403
    assert "为你推荐的岗位" not in login(place.counselor).get("/").get_data(as_text=True)


def test_the_case_page_links_the_counselor_to_matching(login):
    place = Station()
    seeker = make_user(Role.SEEKER, station=place.station)
    web = login(place.counselor)
    web.get(f"/outreach/seekers/{seeker.id}/matches")  # opens the case
    from leye_events.cases.models import Case
    case_id = db.session.execute(db.select(Case.id).filter_by(seeker_id=seeker.id)).scalar_one()
    page = web.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"/outreach/seekers/{seeker.id}/matches" in page
