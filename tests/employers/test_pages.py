"""Pages: the public post list and post page, the fair on the event page, booking and applying by
form, the employer's own page, the staff pages, the door's schedule, and `users create --role employer`."""
import re

from leye_events.accounts.models import Role, User
from leye_events.employers.models import Application, Employer, InterviewBooking, InterviewSlot, Visit
from leye_events.extensions import db

from ..factories import make_registration, make_station, make_user
from .helpers import make_booth, make_employer, make_fair, make_post, make_recruiter, make_slot


def test_post_list_searches_and_filters_on_a_phone(client):
    employer = make_employer(name="长阳创谷测试公司")
    make_post(employer, title="数据分析师", education="master")
    make_post(employer, title="行政助理", education="junior_college")
    make_post(employer, title="已关闭岗位", status="closed")
    page = client.get("/posts").get_data(as_text=True)
    assert "数据分析师" in page and "行政助理" in page and "已关闭岗位" not in page
    assert 'name="viewport"' in page
    searched = client.get("/posts?q=数据").get_data(as_text=True)
    assert "数据分析师" in searched and "行政助理" not in searched
    filtered = client.get("/posts?education=bachelor").get_data(as_text=True)
    assert "行政助理" in filtered and "数据分析师" not in filtered
    assert client.get("/posts?station=nowhere&education=%00").status_code == 200


def test_post_page_shows_where_to_meet_and_a_seeker_applies_with_consent(login):
    fair = make_fair()
    employer = make_employer(fair.station)
    post = make_post(employer, title="嵌入式工程师")
    make_booth(fair, employer, [post])
    seeker = make_user(Role.SEEKER)
    browser = login(seeker)
    page = browser.get(f"/posts/{post.id}").get_data(as_text=True)
    assert fair.title in page and 'name="share"' in page
    refused = browser.post(f"/posts/{post.id}/apply", data={}, follow_redirects=True).get_data(as_text=True)
    assert "请同意" in refused or "同意" in refused
    assert db.session.execute(db.select(Application)).scalars().all() == []
    browser.post(f"/posts/{post.id}/apply", data={"share": "yes", "event_id": str(fair.id)})
    application = db.session.execute(db.select(Application)).scalar_one()
    assert application.event_id == fair.id
    assert "您已投递该岗位" in browser.get(f"/posts/{post.id}").get_data(as_text=True)
    assert login(seeker).get("/posts/999999").status_code == 404


def test_fair_event_page_lists_booths_posts_and_slots_and_a_seeker_books(login):
    fair = make_fair()
    employer = make_employer(fair.station, name="某跨境电商")
    post = make_post(employer, title="运营专员")
    make_booth(fair, employer, [post], booth="A02")
    slot = make_slot(fair, employer, capacity=1)
    seeker = make_registration(fair).seeker
    browser = login(seeker)
    page = browser.get(f"/events/{fair.id}").get_data(as_text=True)
    assert "某跨境电商" in page and "运营专员" in page and "A02" in page and 'id="interviews"' in page
    browser.post(f"/interview-slots/{slot.id}/book")
    booking = db.session.execute(db.select(InterviewBooking)).scalar_one()
    assert "已预约" in browser.get(f"/events/{fair.id}").get_data(as_text=True)
    browser.post(f"/interview-bookings/{booking.id}/cancel")
    db.session.refresh(booking)
    assert booking.status.value == "cancelled"
    booths = browser.get(f"/events/{fair.id}/booths?q=运营").get_data(as_text=True)
    assert "某跨境电商" in booths


