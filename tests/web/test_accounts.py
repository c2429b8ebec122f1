"""Account pages: sign-up, login, logout, account page, privacy notice, CSRF and rate limits."""
import re

import pytest
from sqlalchemy import func

from leye_events import create_app
from leye_events.accounts.models import Role, SeekerCategory, User
from leye_events.audit.models import AuditEntry
from leye_events.extensions import db, limiter
from leye_events.stations.models import StationKind
from tests.factories import PASSWORD, make_station, make_user

GENERIC_LOGIN_ERROR = "手机号/邮箱或密码不正确"


def user_count() -> int:
    return db.session.scalar(db.select(func.count(User.id)))


def page(response) -> str:
    return response.get_data(as_text=True)


def field_block(html: str, field_id: str) -> str:
    """The HTML of one form field's wrapper (label, input, hint, errors)."""
    start = html.index(f'id="field-{field_id}"')
    end = html.find('id="field-', start + 1)
    return html[start:end if end != -1 else len(html)]


def is_logged_in(client) -> bool:
    return client.get("/account").status_code == 200


@pytest.fixture
def stations():
    return {
        "yinhang": make_station(slug="yinhang", name="殷行街道乐业空间", kind=StationKind.SUB_DISTRICT),
        "fudan": make_station(slug="fudan", name="复旦大学乐业空间", kind=StationKind.UNIVERSITY),
    }


