"""Supervisors' spot-checks 抽查 of revisit records."""
from flask import Blueprint

from portal.auth.permissions import guard_area

bp = Blueprint("spot_checks", __name__, url_prefix="/spot-checks")
guard_area(bp, "spot_checks")