def test_employer_page_shows_own_things_never_a_category(login):
    fair = make_fair()
    employer = make_employer(fair.station, name="自己的公司")
    other = make_employer(fair.station, name="别人的公司")
    post = make_post(employer, title="我的岗位")
    make_post(other, title="别人的岗位")
    make_booth(fair, employer, [post])
    seeker = make_user(Role.SEEKER, name="申请人甲", category="hard_to_employ", school="同济大学")
    db.session.add(Application(post=post, employer_id=employer.id, seeker=seeker, note=""))
    db.session.commit()
    recruiter = login(make_recruiter(employer))
    page = recruiter.get("/employer").get_data(as_text=True)
    assert "我的岗位" in page and "申请人甲" in page and "同济大学" in page and fair.title in page
    applicants = page.split('id="posts"', 1)[1].split('id="new-post"', 1)[0]  # the post form lists categories
    assert "申请人甲" in applicants and "就业困难人员" not in applicants and "hard_to_employ" not in applicants
    assert "别人的岗位" not in page
    response = recruiter.post(f"/employers/{employer.id}/posts", data={"title": "新岗位", "headcount": "2"})
    assert response.status_code == 302
    assert "新岗位" in recruiter.get("/employer").get_data(as_text=True)
    recruiter.post(f"/employers/{other.id}/posts", data={"title": "偷偷发布", "headcount": "1"})
    assert "偷偷发布" not in recruiter.get("/posts").get_data(as_text=True)
    day = re.search(r'name="day" type="date" value="([\d-]+)"', page).group(1)
    recruiter.post(f"/events/{fair.id}/slot-runs", data={"day": day, "from": "00:00", "to": "23:00", "minutes": "60"})
    schedule = recruiter.get(f"/events/{fair.id}/interview-schedule").get_data(as_text=True)
    assert "自己的公司" in schedule
    assert recruiter.get("/manage/employers").status_code == 403
    application = db.session.execute(db.select(Application)).scalar_one()
    recruiter.post(f"/applications/{application.id}/result", data={"result": "interview"})
    db.session.refresh(application)
    assert application.status.value == "interview"


def test_staff_enter_an_employer_record_a_visit_create_an_account_and_add_a_booth(login):
    station = make_station()
    organizer = login(make_user(Role.ORGANIZER, station))
    fair = make_fair(station)
    response = organizer.post("/manage/employers", data={"name": "走访登记公司", "credit_code": "91350100M000100Y43",
                                                         "industry": "软件"})
    employer = db.session.execute(db.select(Employer).filter_by(name="走访登记公司")).scalar_one()
    assert response.headers["Location"].endswith(f"/manage/employers/{employer.id}")
    bad = organizer.post("/manage/employers", data={"name": "坏代码", "credit_code": "123"}, follow_redirects=True)
    assert "统一社会信用代码无效" in bad.get_data(as_text=True)
    organizer.post(f"/manage/employers/{employer.id}/visits", data={"visited_on": "2026-11-20", "agreed": "春招需求"})
    assert db.session.execute(db.select(Visit)).scalar_one().agreed == "春招需求"
    organizer.post(f"/manage/employers/{employer.id}/accounts",
                   data={"name": "招聘负责人", "email": "hr@zoufang.example", "password": "long-enough-1"})
    account = db.session.execute(db.select(User).filter_by(email="hr@zoufang.example")).scalar_one()
    assert account.role == Role.EMPLOYER and account.employer_id == employer.id
    organizer.post(f"/manage/employers/{employer.id}/booths", data={"event_id": str(fair.id), "booth": "C9"})
    page = organizer.get(f"/manage/employers/{employer.id}").get_data(as_text=True)
    assert "C9" in page and "春招需求" in page and "招聘负责人" in page
    assert organizer.get("/manage/employers?q=走访").status_code == 200
    organizer.post(f"/manage/employers/{employer.id}/edit", data={"name": "走访登记公司", "industry": "人工智能",
                                                                  "credit_code": "91350100M000100Y43"})
    db.session.refresh(employer)
    assert employer.industry == "人工智能"
    stranger = login(make_user(Role.COUNSELOR, make_station()))
    stranger.post(f"/manage/employers/{employer.id}/edit", data={"name": "被改名"})
    db.session.refresh(employer)
    assert employer.name == "走访登记公司"


def test_the_door_sees_the_day_schedule_and_others_do_not(login):
    fair = make_fair()
    employer = make_employer(fair.station, name="排期公司")
    slot = make_slot(fair, employer, capacity=2)
    seeker = make_registration(fair).seeker
    db.session.add(InterviewBooking(slot=slot, event_id=fair.id, employer_id=employer.id, seeker_id=seeker.id))
    db.session.commit()
    door = login(make_user(Role.DOOR, fair.station))
    page = door.get(f"/events/{fair.id}/interview-schedule").get_data(as_text=True)
    assert "排期公司" in page and "1/2" in page and seeker.name not in page  # names masked
    assert login(make_user(Role.DOOR, make_station())).get(f"/events/{fair.id}/interview-schedule").status_code == 403
    stranger = login(make_recruiter(make_employer(fair.station)))
    assert "排期公司" not in stranger.get(f"/events/{fair.id}/interview-schedule").get_data(as_text=True)


