"""Health check for load balancers and monitoring."""
from flask import Blueprint, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """200 with {"status":"ok","db":"ok"} when the database answers; 503 otherwise. Public."""
    from portal import database_answers

    if database_answers():
        return jsonify(status="ok", db="ok")
    return jsonify(status="error", db="down"), 503
