"""A bounded schemathesis run over /api/v1/openapi.json: no 500 and no answer outside the documented
schema, as an organizer and as a seeker (the long run is in ../shared/recipes/api-fuzzing.md)."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from leye_events import create_app
from leye_events.accounts.models import Role
from leye_events.api.openapi import openapi_document

from ..factories import auth_header, make_event, make_station, make_token, make_user

EXAMPLES = 4
# What the server answers must be documented. (Checks that send extra probes over HTTP, such as
# ignored_auth, belong to the long run against a live server.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def _document() -> dict:
    """The document /api/v1/openapi.json serves: generated from the views an app declares."""
    app = create_app({"TESTING": True, "SECRET_KEY": "openapi", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context():
        return openapi_document()


schema = schemathesis.openapi.from_dict(_document())


@pytest.fixture
def callers():
    station = make_station(slug="wujiaochang")
    make_event(station)
    return {role: auth_header(make_token(make_user(role, station if role != Role.SEEKER else None)))
            for role in (Role.ORGANIZER, Role.SEEKER)}


BOUNDED = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@schema.parametrize()
@BOUNDED
def test_api_answers_an_organizer_as_documented(case, app, callers):
    case.call_and_validate(app=app, base_url="/api/v1", headers=callers[Role.ORGANIZER], checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_api_answers_a_seeker_as_documented(case, app, callers):
    case.call_and_validate(app=app, base_url="/api/v1", headers=callers[Role.SEEKER], checks=CHECKS)
