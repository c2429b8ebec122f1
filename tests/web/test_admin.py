"""District admin pages: staff accounts (list, create, enable/disable) and who may use them."""
import pytest
from sqlalchemy import func

from leye_events.accounts.models import Role, User
from leye_events.audit.models import AuditEntry
from leye_events.extensions import db
from tests.factories import PASSWORD, make_station, make_user


def page(response) -> str:
    return response.get_data(as_text=True)


def user_count() -> int:
    return db.session.scalar(db.select(func.count(User.id)))


@pytest.fixture
def station():
    return make_station(slug="yinhang", name="殷行街道乐业空间")


@pytest.fixture
def admin():
    return make_user(Role.ADMIN, name="区管理员", phone="13700000001", email="admin@example.com")


@pytest.fixture
def admin_client(login, admin):
    return login(admin)


def staff_data(**overrides) -> dict:
    data = {
        "name": "王签到",
        "role": "door",
        "station": "yinhang",
        "phone": "13611112222",
        "email": "door@example.com",
        "password": "initial-pass-1",
    }
    data.update(overrides)
    return data


# --- who may use the pages ---------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(client, station):
    response = client.get("/admin/staff")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fadmin%2Fstaff"
    assert client.post("/admin/staff", data=staff_data()).status_code == 302
    assert db.session.execute(db.select(User)).first() is None


@pytest.mark.parametrize("role", [Role.SEEKER, Role.DOOR, Role.COUNSELOR, Role.ORGANIZER])
def test_other_roles_get_403(login, station, role):
    target = make_user(Role.DOOR, station=station)
    client = login(make_user(role, station=None if role == Role.SEEKER else station))
    before = user_count()
    assert client.get("/admin/staff").status_code == 403
    response = client.post("/admin/staff", data=staff_data())
    assert response.status_code == 403
    assert "没有权限" in page(response)
    assert client.post(f"/admin/staff/{target.id}/active", data={"active": "0"}).status_code == 403
    assert user_count() == before
    db.session.refresh(target)
    assert target.active


def test_nav_shows_account_management_to_admins_only(login, admin_client, station):
    assert 'href="/admin/staff"' in page(admin_client.get("/account"))
    organizer = login(make_user(Role.ORGANIZER, station=station))
    assert 'href="/admin/staff"' not in page(organizer.get("/account"))


# --- list --------------------------------------------------------------------------------------


def test_staff_list_shows_role_station_masked_phone_and_state(admin_client, station):
    make_user(Role.COUNSELOR, station=station, name="赵红娘", phone="13812345678")
    make_user(Role.DOOR, station=station, name="钱志愿", phone="13887654321", active=False)
    make_user(Role.SEEKER, name="孙求职", phone="13511112222")
    response = admin_client.get("/admin/staff")
    assert response.status_code == 200
    html = page(response)
    assert "赵红娘" in html and "服务专员" in html and "殷行街道乐业空间" in html
    assert "138****5678" in html and "13812345678" not in html
    assert "钱志愿" in html and "已停用" in html
    assert "区管理员" in html and "全区" in html
    assert "孙求职" not in html  # seekers are not staff


# --- create ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["door", "counselor", "organizer"])
def test_admin_creates_a_station_staff_account(admin_client, admin, station, role, client):
    response = admin_client.post("/admin/staff", data=staff_data(role=role))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/staff?role={role}&station=yinhang#create"
    user = db.session.execute(db.select(User).filter_by(phone="13611112222")).scalar_one()
    assert user.role == Role(role)
    assert user.station == station
    assert user.email == "door@example.com"
    assert user.active
    assert user.password_hash != "initial-pass-1" and user.check_password("initial-pass-1")
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="account.create")).scalar_one()
    assert entry.actor_id == admin.id and entry.target_id == user.id
    assert "已创建账号：王签到" in page(admin_client.get("/admin/staff"))
    # The new account can log in.
    assert client.post("/login", data={"login": "13611112222", "password": "initial-pass-1"}).status_code == 302


def test_admin_account_needs_no_station(admin_client):
    response = admin_client.post("/admin/staff", data=staff_data(role="admin", station="", phone=""))
    assert response.status_code == 302
    user = db.session.execute(db.select(User).filter_by(email="door@example.com")).scalar_one()
    assert user.role == Role.ADMIN and user.station is None and user.phone is None


