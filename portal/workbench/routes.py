"""The home page every role lands on."""
from flask import Blueprint, render_template

from portal.auth.permissions import guard_area

bp = Blueprint("workbench", __name__)
guard_area(bp, "workbench")


@bp.get("/")
def index():
    """我的工作台 for the signed-in user."""
    return render_template("workbench/index.html")
