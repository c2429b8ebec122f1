"""POST /auth/token, POST /seekers, GET /me."""
import pytest

from leye_events.accounts.models import ApiToken, Role, SeekerCategory, User, hash_token
from leye_events.audit.models import AuditEntry
from leye_events.extensions import db

from ..factories import PASSWORD, make_station, make_user
from .conftest import error_code, error_field

SIGNUP = {
    "name": "王小明",
    "phone": "13812345678",
    "password": "long-enough-1",
    "consent": True,
}


# --- tokens -----------------------------------------------------------------------------------

@pytest.mark.parametrize("login_with", ["email", "phone"])
def test_token_for_email_or_phone(api, login_with):
    user = make_user(Role.SEEKER, email="li.lei@example.com", phone="13900001111")
    login = "Li.Lei@Example.com" if login_with == "email" else "139 0000 1111"
    response = api.post("/auth/token", {"login": login, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    token = response.get_json()["token"]
    assert db.session.execute(db.select(ApiToken).filter_by(token_hash=hash_token(token))).scalar_one().user_id == user.id
    me = api.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.get_json()["id"] == user.id


def test_token_is_committed_and_audited(api):
    make_user(Role.ORGANIZER, make_station(), email="org@example.com")
    response = api.post("/auth/token", {"login": "org@example.com", "password": PASSWORD, "label": "door tablet"})
    assert response.status_code == 200
    db.session.rollback()  # what the request committed survives
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    assert token.label == "door tablet"
    assert db.session.execute(db.select(AuditEntry).filter_by(action="token.issue")).scalar_one()


@pytest.mark.parametrize(
    "body",
    [
        {"login": "nobody@example.com", "password": PASSWORD},
        {"login": "user@example.com", "password": "wrong-password"},
        {"login": "13000000000", "password": PASSWORD},
        {"login": "", "password": PASSWORD},
    ],
)
def test_token_refused_for_wrong_credentials(api, body):
    make_user(Role.SEEKER, email="user@example.com")
    response = api.post("/auth/token", body)
    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"
    assert db.session.execute(db.select(ApiToken)).first() is None


def test_token_refused_for_disabled_account(api):
    make_user(Role.SEEKER, email="gone@example.com", active=False)
    response = api.post("/auth/token", {"login": "gone@example.com", "password": PASSWORD})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"password": PASSWORD}, "login"),
        ({"login": "user@example.com"}, "password"),
        ({"login": 13812345678, "password": PASSWORD}, "login"),
        ({"login": "user@example.com", "password": 12345678}, "password"),
        ({"login": ["user@example.com"], "password": PASSWORD}, "login"),
        ({"login": "user\x00@example.com", "password": PASSWORD}, "login"),
    ],
)
def test_token_malformed_bodies(api, body, field):
    response = api.post("/auth/token", body)
    assert response.status_code == 400
    assert error_field(response) == field


# --- sign-up ----------------------------------------------------------------------------------

