"""The query-scoping layer: every list, detail, search, export and report starts here.

One module per record type, each `visible_<records>(user) -> Select`. Out of scope means 404.
"""
from flask import abort
from sqlalchemy import Select

from portal.extensions import db


def get_visible_or_404(query: Select, record_id: int, model):
    """The record with this id if the scoped query contains it, else 404 (never 403 with a title)."""
    record = db.session.scalar(query.where(model.id == record_id))
    if record is None:
        abort(404)
    return record
