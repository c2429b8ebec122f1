"""The demo, tried as a new counselor would: find who missed yesterday's salon, call, refer, record."""
import re

import pytest
from werkzeug.security import generate_password_hash

from leye_events.accounts.models import User
from leye_events.cases.models import Outcome
from leye_events.core.timeutil import today_local
from leye_events.demo import data
from leye_events.extensions import db


@pytest.fixture
def seeded(app, monkeypatch):
    monkeypatch.setattr(
        "leye_events.accounts.models.generate_password_hash",
        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
    )
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()


def _user(email):
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def test_demo_counselor_follows_up_yesterdays_salon(seeded, login):
    counselor = login(_user(data.staff_email("counselor", "wujiaochang")))
    events = counselor.get("/cases/follow-up").get_data(as_text=True)
    assert data.YESTERDAY_SALON_TITLE in events
    event_id = re.search(r'href="/cases/follow-up/(\d+)">' + re.escape(data.YESTERDAY_SALON_TITLE), events).group(1)
    page = counselor.get(f"/cases/follow-up/{event_id}").get_data(as_text=True)
    for index in (18, 26, 35):  # registered, did not come
        assert data.SEEKERS[index].name in page
    assert data.SEEKERS[3].name not in page.split('id="bulk-note"')[0].split('id="no-shows"')[1]
    registration_id, case_id = re.search(r'id="r(\d+)">\s*<div class="spread">\s*<strong><a href="/cases/(\d+)"',
                                         page).groups()

    before = counselor.get("/figures").get_data(as_text=True)
    employed_before = int(re.search(r'<dd id="fig-employed">(\d+)', before).group(1))
    assert counselor.post(f"/cases/follow-up/{event_id}/call",
                          data={"call-registration_id": registration_id, "call-contact": "called"}).status_code == 302
    assert counselor.post(f"/cases/{case_id}/referral",
                          data={"ref-employer": data.EMPLOYERS[0][0], "ref-post": data.EMPLOYERS[0][2][0],
                                "ref-consent": "verbal"}).status_code == 302
    today = today_local().isoformat()
    assert counselor.post(f"/cases/{case_id}/outcome",
                          data={"out-employer": data.EMPLOYERS[0][0], "out-post": data.EMPLOYERS[0][2][0],
                                "out-start_date": today}).status_code == 302
    case_page = counselor.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "已致电" in case_page and "已就业" in case_page
    after = counselor.get("/figures").get_data(as_text=True)
    assert int(re.search(r'<dd id="fig-employed">(\d+)', after).group(1)) == employed_before + 1


def test_demo_has_case_work(seeded, login):
    # The counselor's recorded outcome, and the demo application that the employer marked hired.
    assert db.session.execute(db.select(db.func.count()).select_from(Outcome)).scalar_one() == 2
    seeker = login(_user(data.DEMO_SEEKER_EMAIL))
    history = seeker.get("/me/history").get_data(as_text=True)
    assert data.YESTERDAY_SALON_TITLE in history and data.FIRST_LESSON_TITLE in history
