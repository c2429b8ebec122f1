"""Matching: a small labelled set where the fitting post ranks first, closed posts never appear,
reasons in words, masked seekers for a post, the profile, and role checks."""
from datetime import timedelta

from leye_events.accounts.models import Role, SeekerCategory
from leye_events.core.timeutil import today_local
from leye_events.employers.models import Education, PostStatus
from leye_events.extensions import db
from leye_events.matching.bm25 import Bm25Index
from leye_events.matching.services import posts_for_seeker, update_profile
from leye_events.matching.text import tokens

from ..api.conftest import error_code
from ..cases.helpers import Station
from ..factories import make_user
from .helpers import make_post

THIS_YEAR = today_local().year


def _labelled_posts(station):
    return {
        "accountant": make_post("立信会计师事务所", station=station, title="审计助理",
                                description="协助注册会计师完成审计工作，熟悉财务报表和Excel", tags=["会计", "审计"],
                                education=Education.BACHELOR, salary_min=5000, salary_max=7000,
                                location="上海市杨浦区长白新村", welcome_categories=["graduate_unemployed"]),
        "developer": make_post("某科技公司", station=station, title="Python开发工程师",
                               description="使用Python和Django开发后台服务，了解数据库", tags=["Python", "后端"],
                               education=Education.BACHELOR, salary_min=9000, salary_max=14000,
                               location="上海市浦东新区张江", experience_years=0),
        "cook": make_post("好味餐饮", station=station, title="厨师", description="中餐热菜厨师，有厨师证",
                          tags=["餐饮"], education=Education.SECONDARY, salary_min=6000, salary_max=8000,
                          location="上海市杨浦区五角场", experience_years=3),
        "closed": make_post("某科技公司", station=station, title="数据分析师（已招满）",
                            description="Python数据分析", tags=["Python", "数据分析"], status=PostStatus.FILLED),
        "expired": make_post("某科技公司", station=station, title="Python实习生",
                             description="Python", closes_on=today_local() - timedelta(days=1)),
    }


def test_segmenter_and_bm25_rank_the_document_sharing_rare_words():
    assert "数据分析" in tokens("熟练进行数据分析") and "数据" in tokens("熟练进行数据分析")
    index = Bm25Index({1: tokens("Python开发工程师 后端"), 2: tokens("中餐厨师"), 3: tokens("会计 审计 助理")})
    scores = index.scores(tokens("会计学专业，想做审计"))
    assert max(scores, key=scores.get) == 3 and 2 not in scores


def test_the_fitting_post_ranks_first_and_closed_posts_never_appear():
    place = Station()
    posts = _labelled_posts(place.station)
    cases = [
        (dict(skills="会计学，熟悉Excel和财务报表", wished_posts="审计 会计", education="bachelor",
              wished_places="杨浦", salary_wish=5000), "accountant"),
        (dict(skills="Python, Django, MySQL", wished_posts="后端开发", education="master", salary_wish=10000),
         "developer"),
        (dict(skills="中餐 热菜 厨师证", wished_posts="厨师", education="secondary", wished_places="五角场"), "cook"),
    ]
    for values, expected in cases:
        seeker = make_user(Role.SEEKER, station=place.station, graduation_year=THIS_YEAR)
        update_profile(seeker, actor=seeker, **values)
        db.session.commit()
        matches = posts_for_seeker(seeker)
        assert matches[0].post.id == posts[expected].id, (expected, [(m.post.title, m.score) for m in matches])
        shown = {m.post.id for m in matches}
        assert posts["closed"].id not in shown and posts["expired"].id not in shown
        assert matches[0].reasons and all(isinstance(r, str) for r in matches[0].reasons)


def test_reasons_name_category_education_graduation_place_salary_and_words(api):
    place = Station()
    posts = _labelled_posts(place.station)
    seeker = make_user(Role.SEEKER, station=place.station, graduation_year=THIS_YEAR,
                       category=SeekerCategory.GRADUATE_UNEMPLOYED)
    update_profile(seeker, actor=seeker, skills="熟悉Excel", wished_posts="审计", education="bachelor",
                   wished_places="长白", salary_wish=6000)
    db.session.commit()
    body = api.as_(place.counselor).get(f"/seekers/{seeker.id}/matches").get_json()
    top = body["matches"][0]
    assert top["post"]["id"] == posts["accountant"].id and 0 < top["score"] <= 100
    words = " ".join(top["reasons"])
    for expected in ("离校未就业高校毕业生", "本科", f"{THIS_YEAR}届", "长白", "6000", "审计", "excel"):
        assert expected in words, (expected, words)


