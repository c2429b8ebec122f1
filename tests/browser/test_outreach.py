"""A counselor's day on a phone in Chromium: upload a GB18030 CSV (preview, import), log a call from the
call list, open the graduate's matches and refer with consent; no page scrolls sideways."""
import pytest
from playwright.sync_api import expect

from leye_events.accounts.models import Role, User
from leye_events.cases.models import Referral
from leye_events.extensions import db

from ..factories import PASSWORD, make_station, make_user
from ..outreach.helpers import csv_bytes, make_post

pytestmark = pytest.mark.browser


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_counselor_imports_calls_and_refers_on_a_phone(phone_page, tmp_path):
    page = phone_page
    station = make_station(slug="changbai", name="长白新村街道乐业空间")
    counselor = make_user(Role.COUNSELOR, station=station)
    post = make_post("立信会计师事务所", station=station, title="审计助理", description="审计 会计 Excel",
                     location="杨浦区长白新村")
    listing = tmp_path / "名单.csv"
    listing.write_bytes(csv_bytes([["林小雨", "18600000081", "离校未就业高校毕业生", "复旦大学", "2026届"],
                                   ["坏行", "12", "", "", ""]], encoding="gb18030"))

    page.goto("/login")
    page.fill("input[name=login]", counselor.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("input[name=password]")).to_have_count(0)

    page.goto("/outreach/import")
    page.set_input_files("#file", str(listing))
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#report")).to_contain_text("新增 1 人")
    expect(page.locator("#report")).to_contain_text("手机号无效")
    assert _no_horizontal_scroll(page)
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#report")).to_contain_text("导入结果")
    db.session.rollback()  # the server wrote it: read afresh
    seeker = db.session.execute(db.select(User).filter_by(phone="18600000081")).scalar_one()

    page.goto("/outreach/calls")
    card = page.locator(f"#s{seeker.id}")
    expect(card).to_contain_text("未联系过")
    assert _no_horizontal_scroll(page), "the call list scrolls sideways on a 390 px screen"
    card.locator("input[name=note]").fill("想做审计")
    card.get_by_role("button", name="已联系上").click()
    expect(page.get_by_text("已记录联系。")).to_be_visible()

    page.goto(f"/outreach/seekers/{seeker.id}/matches")
    page.fill("#wished_posts", "审计")
    page.get_by_role("button", name="保存").click()
    match = page.locator(f"#p{post.id}")
    expect(match).to_contain_text("符合求职意向")
    assert _no_horizontal_scroll(page), "the matches page scrolls sideways on a 390 px screen"
    match.locator("select[name=consent]").select_option("verbal")
    match.get_by_role("button", name="推荐").click()
    expect(page.get_by_text("已推荐，并记录了求职者的同意。")).to_be_visible()
    db.session.rollback()
    assert db.session.execute(db.select(Referral)).scalar_one().post_id == post.id
