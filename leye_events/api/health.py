"""API: a liveness probe for load balancers and the benchmarks' ceiling measurement."""
from flask import jsonify

from . import bp
from .models import Health
from .schema import PUBLIC, answers, declare


@bp.get("/health")
@declare(resp=answers(200, Health, "This worker is serving"), tags=["meta"], security=PUBLIC,
         operation_id="getHealth")
def health():
    """Answers without touching the database: is this worker serving?"""
    return jsonify({"status": "ok"})
