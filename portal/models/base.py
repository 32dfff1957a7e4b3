"""Mixins shared by business records."""
from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from portal import clock


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)


class VersionedMixin:
    """Optimistic concurrency: every UPDATE checks and bumps `version` (SECURITY.md #23)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class ArchivableMixin:
    """Ordinary users never hard-delete: records are archived and can be restored."""

    archived_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class AuditedMixin:
    """Marks a model whose inserts, updates and deletes are written to the audit log."""

    __audited__ = True
    # Fields whose values never reach the audit log (hashes, tokens).
    __audit_exclude__: frozenset[str] = frozenset({"password_hash", "session_token", "version", "updated_at"})
