"""The counselor's work: notes, referrals, outcomes, status, follow-up calls, a note to all attendees."""
from datetime import date, timedelta

from leye_events.cases import follow_up, operations, timeline
from leye_events.cases.models import Case, CaseEntry, CaseStatus, EntryKind, Outcome, Referral, ReferralResult
from leye_events.extensions import db
from leye_events.matching.models import ReferralConsent

from .helpers import Station, attend, past_event, register


def _count(model, **filters) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(model).filter_by(**filters)).scalar_one()


def _case(site, **kw):
    seeker = site.seeker(**kw)
    case = operations.case_for(seeker)
    db.session.commit()
    return seeker, case


def test_note_referral_result_outcome_through_the_pages(login):
    site = Station()
    seeker, case = _case(site)
    event = past_event(site.station)
    attend(register(event, seeker), event.sessions[0], site.door)
    web = login(site.counselor)

    assert web.post(f"/cases/{case.id}/note", data={"note-body": "面谈：想做运营"}).status_code == 302
    response = web.post(f"/cases/{case.id}/referral",
                        data={"ref-employer": "上海某科技公司", "ref-industry": "信息技术", "ref-post": "运营专员",
                              "ref-consent": "verbal"})
    assert response.status_code == 302
    referral = db.session.execute(db.select(Referral)).scalar_one()
    assert referral.result == ReferralResult.PENDING and referral.post.title == "运营专员"
    consent = db.session.execute(db.select(ReferralConsent)).scalar_one()  # the seeker agreed, and how
    assert consent.referral_id == referral.id and consent.method.value == "verbal"
    assert web.post(f"/cases/{case.id}/referrals/{referral.id}/result", data={"res-result": "interviewed"}).status_code == 302
    response = web.post(f"/cases/{case.id}/outcome", data={
        "out-employer": "上海某科技公司", "out-post": "运营专员", "out-start_date": "2026-12-01",
        "out-event_id": str(event.id), "out-referral_id": str(referral.id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    outcome = db.session.execute(db.select(Outcome)).scalar_one()
    assert outcome.start_date == date(2026, 12, 1) and outcome.event_id == event.id
    assert outcome.referral.result == ReferralResult.HIRED
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.EMPLOYED and case.last_contact_at is not None
    page = web.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "面谈：想做运营" in page and "上海某科技公司" in page and "已就业" in page
    kinds = [item.kind for item in timeline.timeline(case, include_notes=True)]
    assert kinds[:2] == [EntryKind.STATUS_CHANGE, EntryKind.OUTCOME]  # newest first
    assert {EntryKind.NOTE, EntryKind.REFERRAL, EntryKind.ATTENDANCE, EntryKind.REGISTRATION} <= set(kinds)


def test_status_change_needs_a_reason_and_a_valid_status(login):
    site = Station()
    _, case = _case(site)
    web = login(site.counselor)
    response = web.post(f"/cases/{case.id}/status", data={"st-status": "paused", "st-reason": ""})
    assert response.status_code == 400 and "请填写变更原因" in response.get_data(as_text=True)
    response = web.post(f"/cases/{case.id}/status", data={"st-status": "bogus", "st-reason": "x"})
    assert response.status_code == 400
    assert db.session.get(Case, case.id).status == CaseStatus.ACTIVE
    assert web.post(f"/cases/{case.id}/status", data={"st-status": "paused", "st-reason": "外出务工三个月"}).status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.PAUSED and case.status_reason == "外出务工三个月"
    response = web.post(f"/cases/{case.id}/status", data={"st-status": "paused", "st-reason": "again"})
    assert response.status_code == 400 and "已是该状态" in response.get_data(as_text=True)


def test_bad_input_never_500_and_saves_nothing(login):
    site = Station()
    other = Station()
    _, case = _case(site)
    web = login(site.counselor)
    bad = [
        (f"/cases/{case.id}/note", {"note-body": ""}),
        (f"/cases/{case.id}/note", {"note-body": "x" * 2001}),
        (f"/cases/{case.id}/note", {"note-body": "\x00"}),
        (f"/cases/{case.id}/referral", {"ref-employer": ""}),
        (f"/cases/{case.id}/referral", {"ref-employer": "a" * 300}),
        (f"/cases/{case.id}/referral", {"ref-employer": "上海某科技公司", "ref-post": "文员"}),  # no consent
        (f"/cases/{case.id}/outcome", {"out-employer": "某公司", "out-start_date": "not a date"}),
        (f"/cases/{case.id}/outcome", {"out-employer": "某公司", "out-start_date": "2026-12-01", "out-event_id": "abc"}),
        (f"/cases/{case.id}/outcome", {"out-employer": "某公司", "out-start_date": "2026-12-01", "out-event_id": "99999"}),
        (f"/cases/{case.id}/outcome", {"out-employer": "某公司", "out-start_date": "1900-01-01"}),
        (f"/cases/{case.id}/edit", {"case-category": "nonsense", "case-counselor_id": "0"}),
        (f"/cases/{case.id}/edit", {"case-category": "other", "case-counselor_id": str(other.counselor.id)}),
        (f"/cases/{case.id}/referrals/999999/result", {"res-result": "hired"}),
    ]
    for url, data in bad:
        response = web.post(url, data=data)
        assert response.status_code in (400, 404), (url, data, response.status_code)
    assert _count(CaseEntry) == 0 and _count(Outcome) == 0 and _count(Referral) == 0
    assert db.session.get(Case, case.id).category.value == "graduate_unemployed"
    for url in ("/cases?page=abc", "/cases?page=99999999999", "/cases?contact=x&status=y&category=z&q=%00",
                "/figures?from=garbage&to=2026-13-45", "/figures?from=9999-01-01", "/figures?to=2020-01-01"):
        assert web.get(url).status_code == 200, url


def test_edit_assigns_a_counselor_of_the_station_and_the_plan(login):
    site = Station()
    _, case = _case(site)
    response = login(site.counselor).post(f"/cases/{case.id}/edit", data={
        "case-category": "hard_to_employ", "case-counselor_id": str(site.counselor.id), "case-plan": "每周联系一次"})
    assert response.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.counselor_id == site.counselor.id and case.plan == "每周联系一次"
    assert case.category.value == "hard_to_employ"


def test_follow_up_list_and_one_click_calls(login):
    site = Station()
    came, missed = site.seeker(name="到场者"), site.seeker(name="缺席者")
    event = past_event(site.station)
    attend(register(event, came), event.sessions[0], site.door)
    registration = register(event, missed)
    web = login(site.counselor)
    events_page = web.get("/cases/follow-up").get_data(as_text=True)
    assert event.title in events_page and "1 人未到场" in events_page
    page = web.get(f"/cases/follow-up/{event.id}").get_data(as_text=True)
    assert "缺席者" in page and "到场者" not in page.split('id="no-shows"')[1].split('id="bulk-note"')[0]
    for label in ("已致电", "已留言", "未接通"):
        assert label in page
    response = web.post(f"/cases/follow-up/{event.id}/call",
                        data={"call-registration_id": str(registration.id), "call-contact": "left_message"})
    assert response.status_code == 302
    [entry] = db.session.execute(db.select(CaseEntry).filter_by(kind=EntryKind.NO_SHOW)).scalars().all()
    assert entry.details["contact"] == "left_message" and entry.case.seeker_id == missed.id
    assert "已留言" in web.get(f"/cases/follow-up/{event.id}").get_data(as_text=True)
    # Bad clicks: unknown contact, registration of another event, garbage id.
    for data in ({"call-registration_id": str(registration.id), "call-contact": "shouted"},
                 {"call-registration_id": "abc", "call-contact": "called"},
                 {"call-registration_id": "", "call-contact": "called"}):
        assert web.post(f"/cases/follow-up/{event.id}/call", data=data).status_code == 400
    other = past_event(site.station)
    assert web.post(f"/cases/follow-up/{other.id}/call",
                    data={"call-registration_id": str(registration.id), "call-contact": "called"}).status_code == 404
    assert _count(CaseEntry, kind=EntryKind.NO_SHOW) == 1


def test_a_workshop_module_missed_counts_as_a_no_show():
    site = Station()
    seeker = site.seeker()
    workshop = past_event(site.station, sessions=4)
    registration = register(workshop, seeker)
    for session in workshop.sessions[:3]:
        attend(registration, session, site.door)
    [item] = follow_up.no_shows(workshop)
    assert [s.id for s in item.missed] == [workshop.sessions[3].id]
    case = operations.case_for(seeker)
    assert [i.kind for i in timeline.timeline(case, include_notes=True)].count(EntryKind.NO_SHOW) == 1


def test_future_and_cancelled_registrations_are_not_no_shows():
    from leye_events.booking.models import RegistrationStatus

    from ..factories import make_event

    site = Station()
    future = make_event(site.station, starts_in=timedelta(days=3))
    register(future, site.seeker())
    event = past_event(site.station)
    register(event, site.seeker(), status=RegistrationStatus.CANCELLED, cancelled_at=future.created_at)
    assert follow_up.no_shows(future) == [] and follow_up.no_shows(event) == []


def test_one_note_to_every_attendee(login):
    site = Station()
    event = past_event(site.station)
    seekers = [site.seeker() for _ in range(3)]
    for seeker in seekers[:2]:
        attend(register(event, seeker), event.sessions[0], site.door)
    register(event, seekers[2])
    web = login(site.counselor)
    assert web.post(f"/cases/follow-up/{event.id}/note", data={"bulk-body": ""}).status_code == 400
    response = web.post(f"/cases/follow-up/{event.id}/note", data={"bulk-body": "沙龙后统一推送岗位信息"})
    assert response.status_code == 302
    notes = db.session.execute(db.select(CaseEntry).filter_by(kind=EntryKind.NOTE)).scalars().all()
    assert sorted(n.case.seeker_id for n in notes) == sorted(s.id for s in seekers[:2])


def test_caseload_filters(login):
    site = Station()
    from leye_events.accounts.models import SeekerCategory

    busy, case_busy = _case(site, name="常来者", category=SeekerCategory.UNEMPLOYED)
    idle, case_idle = _case(site, name="久未来者")
    never = site.seeker(name="新注册者")  # no case row yet: the caseload creates it
    event = past_event(site.station, days_ago=3)
    attend(register(event, busy), event.sessions[0], site.door)
    operations.add_note(case_busy, "联系过", actor=site.counselor)
    db.session.commit()
    web = login(site.counselor)

    def names(query):
        html = web.get("/cases" + query).get_data(as_text=True)
        return {n for n in ("常来者", "久未来者", "新注册者") if n in html}

    assert names("") == {"常来者", "久未来者", "新注册者"}
    assert names("?idle=1") == {"久未来者", "新注册者"}
    assert names("?contact=never") == {"久未来者", "新注册者"}
    assert names("?category=unemployed") == {"常来者"}
    assert names("?status=employed") == set()
    assert names("?q=常来") == {"常来者"}
    assert names(f"?q={never.phone[-4:]}") == {"新注册者"}
    assert names("?mine=1") == set()


def test_employer_inputs_use_the_list_of_known_employers(login):
    """The case page lists known employers in a <datalist>; both employer inputs must point to it."""
    import re

    site = Station()
    seeker, case = _case(site)
    web = login(site.counselor)
    web.post(f"/cases/{case.id}/referral", data={"ref-employer": "上海已知单位有限公司", "ref-post": "文员", "ref-consent": "written"})
    html = web.get(f"/cases/{case.id}").get_data(as_text=True)
    datalist = re.search(r'<datalist id="([^"]+)">(.*?)</datalist>', html, re.S)
    assert datalist and "上海已知单位有限公司" in datalist.group(2)
    for name in ("ref-employer", "out-employer"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert f'list="{datalist.group(1)}"' in tag, tag


def test_outcome_form_starts_on_today_and_says_how_the_date_counts(login):
    import re

    from leye_events.core.timeutil import to_local, utcnow

    site = Station()
    seeker, case = _case(site)
    html = login(site.counselor).get(f"/cases/{case.id}").get_data(as_text=True)
    tag = re.search(r'<input[^>]*name="out-start_date"[^>]*>', html).group(0)
    assert f'value="{to_local(utcnow()).date().isoformat()}"' in tag
    assert "按入职日期统计" in html
    # a posted empty date is still refused with the Chinese message, nothing saved
    response = login(site.counselor).post(f"/cases/{case.id}/outcome",
                                          data={"out-employer": "某公司", "out-start_date": ""})
    assert response.status_code == 400 and "请填写入职日期" in response.get_data(as_text=True)
    assert _count(Outcome) == 0