def test_cli_creates_an_employer_account(app):
    employer = make_employer()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "hr@cli.example", "--password", "longenough1",
                                 "--role", "employer", "--employer", str(employer.id)])
    assert result.exit_code == 0, result.output
    assert f"for employer {employer.id}" in result.output
    missing = runner.invoke(args=["users", "create", "--email", "x@cli.example", "--password", "longenough1",
                                  "--role", "employer"])
    assert missing.exit_code == 1 and "employer_required" in missing.output
    unknown = runner.invoke(args=["users", "create", "--email", "y@cli.example", "--password", "longenough1",
                                  "--role", "employer", "--employer", "999999"])
    assert unknown.exit_code == 1 and "employer_not_found" in unknown.output
    wrong_role = runner.invoke(args=["users", "create", "--email", "z@cli.example", "--password", "longenough1",
                                     "--role", "admin", "--employer", str(employer.id)])
    assert wrong_role.exit_code == 1


def test_the_counselor_sees_the_hire_on_the_case_and_in_the_figures(login):
    from leye_events.cases.operations import case_for

    station = make_station()
    employer = make_employer(station, name="录用公司")
    post = make_post(employer, title="录用岗位")
    seeker = make_user(Role.SEEKER, station)
    case_id = case_for(seeker).id
    db.session.commit()
    login(seeker).post(f"/posts/{post.id}/apply", data={"share": "yes"})
    application = db.session.execute(db.select(Application)).scalar_one()
    login(make_recruiter(employer)).post(f"/applications/{application.id}/result", data={"result": "hired"})
    counselor = login(make_user(Role.COUNSELOR, station))
    case_page = counselor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "录用公司" in case_page and "已就业" in case_page
    figures = counselor.get("/figures").get_data(as_text=True)
    assert re.search(r'<dd id="fig-applications">1 ', figures) and re.search(r'<dd id="fig-employed">1<', figures)


def test_the_ticket_shows_the_booked_interview(login):
    fair = make_fair()
    employer = make_employer(fair.station, name="票面公司")
    slot = make_slot(fair, employer, capacity=1)
    registration = make_registration(fair)
    db.session.add(InterviewBooking(slot=slot, event_id=fair.id, employer_id=employer.id,
                                    seeker_id=registration.seeker_id, registration_id=registration.id))
    db.session.commit()
    page = login(registration.seeker).get(f"/tickets/{registration.ticket_code}").get_data(as_text=True)
    assert "ticket-interviews" in page and "票面公司" in page


def test_an_employer_account_has_a_profile_and_an_account_page(client, login):
    from ..factories import auth_header, make_token

    recruiter = make_recruiter(make_employer())
    me = client.get("/api/v1/me", headers=auth_header(make_token(recruiter)))
    assert me.status_code == 200 and me.get_json()["role"] == "employer"
    browser = login(recruiter)
    assert browser.get("/account").status_code == 200
    assert "我的单位" in browser.get("/posts").get_data(as_text=True)


def test_a_post_is_edited_on_a_page_by_its_employer_and_by_staff_only(login):
    from leye_events.employers.models import Post

    station = make_station()
    employer = make_employer(station)
    post = make_post(employer, title="仓储管理员")
    recruiter = login(make_recruiter(employer))
    assert recruiter.get(f"/posts/{post.id}/edit").status_code == 200
    answer = recruiter.post(f"/posts/{post.id}/edit", data={
        "title": "仓储主管", "headcount": "3", "salary_min": "6000", "salary_max": "9000", "education": "",
        "location": "杨浦区长阳路", "tags": "五险一金，包午餐", "welcome_categories": ["unemployed"],
        "description": "负责仓库日常管理", "closes_on": ""})
    assert answer.status_code == 302
    db.session.expire_all()
    changed = db.session.get(Post, post.id)
    assert (changed.title, changed.headcount, changed.salary_max) == ("仓储主管", 3, 9000)
    assert changed.tags == ["五险一金", "包午餐"] and changed.welcome_categories == ["unemployed"]
    page = recruiter.get(f"/posts/{post.id}/edit").get_data(as_text=True)
    assert 'value="仓储主管"' in page and "checked" in page
    bad = recruiter.post(f"/posts/{post.id}/edit", data={"title": "", "headcount": "0"})
    assert bad.status_code == 200 and db.session.get(Post, post.id).title == "仓储主管"  # nothing lost
    other = login(make_recruiter(make_employer(station)))
    assert other.get(f"/posts/{post.id}/edit").status_code == 403
    assert login(make_user(Role.SEEKER)).post(f"/posts/{post.id}/edit", data={"title": "x"}).status_code == 403


