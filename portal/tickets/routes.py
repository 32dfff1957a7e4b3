"""Routes of the tickets area."""
from flask import Blueprint

from portal.auth.permissions import guard_area

bp = Blueprint("tickets", __name__, url_prefix="/tickets")
guard_area(bp, "tickets")
