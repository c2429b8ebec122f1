"""``flask users create`` and ``flask tokens create``."""
import pytest

from leye_events.accounts.models import ApiToken, Role, User
from leye_events.accounts.services import user_for_token
from leye_events.extensions import db

from .factories import make_station, make_user


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _users():
    return db.session.execute(db.select(User)).scalars().all()


def test_users_create_staff_account_with_station(runner):
    make_station(slug="fudan", name="复旦大学乐业空间")
    result = runner.invoke(
        args=["users", "create", "--email", "Door.One@Example.com", "--password", "longenough1",
              "--role", "door", "--station", "fudan", "--name", "小王", "--phone", "139 1234 5678"]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = db.session.execute(db.select(User).filter_by(email="door.one@example.com")).scalar_one()
    assert user.role == Role.DOOR
    assert user.station.slug == "fudan"
    assert user.name == "小王"
    assert user.phone == "13912345678"
    assert user.check_password("longenough1")
    assert "door.one@example.com" in result.stdout


def test_users_create_admin_needs_no_station(runner):
    result = runner.invoke(args=["users", "create", "--email", "boss@example.com", "--password", "longenough1",
                                 "--role", "admin"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert [u.role for u in _users()] == [Role.ADMIN]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--email", "a@example.com", "--password", "longenough1", "--role", "organizer"], "station_required"),
        (["--email", "a@example.com", "--password", "longenough1", "--role", "door", "--station", "nope"],
         "unknown_station"),
        (["--email", "a@example.com", "--password", "short", "--role", "admin"], "weak_password"),
        (["--email", "not-an-email", "--password", "longenough1", "--role", "admin"], "invalid_email"),
        (["--password", "longenough1", "--role", "admin"], "login_required"),
        (["--email", "a@example.com", "--password", "longenough1", "--role", "admin", "--phone", "12345"],
         "invalid_phone"),
    ],
)
def test_users_create_refuses_bad_input_without_traceback(runner, args, message):
    result = runner.invoke(args=["users", "create", *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    db.session.expire_all()
    assert _users() == []


def test_users_create_refuses_unknown_role(runner):
    result = runner.invoke(args=["users", "create", "--email", "a@example.com", "--password", "longenough1",
                                 "--role", "superuser"])
    assert result.exit_code != 0
    assert "superuser" in result.stderr
    assert _users() == []


def test_users_create_refuses_duplicate_email(runner):
    make_user(Role.ADMIN, email="taken@example.com")
    result = runner.invoke(args=["users", "create", "--email", "taken@example.com", "--password", "longenough1",
                                 "--role", "admin"])
    assert result.exit_code == 1
    assert "email_taken" in result.stderr
    db.session.expire_all()
    assert len(_users()) == 1


def test_tokens_create_prints_only_a_working_token(runner):
    user = make_user(Role.DOOR, station=make_station(), email="door@example.com")
    result = runner.invoke(args=["tokens", "create", "--email", "door@example.com", "--label", "东门扫码枪"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    assert len(token) >= 32 and " " not in token
    db.session.expire_all()
    assert user_for_token(token).id == user.id
    assert db.session.execute(db.select(ApiToken)).scalar_one().label == "东门扫码枪"


def test_tokens_create_for_unknown_account_fails(runner):
    result = runner.invoke(args=["tokens", "create", "--email", "ghost@example.com"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "ghost@example.com" in result.stderr
    assert db.session.execute(db.select(ApiToken)).first() is None


def test_tokens_create_for_disabled_account_fails(runner):
    make_user(Role.ADMIN, email="old@example.com", active=False)
    result = runner.invoke(args=["tokens", "create", "--email", "old@example.com"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert db.session.execute(db.select(ApiToken)).first() is None
