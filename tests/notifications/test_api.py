"""The inbox, message preferences and SMS-code login in the API."""
import re
from datetime import timedelta

import pytest

from leye_events.accounts.models import Role, User
from leye_events.booking import services as booking
from leye_events.extensions import db
from leye_events.notifications.models import SmsCode

from ..api.conftest import ApiClient, error_code
from ..factories import auth_header, make_event, make_station, make_token, make_user
from .conftest import run_worker


@pytest.fixture
def api(client):
    return ApiClient(client)


def sms_code_for(api, gateway, phone: str) -> str:
    response = api.post("/auth/sms-code", {"phone": phone})
    assert response.status_code == 202, response.get_json()
    run_worker()
    text = [r["json"]["text"] for r in gateway.requests if r["json"]["phone"] == phone][-1]
    return re.search(r"\b(\d{6})\b", text).group(1)


def age_codes(minutes: float) -> None:
    for code in db.session.execute(db.select(SmsCode)).scalars():
        code.created_at -= timedelta(minutes=minutes)
        code.expires_at -= timedelta(minutes=minutes)
    db.session.commit()


# --- inbox ----------------------------------------------------------------------------------

def test_the_inbox_shows_own_messages_and_marks_them_read(api):
    seeker = make_user()
    event = make_event(title="简历工作坊")
    booking.register(event.id, seeker)
    db.session.commit()
    me = api.as_(seeker)
    data = me.get("/me/notifications").get_json()
    assert data["unread"] == 1
    [message] = data["notifications"]
    assert message["kind"] == "registration_confirmed" and "简历工作坊" in message["title"]
    assert message["event_id"] == event.id and message["read_at"] is None
    read = me.post(f"/me/notifications/{message['id']}/read")
    assert read.status_code == 200 and read.get_json()["read_at"]
    assert me.get("/me/notifications").get_json()["unread"] == 0
    other = api.as_(make_user())
    assert other.get("/me/notifications").get_json() == {"notifications": [], "unread": 0}
    assert error_code(other.post(f"/me/notifications/{message['id']}/read")) == "not_found"
    assert api.get("/me/notifications").status_code == 401


def test_patch_me_turns_sms_and_email_off(api):
    seeker = make_user()
    me = api.as_(seeker)
    response = me.patch("/me", {"notify_sms": False})
    assert response.status_code == 200
    assert response.get_json()["notify_sms"] is False and response.get_json()["notify_email"] is True
    db.session.refresh(seeker)
    assert seeker.notify_sms is False
    assert me.patch("/me", {"notify_sms": "no"}).status_code == 400
    assert me.patch("/me", {"role": "admin"}).status_code == 400
    assert me.get("/me").get_json()["notify_sms"] is False


# --- SMS codes --------------------------------------------------------------------------------

def test_a_code_logs_in_once_and_only_once(api, gateway):
    seeker = make_user(phone="13812345678")
    code = sms_code_for(api, gateway, "13812345678")
    response = api.post("/auth/token", {"phone": "138 1234 5678", "sms_code": code})
    assert response.status_code == 200
    assert ApiClient(api.client, response.get_json()["token"]).get("/me").get_json()["id"] == seeker.id
    again = api.post("/auth/token", {"phone": "13812345678", "sms_code": code})
    assert again.status_code == 401 and error_code(again) == "invalid_code"


def test_one_code_a_minute_per_phone_even_with_the_rate_limiter_off(app, api, gateway):
    assert app.config["RATELIMIT_ENABLED"] is False
    assert api.post("/auth/sms-code", {"phone": "13812345678"}).status_code == 202
    second = api.post("/auth/sms-code", {"phone": "13812345678"})
    assert second.status_code == 429 and error_code(second) == "too_soon"
    assert api.post("/auth/sms-code", {"phone": "13812345679"}).status_code == 202  # another phone
    age_codes(1.1)
    assert api.post("/auth/sms-code", {"phone": "13812345678"}).status_code == 202


