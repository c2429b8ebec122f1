"""On a phone: a recruiter adds a post and a run of interview slots at its booth; a registered student
books a slot on the fair's page and applies to the post; the recruiter marks the student hired."""
import pytest
from playwright.sync_api import expect

from leye_events.accounts.models import Role
from leye_events.cases.models import Case, CaseStatus
from leye_events.employers.models import Application, InterviewBooking
from leye_events.extensions import db

from ..employers.helpers import make_booth, make_employer, make_fair, make_recruiter
from ..factories import PASSWORD, make_registration, make_user

pytestmark = pytest.mark.browser


def log_in(page, login):
    page.goto("/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_recruiter_post_and_slots_student_books_and_applies_then_hired(phone_page, browser, live_server):
    page = phone_page
    fair = make_fair(title="创谷专场面试会")
    employer = make_employer(fair.station, name="手机测试科技")
    make_booth(fair, employer, booth="7")
    recruiter = make_recruiter(employer, email="hr@phone.example")
    student = make_user(Role.SEEKER, fair.station, name="林同学", phone="13912345678")
    make_registration(fair, student)
    fair_id = fair.id

    log_in(page, recruiter.email)
    page.goto("/employer")
    page.fill("#post-title", "产品助理")
    page.fill("#post-salary-min", "8000")
    page.fill("#post-salary-max", "12000")
    page.get_by_role("button", name="发布岗位").click()
    expect(page.locator(".flash")).to_contain_text("岗位已发布")
    page.locator("#fairs details summary").first.click()
    page.locator("#fairs input[name=from]").first.fill("00:00")
    page.locator("#fairs input[name=to]").first.fill("01:00")
    page.locator("#fairs input[name=minutes]").first.fill("30")
    page.get_by_role("button", name="生成时段").first.click()
    expect(page.locator(".flash")).to_contain_text("面试时段已生成")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone

    other = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                locale="zh-CN", base_url=live_server.url).new_page()
    log_in(other, "13912345678")
    other.goto(f"/events/{fair_id}")
    expect(other.locator("#employers")).to_contain_text("手机测试科技")
    other.locator("#interviews").get_by_role("button", name="预约").first.click()
    expect(other.locator(".flash")).to_contain_text("面试预约成功")
    other.goto("/posts")
    other.fill("#q", "产品")
    other.get_by_role("button", name="搜索").click()
    other.get_by_role("link", name="产品助理").click()
    expect(other.locator("#meet")).to_contain_text("创谷专场面试会")
    other.locator("input[name=share]").check()
    other.get_by_role("button", name="投递简历").click()
    expect(other.locator(".flash")).to_contain_text("投递成功")

    page.goto("/employer")
    expect(page.locator("#posts")).to_contain_text("林同学")
    page.locator("#posts select[name=result]").first.select_option("hired")
    page.get_by_role("button", name="记录").first.click()
    expect(page.locator(".flash")).to_contain_text("结果已记录")

    db.session.commit()  # see the server's writes
    assert db.session.execute(db.select(InterviewBooking)).scalar_one().seeker_id == student.id
    assert db.session.execute(db.select(Application)).scalar_one().status.value == "hired"
    case = db.session.execute(db.select(Case).filter_by(seeker_id=student.id)).scalar_one()
    assert case.status == CaseStatus.EMPLOYED


def test_every_field_of_the_post_form_is_full_width_on_a_phone(phone_page):
    """Inputs written without ``type`` (title, place, tags) and time inputs get the same styling as the
    others, not the browser's narrow default box."""
    page = phone_page
    fair = make_fair(title="宽度测试专场")
    employer = make_employer(fair.station, name="宽度测试科技")
    make_booth(fair, employer, booth="1")
    recruiter = make_recruiter(employer, email="hr@width.example")
    log_in(page, recruiter.email)
    page.goto("/employer")
    page.locator("#fairs details summary").first.click()
    width = page.locator("#post-headcount").bounding_box()["width"]
    for selector in ("#post-title", "#post-location", "#post-tags"):
        assert page.locator(selector).bounding_box()["width"] >= width - 1, selector
    time_box = page.locator("#fairs input[name=from]").first.bounding_box()
    assert time_box["height"] >= 43  # the 44px touch target of every field