def signup_data(**overrides) -> dict:
    data = {
        "name": "张小明",
        "phone": "138 1234 5678",
        "password": "s3cret-pass",
        "confirm": "s3cret-pass",
        "email": "Xiaoming@Example.com",
        "category": SeekerCategory.GRADUATE_UNEMPLOYED.value,
        "school": "复旦大学",
        "graduation_year": "2025",
        "station": "fudan",
        "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- sign-up -----------------------------------------------------------------------------------


def test_signup_page_groups_stations_and_links_the_privacy_notice(client, stations):
    html = page(client.get("/signup"))
    assert '<optgroup label="街道乐业空间"><option value="yinhang">殷行街道乐业空间</option></optgroup>' in html
    assert '<optgroup label="高校乐业空间"><option value="fudan">复旦大学乐业空间</option></optgroup>' in html
    assert 'href="/privacy"' in html
    for label in ("离校未就业高校毕业生", "失业青年", "就业困难人员", "失业人员", "在校生", "其他"):
        assert label in html


def test_signup_creates_a_seeker_with_consent_and_logs_in(app, client, stations):
    response = client.post("/signup", data=signup_data())
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    user = db.session.execute(db.select(User).filter_by(phone="13812345678")).scalar_one()
    assert user.role == Role.SEEKER
    assert user.name == "张小明"
    assert user.email == "xiaoming@example.com"
    assert user.category == SeekerCategory.GRADUATE_UNEMPLOYED
    assert user.school == "复旦大学"
    assert user.graduation_year == 2025
    assert user.station.slug == "fudan"
    assert user.consent_at is not None and user.consent_at.tzinfo is not None
    assert user.consent_version == app.config["PRIVACY_NOTICE_VERSION"]
    assert user.password_hash != "s3cret-pass" and "s3cret-pass" not in user.password_hash
    assert user.check_password("s3cret-pass")
    assert db.session.execute(db.select(AuditEntry).filter_by(action="account.signup")).scalar_one()
    assert is_logged_in(client)


def test_signup_with_only_required_fields(client, stations):
    data = signup_data(email="", school="", graduation_year="", station="", category=SeekerCategory.UNEMPLOYED.value)
    assert client.post("/signup", data=data).status_code == 302
    user = db.session.execute(db.select(User).filter_by(phone="13812345678")).scalar_one()
    assert user.email is None and user.station is None and user.graduation_year is None
    assert user.category == SeekerCategory.UNEMPLOYED


def test_signup_redirects_to_a_safe_next(client, stations):
    response = client.post("/signup?next=/events/7", data=signup_data())
    assert response.headers["Location"] == "/events/7"


def test_signup_ignores_an_offsite_next(client, stations):
    response = client.post("/signup?next=//evil.com/x", data=signup_data())
    assert response.headers["Location"] == "/"


BAD_SIGNUPS = [
    ("bad phone", {"phone": "12345"}, "phone", "请输入有效的11位中国大陆手机号码。"),
    ("landline", {"phone": "021-65432100"}, "phone", "请输入有效的11位中国大陆手机号码。"),
    ("missing phone", {"phone": ""}, "phone", "请填写手机号。"),
    ("missing name", {"name": "  "}, "name", "请填写姓名"),
    ("short password", {"password": "short", "confirm": "short"}, "password", "密码长度需为 8 到 128 个字符。"),
    ("mismatched confirm", {"confirm": "something-else"}, "confirm", "两次输入的密码不一致。"),
    ("missing consent", {"consent": None}, "consent", "请阅读并同意隐私声明后再注册。"),
    ("bad email", {"email": "not-an-email"}, "email", "邮箱地址格式不正确。"),
    ("missing category", {"category": ""}, "category", "请选择您的情况。"),
    ("unknown category", {"category": "billionaire"}, "category", "人员类别无效。"),
    ("graduation year too early", {"graduation_year": "1800"}, "graduation_year", "毕业年份无效。"),
    ("graduation year not a number", {"graduation_year": "明年"}, "graduation_year", "毕业年份无效。"),
    ("unknown station", {"station": "no-such-station"}, "station", "找不到该乐业空间。"),
]


@pytest.mark.parametrize("overrides, field, message", [case[1:] for case in BAD_SIGNUPS], ids=[c[0] for c in BAD_SIGNUPS])
def test_bad_signup_shows_the_message_on_its_field_and_saves_nothing(client, stations, overrides, field, message):
    before = user_count()
    response = client.post("/signup", data=signup_data(**overrides))
    assert response.status_code == 200
    html = page(response)
    assert message in field_block(html, field)
    assert user_count() == before
    assert not is_logged_in(client)
    # What was typed is kept (except passwords), so nothing has to be retyped.
    assert 'value="张小明"' in html or field == "name"


@pytest.mark.parametrize(
    "existing, field, message",
    [
        ({"phone": "13812345678"}, "phone", "该手机号已注册，请直接登录。"),
        ({"email": "xiaoming@example.com"}, "email", "该邮箱已注册，请直接登录。"),
    ],
)
def test_duplicate_phone_or_email_is_refused(client, stations, existing, field, message):
    make_user(Role.SEEKER, **existing)
    before = user_count()
    response = client.post("/signup", data=signup_data())
    assert message in field_block(page(response), field)
    assert user_count() == before
    assert not is_logged_in(client)


def test_several_errors_are_shown_at_once(client, stations):
    response = client.post("/signup", data=signup_data(phone="1", confirm="x", consent=None))
    html = page(response)
    assert "请输入有效的11位中国大陆手机号码。" in html
    assert "两次输入的密码不一致。" in html
    assert "请阅读并同意隐私声明后再注册。" in html


def test_privacy_notice_shows_its_version(app, client):
    response = client.get("/privacy")
    assert response.status_code == 200
    html = page(response)
    assert app.config["PRIVACY_NOTICE_VERSION"] in html
    for heading in ("我们收集哪些信息", "为什么收集", "谁能看到", "保存多久", "联系我们"):
        assert heading in html


# --- login and logout --------------------------------------------------------------------------


def test_login_by_phone(client):
    user = make_user(Role.SEEKER, phone="13900001111")
    response = client.post("/login", data={"login": "139 0000 1111", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert is_logged_in(client)
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_login_by_email_ignores_case(client):
    make_user(Role.ORGANIZER, station=make_station(), email="organizer@example.com")
    response = client.post("/login", data={"login": "Organizer@Example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert is_logged_in(client)


@pytest.mark.parametrize("login", ["13900001111", "nobody@example.com", "13900009999"])
def test_wrong_credentials_get_one_generic_message(client, login):
    make_user(Role.SEEKER, phone="13900001111")
    response = client.post("/login", data={"login": login, "password": "wrong-password"})
    assert response.status_code == 200
    assert GENERIC_LOGIN_ERROR in page(response)
    assert not is_logged_in(client)


def test_empty_login_form_shows_field_messages(client):
    html = page(client.post("/login", data={}))
    assert "请填写手机号或邮箱。" in html and "请填写密码。" in html


def test_inactive_account_cannot_log_in(client):
    make_user(Role.DOOR, station=make_station(), phone="13900001111", active=False)
    response = client.post("/login", data={"login": "13900001111", "password": PASSWORD})
    assert GENERIC_LOGIN_ERROR in page(response)
    assert not is_logged_in(client)


def test_disabled_account_loses_its_open_session(login):
    user = make_user(Role.SEEKER)
    client = login(user)
    assert is_logged_in(client)
    user.active = False
    db.session.commit()
    assert not is_logged_in(client)


@pytest.mark.parametrize("target", ["/events/7", "/events/7?session=2"])
def test_login_follows_a_same_site_next(client, target):
    make_user(Role.SEEKER, phone="13900001111")
    response = client.post("/login", query_string={"next": target}, data={"login": "13900001111", "password": PASSWORD})
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    ["//evil.com", "https://evil.com", "http://evil.com/events/1", "/\\evil.com", "\\\\evil.com",
     "javascript:alert(1)", "evil.com", "/\tevil.com", "///evil.com", ""],
)
def test_login_refuses_offsite_next_and_goes_home(client, target):
    make_user(Role.SEEKER, phone="13900001111")
    response = client.post("/login", query_string={"next": target}, data={"login": "13900001111", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_page_keeps_next_in_the_form_and_signup_link(client):
    html = page(client.get("/login?next=/events/7"))
    assert 'href="/signup?next=/events/7"' in html
    assert 'action=' not in html.split("<form", 1)[1].split(">", 1)[0]  # posts back to the same URL, next included


def test_remember_me_sets_a_lasting_cookie_only_when_asked(client, app):
    make_user(Role.SEEKER, phone="13900001111")
    client.post("/login", data={"login": "13900001111", "password": PASSWORD})
    assert client.get_cookie("remember_token") is None
    other = app.test_client()
    other.post("/login", data={"login": "13900001111", "password": PASSWORD, "remember": "y"})
    assert other.get_cookie("remember_token") is not None


def test_logged_in_visitor_is_sent_on_from_login_and_signup(login):
    client = login(make_user(Role.SEEKER))
    assert client.get("/login?next=/events/3").headers["Location"] == "/events/3"
    assert client.get("/signup").headers["Location"] == "/"


def test_logout_needs_a_post(login):
    client = login(make_user(Role.SEEKER))
    response = client.get("/logout")
    assert response.status_code == 200
    assert 'method="post"' in page(response)
    assert is_logged_in(client)  # a GET (a link, a prefetch, an <img>) does not log out

    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not is_logged_in(client)


def test_logout_when_anonymous_goes_home(client):
    assert client.get("/logout").headers["Location"] == "/"
    assert client.post("/logout").headers["Location"] == "/"


def test_nav_links_follow_login_state(client, login):
    html = page(client.get("/login"))
    assert 'href="/signup"' in html and 'href="/logout"' not in html
    html = page(login(make_user(Role.SEEKER)).get("/account"))
    assert 'href="/logout"' in html and 'href="/account"' in html


# --- account page ------------------------------------------------------------------------------


def test_account_page_needs_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_account_page_shows_a_masked_phone(login):
    user = make_user(Role.SEEKER, phone="13812345678", name="李华", category=SeekerCategory.STUDENT)
    html = page(login(user).get("/account"))
    assert "138****5678" in html
    assert "13812345678" not in html
    assert "李华" in html and "在校生" in html


def test_password_change(login, client):
    user = make_user(Role.SEEKER, phone="13900001111")
    response = login(user).post(
        "/account", data={"current_password": PASSWORD, "new_password": "brand-new-pass", "confirm": "brand-new-pass"}
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("brand-new-pass")
    assert db.session.execute(db.select(AuditEntry).filter_by(action="account.password_change")).scalar_one()
    assert client.post("/login", data={"login": "13900001111", "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"login": "13900001111", "password": "brand-new-pass"}).status_code == 302


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"current_password": "not-my-password", "new_password": "brand-new-pass", "confirm": "brand-new-pass"},
         "current_password", "当前密码不正确。"),
        ({"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
         "new_password", "密码长度需为 8 到 128 个字符。"),
        ({"current_password": PASSWORD, "new_password": "brand-new-pass", "confirm": "brand-new-pazz"},
         "confirm", "两次输入的密码不一致。"),
        ({"current_password": "", "new_password": "brand-new-pass", "confirm": "brand-new-pass"},
         "current_password", "请填写当前密码。"),
    ],
)
def test_bad_password_change_keeps_the_old_password(login, data, field, message):
    user = make_user(Role.SEEKER)
    old_hash = user.password_hash
    response = login(user).post("/account", data=data)
    assert response.status_code == 200
    assert message in field_block(page(response), field)
    db.session.refresh(user)
    assert user.password_hash == old_hash


# --- CSRF --------------------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def csrf_token_from(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("path", ["/login", "/signup", "/logout", "/account"])
def test_post_without_csrf_token_is_refused_with_a_clear_400(csrf_on, login, path):
    user = make_user(Role.SEEKER, phone="13900001111")
    client = login(user)
    before = user_count()
    response = client.post(path, data={"login": "13900001111", "password": PASSWORD, "current_password": PASSWORD})
    assert response.status_code == 400
    assert "请求无效" in page(response)
    assert user_count() == before


def test_post_with_csrf_token_is_accepted(csrf_on, client):
    make_user(Role.SEEKER, phone="13900001111")
    token = csrf_token_from(page(client.get("/login")))
    response = client.post("/login", data={"login": "13900001111", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    token = csrf_token_from(page(client.get("/logout")))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not is_logged_in(client)


# --- rate limits -------------------------------------------------------------------------------


@pytest.fixture
def limited_client(app):
    """A client of a twin app with rate limiting on (the shared test app has it off).

    Flask-Limiter keeps its state on the one ``limiter`` object, so that state is put back
    afterwards: the other tests keep running without limits.
    """
    was_enabled = limiter.enabled
    limited_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_LOGIN": "3 per minute",
            "RATELIMIT_SIGNUP": "2 per hour",
            "SERVER_NAME": None,
        }
    )
    limiter.reset()
    try:
        yield limited_app.test_client()
    finally:
        limiter.reset()
        limiter.enabled = was_enabled
        with limited_app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_login_rate_limit_shows_a_429_page(limited_client):
    make_user(Role.SEEKER, phone="13900001111")
    for _ in range(3):
        response = limited_client.post("/login", data={"login": "13900001111", "password": "wrong-password"})
        assert response.status_code == 200
    response = limited_client.post("/login", data={"login": "13900001111", "password": PASSWORD})
    assert response.status_code == 429
    html = page(response)
    assert "操作太频繁" in html and "登录尝试次数过多" in html
    assert "Retry-After" in response.headers
    assert limited_client.get("/login").status_code == 200  # only POSTs count


def test_signup_rate_limit_shows_a_429_page(limited_client):
    for _ in range(2):
        assert limited_client.post("/signup", data={}).status_code == 200
    response = limited_client.post("/signup", data=signup_data(station=""))
    assert response.status_code == 429
    assert "注册次数过多" in page(response)
    assert user_count() == 0


def test_limits_are_off_again_for_other_tests(client):
    make_user(Role.SEEKER, phone="13900001111")
    for _ in range(5):
        assert client.post("/login", data={"login": "13900001111", "password": "wrong-password"}).status_code == 200