def test_staff_of_another_station_get_no_schedule_link_they_cannot_open(login):
    fair = make_fair()
    employer = make_employer(fair.station)
    make_booth(fair, employer)
    elsewhere = make_user(Role.ORGANIZER, station=make_station())
    browser = login(elsewhere)
    page = browser.get(f"/manage/employers/{employer.id}").get_data(as_text=True)
    assert fair.title in page
    assert f"/events/{fair.id}/interview-schedule" not in page
    assert browser.get(f"/events/{fair.id}/interview-schedule").status_code == 403
    own = login(make_user(Role.ORGANIZER, station=fair.station)).get(f"/manage/employers/{employer.id}")
    assert f"/events/{fair.id}/interview-schedule" in own.get_data(as_text=True)


def test_staff_page_of_an_employer_shows_applicants_only_to_its_station_and_masked(login):
    employer = make_employer(make_station(), name="杨浦某公司")
    post = make_post(employer, title="质检员")
    seeker = make_user(Role.SEEKER, name="投递人乙", phone="13912345678")
    db.session.add(Application(post=post, employer_id=employer.id, seeker=seeker, note=""))
    db.session.commit()
    elsewhere = login(make_user(Role.ORGANIZER, station=make_station())).get(f"/manage/employers/{employer.id}")
    page = elsewhere.get_data(as_text=True)
    assert "质检员" in page and "投递人乙" not in page and "13912345678" not in page and "5678" not in page
    own = login(make_user(Role.COUNSELOR, station=employer.station)).get(f"/manage/employers/{employer.id}")
    page = own.get_data(as_text=True)
    assert "投递人乙" in page and "13912345678" not in page and "139****5678" in page
    recruiter = login(make_recruiter(employer)).get("/employer").get_data(as_text=True)
    assert "13912345678" in recruiter, "the seeker shared the number with the employer"


def test_an_organizer_is_offered_only_the_own_stations_fairs_for_a_booth(login):
    own = make_fair(title="本站招聘会")
    other = make_fair(title="别站招聘会")
    employer = make_employer(other.station)
    organizer = login(make_user(Role.ORGANIZER, station=own.station))
    page = organizer.get(f"/manage/employers/{employer.id}").get_data(as_text=True)
    form = page.split('id="event_id"', 1)[1].split("</select>", 1)[0]
    assert f'value="{own.id}"' in form and f'value="{other.id}"' not in form
    admin = login(make_user(Role.ADMIN)).get(f"/manage/employers/{employer.id}").get_data(as_text=True)
    assert f'value="{other.id}"' in admin and f'value="{own.id}"' in admin


def test_the_fairs_organizer_adds_interview_slots_for_an_employer_without_an_account(login):
    """The employer's staff page offers the slot form for each fair its user organizes; the slots land on
    the day's schedule. A counselor, or an organizer of another station, gets no form and cannot post one."""
    fair = make_fair()
    employer = make_employer(fair.station)
    make_booth(fair, employer)
    organizer = login(make_user(Role.ORGANIZER, station=fair.station))
    page = organizer.get(f"/manage/employers/{employer.id}").get_data(as_text=True)
    assert f"/events/{fair.id}/slot-runs" in page and f'name="employer_id" value="{employer.id}"' in page
    day = re.search(r'name="day" type="date" value="([\d-]+)"', page).group(1)
    response = organizer.post(f"/events/{fair.id}/slot-runs", data={
        "day": day, "from": "00:00", "to": "02:00", "minutes": "30", "employer_id": str(employer.id),
        "next": f"/manage/employers/{employer.id}#booths"})
    assert response.headers["Location"].endswith(f"/manage/employers/{employer.id}#booths")
    assert db.session.execute(db.select(db.func.count()).select_from(InterviewSlot)).scalar_one() == 4
    for outsider in (make_user(Role.COUNSELOR, station=fair.station), make_user(Role.ORGANIZER, station=make_station())):
        browser = login(outsider)
        assert f"/events/{fair.id}/slot-runs" not in browser.get(f"/manage/employers/{employer.id}").get_data(as_text=True)
        browser.post(f"/events/{fair.id}/slot-runs", data={"day": day, "from": "03:00", "to": "04:00", "minutes": "30",
                                                           "employer_id": str(employer.id)})
    assert db.session.execute(db.select(db.func.count()).select_from(InterviewSlot)).scalar_one() == 4
