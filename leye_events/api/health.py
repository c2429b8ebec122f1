"""API: a liveness probe for load balancers and the benchmarks' ceiling measurement."""
from flask import jsonify

from . import bp


@bp.get("/health")
def health():
    """Answers without touching the database: is this worker serving?"""
    return jsonify({"status": "ok"})