def test_a_code_expires_after_five_minutes(api, gateway):
    make_user(phone="13812345678")
    code = sms_code_for(api, gateway, "13812345678")
    age_codes(5.1)
    assert error_code(api.post("/auth/token", {"phone": "13812345678", "sms_code": code})) == "invalid_code"


def test_five_wrong_guesses_burn_the_code(api, gateway):
    make_user(phone="13812345678")
    code = sms_code_for(api, gateway, "13812345678")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert api.post("/auth/token", {"phone": "13812345678", "sms_code": wrong}).status_code == 401
    assert error_code(api.post("/auth/token", {"phone": "13812345678", "sms_code": code})) == "invalid_code"


def test_only_the_hash_of_a_code_is_stored(api, gateway):
    code = sms_code_for(api, gateway, "13812345678")
    [stored] = db.session.execute(db.select(SmsCode)).scalars().all()
    assert code not in stored.code_hash and len(stored.code_hash) == 64


def test_a_phone_without_an_account_is_told_to_sign_up_and_can_with_the_code(api, gateway):
    code = sms_code_for(api, gateway, "13812345678")
    response = api.post("/auth/token", {"phone": "13812345678", "sms_code": code})
    assert response.status_code == 404 and error_code(response) == "no_account"
    without_consent = api.post("/seekers", {"name": "王小明", "phone": "13812345678", "sms_code": code})
    assert error_code(without_consent) == "consent_required"
    signup = api.post("/seekers", {"name": "王小明", "phone": "13812345678", "sms_code": code, "consent": True})
    assert signup.status_code == 201, signup.get_json()
    assert signup.get_json()["phone"] == "138****5678" and signup.get_json()["token"]
    user = db.session.execute(db.select(User).filter_by(phone="13812345678")).scalar_one()
    assert user.role == Role.SEEKER and user.consent_at is not None
    reuse = api.post("/seekers", {"name": "李四", "phone": "13812345678", "sms_code": code, "consent": True})
    assert reuse.status_code == 401


def test_sign_up_with_a_wrong_code_creates_nothing(api, gateway):
    sms_code_for(api, gateway, "13812345678")
    response = api.post("/seekers", {"name": "王小明", "phone": "13812345678", "sms_code": "12345", "consent": True})
    assert response.status_code == 401 and error_code(response) == "invalid_code"
    assert db.session.execute(db.select(User)).first() is None


@pytest.mark.parametrize("body", [{}, {"phone": 13812345678}, {"phone": "12345"}, {"phone": None}])
def test_bad_sms_code_requests_are_clear_errors(api, body):
    assert api.post("/auth/sms-code", body).status_code in (400, 422)


def test_the_sms_code_endpoint_is_limited_per_address(app):
    """An app of its own with rate limits on (see tests/api/test_rate_limit.py for why)."""
    from leye_events import create_app
    from leye_events.extensions import limiter

    was_enabled = limiter.enabled
    limited = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "NOTIFY_QUEUE_URL": "memory://",
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                          "RATELIMIT_SMS_CODE": "2 per minute"})
    limiter.reset()
    try:
        with limited.app_context():
            client = limited.test_client()
            statuses = [client.post("/api/v1/auth/sms-code", json={"phone": f"1381234567{i}"}).status_code
                        for i in range(3)]
            db.session.remove()
            db.engine.dispose()
    finally:
        limiter.reset()
        limiter.enabled = was_enabled
    assert statuses == [202, 202, 429]


def test_a_seeker_edits_their_matching_profile_through_patch_me(client):
    seeker = make_user(Role.SEEKER, make_station())
    headers = auth_header(make_token(seeker))
    answer = client.patch("/api/v1/me", headers=headers,
                          json={"notify_sms": False, "skills": "Python 数据分析", "salary_wish": 8000})
    assert answer.status_code == 200, answer.get_json()
    profile = client.get(f"/api/v1/seekers/{seeker.id}/profile", headers=headers).get_json()
    assert profile["skills"] == "Python 数据分析" and profile["salary_wish"] == 8000
    staff = make_user(Role.ORGANIZER, make_station())
    refused = client.patch("/api/v1/me", headers=auth_header(make_token(staff)), json={"skills": "x"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "invalid_field"
