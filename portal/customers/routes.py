"""Routes of the customers area."""
from flask import Blueprint

from portal.auth.permissions import guard_area

bp = Blueprint("customers", __name__, url_prefix="/customers")
guard_area(bp, "customers")
