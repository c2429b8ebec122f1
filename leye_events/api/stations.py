"""Stations in the API."""
from flask import jsonify

from ..extensions import db
from ..stations.models import Station
from . import bp
from .models import Station as StationSchema
from .schema import PUBLIC, answers, declare
from .serializers import station_list_item


@bp.get("/stations")
@declare(resp=answers(200, list[StationSchema], "Every station"), tags=["stations"], security=PUBLIC,
         operation_id="listStations")
def list_stations():
    """Every station, by kind and name: a JSON array of ``{slug, name, kind, address}``."""
    stations = db.session.execute(db.select(Station).order_by(Station.kind, Station.name, Station.id)).scalars()
    return jsonify([station_list_item(s) for s in stations])