def test_lower_education_and_salary_push_a_post_down():
    place = Station()
    posts = _labelled_posts(place.station)
    seeker = make_user(Role.SEEKER, station=place.station)
    update_profile(seeker, actor=seeker, skills="Python", wished_posts="开发", education="secondary",
                   salary_wish=20000)
    db.session.commit()
    developer = [m for m in posts_for_seeker(seeker) if m.post.id == posts["developer"].id]
    assert not developer or developer[0].score < 30


def test_seekers_for_a_post_are_masked_ranked_and_of_the_station_only(api):
    place, other = Station(), Station()
    posts = _labelled_posts(place.station)
    fits = make_user(Role.SEEKER, station=place.station, name="张小明", graduation_year=THIS_YEAR)
    update_profile(fits, actor=fits, skills="Python Django", wished_posts="后端开发", education="bachelor")
    misfit = make_user(Role.SEEKER, station=place.station)
    update_profile(misfit, actor=misfit, skills="烹饪", wished_posts="厨师", education="secondary")
    stranger = make_user(Role.SEEKER, station=other.station)
    update_profile(stranger, actor=stranger, skills="Python Django", wished_posts="后端开发", education="bachelor")
    db.session.commit()
    for user in (place.counselor, place.organizer):
        response = api.as_(user).get(f"/posts/{posts['developer'].id}/matches")
        assert response.status_code == 200
        matches = response.get_json()["matches"]
        ids = [m["seeker"]["id"] for m in matches]
        assert ids[0] == fits.id and stranger.id not in ids
        assert matches[0]["seeker"]["name"] != "张小明" and "*" in matches[0]["seeker"]["phone"]
    closed = api.as_(place.counselor).get(f"/posts/{posts['closed'].id}/matches")
    assert closed.status_code == 409 and error_code(closed) == "post_not_open"
    for user in (place.door, fits, make_user(Role.ADMIN)):
        assert api.as_(user).get(f"/posts/{posts['developer'].id}/matches").status_code == 403


def test_profile_is_edited_by_seeker_and_counselor_only(api):
    place, other = Station(), Station()
    seeker = make_user(Role.SEEKER, station=place.station)
    api.as_(place.counselor).get(f"/seekers/{seeker.id}/case")  # opens the case at the station
    mine = api.as_(seeker).patch(f"/seekers/{seeker.id}/profile", json={"skills": "Excel", "salary_wish": 6000})
    assert mine.status_code == 200 and mine.get_json()["skills"] == "Excel"
    theirs = api.as_(place.counselor).patch(f"/seekers/{seeker.id}/profile", json={"education": "bachelor"})
    assert theirs.get_json() == {"seeker_id": seeker.id, "education": "bachelor", "skills": "Excel",
                                 "wished_posts": "", "wished_places": "", "salary_wish": 6000}
    for user in (other.counselor, place.door, make_user(Role.SEEKER)):
        assert api.as_(user).patch(f"/seekers/{seeker.id}/profile", json={"skills": "x"}).status_code == 403
    bad = api.as_(seeker).patch(f"/seekers/{seeker.id}/profile", json={"education": "phd"})
    assert bad.status_code == 422 and error_code(bad) == "invalid_field"
    assert api.as_(seeker).patch(f"/seekers/{seeker.id}/profile", json={"skills": "x" * 501}).status_code == 422
    assert api.as_(seeker).patch(f"/seekers/{seeker.id}/profile", json={"salary_wish": -1}).status_code == 422


def test_matches_roles_and_posts_for_you(api):
    place, other = Station(), Station()
    _labelled_posts(place.station)
    seeker = make_user(Role.SEEKER, station=place.station)
    update_profile(seeker, actor=seeker, skills="Python")
    db.session.commit()
    assert api.as_(place.counselor).get(f"/seekers/{seeker.id}/matches").status_code == 200
    for user in (other.counselor, place.organizer, place.door, seeker):
        assert api.as_(user).get(f"/seekers/{seeker.id}/matches").status_code == 403
    mine = api.as_(seeker).get("/me/matches").get_json()["matches"]
    assert mine and mine[0]["post"]["title"] == "Python开发工程师"
    assert api.as_(place.counselor).get("/me/matches").status_code == 403
    assert api.as_(place.counselor).get("/seekers/999999/matches").status_code == 404
