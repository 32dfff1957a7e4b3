"""Routes of the followups area."""
from flask import Blueprint

from portal.auth.permissions import guard_area

bp = Blueprint("followups", __name__, url_prefix="/followups")
guard_area(bp, "followups")
