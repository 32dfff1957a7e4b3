"""Routes of the revisits area."""
from flask import Blueprint

from portal.auth.permissions import guard_area

bp = Blueprint("revisits", __name__, url_prefix="/revisits")
guard_area(bp, "revisits")
