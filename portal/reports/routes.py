"""Routes of the reports area."""
from flask import Blueprint

from portal.auth.permissions import guard_area

bp = Blueprint("reports", __name__, url_prefix="/reports")
guard_area(bp, "reports")