BAD_STAFF = [
    ("station missing", {"station": ""}, "station", "工作人员账号必须属于一个乐业空间。"),
    ("unknown station", {"station": "nowhere"}, "station", "找不到该乐业空间。"),
    ("no login", {"phone": "", "email": ""}, None, "请至少填写邮箱或手机号之一。"),
    ("bad phone", {"phone": "1234"}, "phone", "请输入有效的11位中国大陆手机号码。"),
    ("bad email", {"email": "door@"}, "email", "邮箱地址格式不正确。"),
    ("short password", {"password": "short"}, "password", "密码长度需为 8 到 128 个字符。"),
    ("seeker role", {"role": "seeker"}, "role", "角色无效。"),
    ("made-up role", {"role": "superuser"}, "role", "角色无效。"),
    ("missing role", {"role": ""}, "role", "请选择角色。"),
    ("missing name", {"name": ""}, "name", "请填写姓名。"),
    ("taken phone", {"phone": "13700000001"}, "phone", "该手机号已注册，请直接登录。"),
    ("taken email", {"email": "ADMIN@example.com"}, "email", "该邮箱已注册，请直接登录。"),
]


@pytest.mark.parametrize("overrides, field, message", [c[1:] for c in BAD_STAFF], ids=[c[0] for c in BAD_STAFF])
def test_bad_staff_account_is_refused_and_nothing_saved(admin_client, station, overrides, field, message):
    before = user_count()
    response = admin_client.post("/admin/staff", data=staff_data(**overrides))
    assert response.status_code == 200
    html = page(response)
    if field:
        start = html.index(f'id="field-{field}"')
        assert message in html[start:html.find('id="field-', start + 1)]
    else:
        assert message in html
    assert 'value="王签到"' in html or field == "name"
    assert user_count() == before


# --- enable / disable --------------------------------------------------------------------------


def test_disable_then_enable_a_staff_account(admin_client, admin, station, client):
    door = make_user(Role.DOOR, station=station, name="钱志愿", phone="13611112222")
    response = admin_client.post(f"/admin/staff/{door.id}/active", data={"active": "0"})
    assert response.status_code == 302
    db.session.refresh(door)
    assert not door.active
    entry = db.session.execute(db.select(AuditEntry).filter_by(action="account.disable")).scalar_one()
    assert entry.actor_id == admin.id and entry.target_id == door.id
    assert "已停用账号：钱志愿" in page(admin_client.get("/admin/staff"))
    assert client.post("/login", data={"login": "13611112222", "password": PASSWORD}).status_code == 200

    admin_client.post(f"/admin/staff/{door.id}/active", data={"active": "1"})
    db.session.refresh(door)
    assert door.active
    assert client.post("/login", data={"login": "13611112222", "password": PASSWORD}).status_code == 302


def test_disabled_staff_session_stops_working(login, admin_client, station):
    organizer = make_user(Role.ORGANIZER, station=station)
    organizer_client = login(organizer)
    assert organizer_client.get("/account").status_code == 200
    admin_client.post(f"/admin/staff/{organizer.id}/active", data={"active": "0"})
    assert organizer_client.get("/account").status_code == 302


def test_admin_cannot_disable_themselves(admin_client, admin):
    response = admin_client.post(f"/admin/staff/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "不能停用自己的账号。" in page(response)
    db.session.refresh(admin)
    assert admin.active


def test_toggle_refuses_seekers_unknown_ids_and_bad_values(admin_client, station):
    seeker = make_user(Role.SEEKER)
    door = make_user(Role.DOOR, station=station)
    assert admin_client.post(f"/admin/staff/{seeker.id}/active", data={"active": "0"}).status_code == 404
    assert admin_client.post("/admin/staff/99999/active", data={"active": "0"}).status_code == 404
    assert admin_client.post(f"/admin/staff/{door.id}/active", data={"active": "maybe"}).status_code == 400
    assert admin_client.get(f"/admin/staff/{door.id}/active").status_code == 405
    db.session.refresh(seeker)
    db.session.refresh(door)
    assert seeker.active and door.active


def test_creating_door_volunteers_one_after_another_keeps_role_and_station(admin_client, station):
    """After creating a door volunteer, the form is ready for the next one of the same station."""
    import re

    listing = page(admin_client.get("/admin/staff"))
    assert 'href="#create"' in listing.split("<table")[0]  # a jump to the form above the long list
    response = admin_client.post("/admin/staff", data=staff_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/staff?role=door&station=yinhang#create")
    html = page(admin_client.get("/admin/staff?role=door&station=yinhang"))
    form = html.split('id="create"')[1]
    assert re.search(r'<option selected value="door">|<option value="door" selected>', form)
    assert re.search(r'<option selected value="yinhang">|<option value="yinhang" selected>', form)
    assert 'name="name"' in form and 'value="王签到"' not in form  # person fields start empty


def test_prefill_with_odd_values_is_harmless(admin_client, station):
    response = admin_client.get("/admin/staff?role=%00nonsense&station=" + "x" * 500)
    assert response.status_code == 200
    assert user_count() == 1
