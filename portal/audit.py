"""Audit log: every insert/update/delete of an audited model, with field-level before/after.

A session hook sees every change, so no view can forget to audit; views add context (a note,
the archive/restore action) through `audit_note()`.
"""
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.database import mark_write_intent
from portal.extensions import db
from portal.models.audit import AuditEntry
from portal.rules.contact_format import mask_contact, mask_email, mask_phone

MASKED_FIELDS = {"phone": mask_phone, "email": mask_email, "contact": mask_contact}
DERIVED_FIELDS = {"phone_digits", "email_normalized", "name_normalized", "name_pinyin", "name_initials"}
MAX_VALUE_LENGTH = 500


def loggable(field: str, value):
    """A JSON-safe, bounded, control-character-escaped value; personal data masked (SECURITY.md #28)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    text = str(value)
    if field in MASKED_FIELDS and text:
        text = MASKED_FIELDS[field](text)
    text = "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)
    return text[:MAX_VALUE_LENGTH]


def request_actor() -> tuple[int | None, str]:
    if not has_request_context():
        return g.get("cli_user_id") if g else None, "cli"
    user_id = current_user.id if current_user and current_user.is_authenticated else None
    return user_id, request.remote_addr or ""


def audit_note(note: str, action: str | None = None) -> None:
    """Attach a note (and optionally an action name such as archive) to this request's entries."""
    g.audit_note = note
    if action:
        g.audit_action = action


def audited_columns(obj):
    mapper = inspect(obj).mapper
    excluded = obj.__audit_exclude__ | DERIVED_FIELDS
    return [attr for attr in mapper.column_attrs if attr.key not in excluded]


def field_changes(obj) -> dict:
    state = inspect(obj)
    changes = {}
    for attr in audited_columns(obj):
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after and not (before in (None, "") and after in (None, "")):
                changes[attr.key] = [loggable(attr.key, before), loggable(attr.key, after)]
    return changes


def snapshot(obj) -> dict:
    return {attr.key: [None, loggable(attr.key, getattr(obj, attr.key))] for attr in audited_columns(obj)}


def entry_for(obj, action: str, changes: dict) -> AuditEntry:
    user_id, address = request_actor()
    if action == "update" and "archived_at" in changes:
        action = "archive" if changes["archived_at"][1] else "restore"
    return AuditEntry(
        user_id=user_id,
        address=address[:64],
        action=g.get("audit_action", action) if action == "update" else action,
        record_type=type(obj).__name__,
        record_id=record_key(obj),
        changes=changes,
        note=g.get("audit_note", "")[:256],
    )


def record_key(obj) -> str:
    """The primary key as text; read from the attributes since identity keys are set after the flush."""
    values = inspect(obj).mapper.primary_key_from_instance(obj)
    return ":".join(str(loggable("primary_key", value)) for value in values)


def is_audited(obj) -> bool:
    return getattr(obj, "__audited__", False)


@event.listens_for(Session, "before_flush")
def collect_changes(session, _flush_context, _instances):
    # A fresh list per flush: entries queued by a flush that failed must not be written by the retry.
    pending = session.info["audit_pending"] = []
    for obj in session.new:
        if is_audited(obj):
            pending.append((obj, "create", None))
    for obj in session.dirty:
        if is_audited(obj) and session.is_modified(obj, include_collections=False):
            changes = field_changes(obj)
            if changes:
                session.add(entry_for(obj, "update", changes))
    for obj in session.deleted:
        if is_audited(obj):
            session.add(entry_for(obj, "delete", {}))


@event.listens_for(Session, "after_flush")
def write_creations(session, _flush_context):
    # New rows have their ids only after the flush; their audit entries follow in the same transaction.
    pending = session.info.pop("audit_pending", [])
    for obj, action, _ in pending:
        session.add(entry_for(obj, action, snapshot(obj)))


def record_login(user) -> None:
    """A sign-in, attributed to the person (the request is still anonymous when it is written). No commit."""
    _, address = request_actor()
    db.session.add(AuditEntry(user_id=user.id, address=address[:64], action="login", record_type="User",
                              record_id=str(user.id), changes={}, note=""))


def record_sensitive_read(record_type: str, record_id: object, note: str) -> None:
    """Log an export, PDF or supervisor view of revisit records, in its own write transaction."""
    db.session.commit()
    mark_write_intent()
    user_id, address = request_actor()
    db.session.add(
        AuditEntry(
            user_id=user_id,
            address=address[:64],
            action="read",
            record_type=record_type,
            record_id=str(record_id),
            changes={},
            note=note[:256],
        )
    )
    db.session.commit()
