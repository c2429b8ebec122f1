"""Logins at the same moment (a class logging in together) all succeed, on SQLite too: a login reads the
account and then writes it (failed count, last login) and its login session, and on SQLite a transaction
that read first could not take the write lock while another login wrote ("database is locked", a 500)."""
import pytest
import requests

from leye_events.accounts.models import Role

from ..booking.test_concurrency import fire_together
from ..factories import PASSWORD, make_user

pytestmark = pytest.mark.live


def test_twenty_seekers_logging_in_at_once_are_all_logged_in(live_server):
    phones = [make_user(Role.SEEKER).phone for _ in range(20)]

    def login_call(phone):
        def call():
            response = requests.post(f"{live_server.url}/login", data={"login": phone, "password": PASSWORD},
                                     allow_redirects=False, timeout=60)
            return response.status_code

        return call

    assert fire_together([login_call(phone) for phone in phones], workers=20) == [302] * 20