def test_signup_creates_seeker_with_token(api):
    station = make_station(slug="tongji")
    body = {**SIGNUP, "email": "Xiaoming@Example.com", "category": "graduate_unemployed", "school": "同济大学",
            "graduation_year": 2025, "station": "tongji"}
    response = api.post("/seekers", body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["role"] == "seeker"
    assert data["phone"] == "138****5678"
    assert data["email"] == "x***@example.com"
    assert data["station"] == "tongji"
    assert data["category"] == "graduate_unemployed"
    assert data["calendar_url"].startswith("http://localhost/calendar/") and data["calendar_url"].endswith(".ics")
    db.session.rollback()
    user = db.session.get(User, data["id"])
    assert user.role == Role.SEEKER and user.station_id == station.id and user.consent_at is not None
    me = api.get("/me", headers={"Authorization": f"Bearer {data['token']}"})
    assert me.get_json()["id"] == user.id


@pytest.mark.parametrize(
    "given, stored",
    [
        ("离校未就业高校毕业生", SeekerCategory.GRADUATE_UNEMPLOYED),
        ("失业青年", SeekerCategory.UNEMPLOYED_YOUTH),
        ("就业困难人员", SeekerCategory.HARD_TO_EMPLOY),
        ("在校生", SeekerCategory.STUDENT),
        ("hard_to_employ", SeekerCategory.HARD_TO_EMPLOY),
        (None, SeekerCategory.OTHER),
    ],
)
def test_signup_category_as_code_or_chinese_label(api, given, stored):
    response = api.post("/seekers", {**SIGNUP, "category": given})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["category"] == stored.value


def test_signup_phone_taken(api):
    make_user(Role.SEEKER, phone="13812345678")
    response = api.post("/seekers", SIGNUP)
    assert response.status_code == 409
    assert error_code(response) == "phone_taken"


def test_signup_email_taken(api):
    make_user(Role.SEEKER, email="taken@example.com")
    response = api.post("/seekers", {**SIGNUP, "email": "TAKEN@example.com"})
    assert response.status_code == 409
    assert error_code(response) == "email_taken"


@pytest.mark.parametrize(
    "change, code, field",
    [
        ({"consent": False}, "consent_required", "consent"),
        ({"consent": None}, "consent_required", "consent"),
        ({"phone": "12345"}, "invalid_phone", "phone"),
        ({"password": "short"}, "weak_password", "password"),
        ({"name": "  "}, "invalid_name", "name"),
        ({"email": "not-an-email"}, "invalid_email", "email"),
        ({"category": "astronaut"}, "invalid_category", "category"),
        ({"graduation_year": 1800}, "invalid_graduation_year", "graduation_year"),
        ({"graduation_year": 10**30}, "invalid_graduation_year", "graduation_year"),
        ({"station": "nowhere"}, "unknown_station", "station"),
    ],
)
def test_signup_rule_breaks_are_422(api, change, code, field):
    response = api.post("/seekers", {**SIGNUP, **change})
    assert response.status_code == 422, response.get_json()
    assert error_code(response) == code
    assert error_field(response) == field
    assert db.session.execute(db.select(User)).first() is None


def test_signup_without_consent_field_is_refused(api):
    body = {key: value for key, value in SIGNUP.items() if key != "consent"}
    response = api.post("/seekers", body)
    assert response.status_code == 422
    assert error_code(response) == "consent_required"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": None}, "name"),
        ({"phone": 13812345678}, "phone"),
        ({"password": ["x"] * 10}, "password"),
        ({"consent": "true"}, "consent"),
        ({"graduation_year": "2025"}, "graduation_year"),
        ({"graduation_year": 2025.5}, "graduation_year"),
        ({"email": {"a": 1}}, "email"),
        ({"station": 3}, "station"),
        ({"name": "王\x00明"}, "name"),
    ],
)
def test_signup_wrong_types_are_400(api, change, field):
    response = api.post("/seekers", {**SIGNUP, **change})
    assert response.status_code == 400, response.get_json()
    assert error_field(response) == field
    assert db.session.execute(db.select(User)).first() is None


@pytest.mark.parametrize("missing", ["name", "phone", "password"])
def test_signup_missing_fields_are_400(api, missing):
    body = {key: value for key, value in SIGNUP.items() if key != missing}
    response = api.post("/seekers", body)
    assert response.status_code == 400
    assert error_code(response) == "missing_field"
    assert error_field(response) == missing


# --- me ---------------------------------------------------------------------------------------

def test_me_for_staff(api, station):
    organizer = make_user(Role.ORGANIZER, station, name="赵老师", phone="13612345678", email="zhao@example.com")
    data = api.as_(organizer).get("/me").get_json()
    assert data == {
        "id": organizer.id,
        "name": "赵老师",
        "role": "organizer",
        "phone": "136****5678",
        "email": "z***@example.com",
        "station": station.slug,
        "category": None,
        "school": None,
        "graduation_year": None,
        "calendar_url": data["calendar_url"],
        "notify_sms": True,
        "notify_email": True,
    }
    assert data["calendar_url"].startswith("http") and data["calendar_url"].endswith(".ics")


def test_me_for_seeker_without_station(api):
    seeker = make_user(Role.SEEKER, phone="13712345678", email=None)
    data = api.as_(seeker).get("/me").get_json()
    assert data["role"] == "seeker"
    assert data["phone"] == "137****5678"
    assert data["email"] is None
    assert data["station"] is None
    assert data["category"] == "graduate_unemployed"
    assert "13712345678" not in str(data)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic dXNlcjpwYXNz"},
     {"Authorization": "Bearer " + "x" * 5000}],
)
def test_me_needs_a_valid_token(api, headers):
    response = api.get("/me", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_me_refuses_token_of_disabled_account(api):
    user = make_user(Role.SEEKER)
    client = api.as_(user)
    user.active = False
    db.session.commit()
    assert client.get("/me").status_code == 401
