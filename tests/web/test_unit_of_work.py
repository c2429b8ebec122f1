"""core.db: a request's unit of work and the one id check."""
from pathlib import Path

import pytest

import leye_events
from leye_events.core.db import get_row, unit_of_work
from leye_events.core.errors import ServiceError
from leye_events.core.urls import MAX_ID
from leye_events.extensions import db
from leye_events.stations.models import Station, StationKind


def _station_named(name: str):
    return db.session.execute(db.select(Station).filter_by(name=name)).scalar_one_or_none()


def test_the_block_is_committed_when_it_ends_normally():
    with unit_of_work():
        db.session.add(Station(slug="uow-kept", name="留下的站", kind=StationKind.SUB_DISTRICT))
    db.session.expunge_all()
    assert _station_named("留下的站") is not None


def test_everything_the_block_did_is_rolled_back_when_it_raises():
    with pytest.raises(ServiceError):
        with unit_of_work():
            db.session.add(Station(slug="uow-gone", name="撤销的站", kind=StationKind.SUB_DISTRICT))
            db.session.flush()
            raise ServiceError("invalid_field", "no")
    assert _station_named("撤销的站") is None


@pytest.mark.parametrize("row_id", [0, -1, MAX_ID + 1, 2**64, True, "1", None, 1.0])
def test_get_row_answers_none_for_what_cannot_be_an_id(row_id):
    assert get_row(Station, row_id) is None


def test_get_row_finds_the_row():
    with unit_of_work():
        station = Station(slug="uow-found", name="找得到的站", kind=StationKind.SUB_DISTRICT)
        db.session.add(station)
    assert get_row(Station, station.id) is station


def test_views_and_api_handlers_commit_through_the_unit_of_work():
    package = Path(leye_events.__file__).parent
    handlers = [*package.glob("*/views.py"), *package.glob("api/*.py")]
    assert len(handlers) > 20
    found = {}
    for path in handlers:
        count = path.read_text(encoding="utf-8").count("db.session.commit()")
        if count:
            found[(path.parent.name, path.name)] = count
    assert found == {}
