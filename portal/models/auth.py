"""Users, departments and login throttling records."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import db
from portal.i18n import N_
from portal.models.base import AuditedMixin, TimestampMixin, VersionedMixin

ROLES = ("sales", "service", "tech", "marketing", "supervisor", "admin")
ROLE_LABELS = {
    "sales": N_("销售"),
    "service": N_("客服"),
    "tech": N_("技术支持"),
    "marketing": N_("市场"),
    "supervisor": N_("主管"),
    "admin": N_("管理员"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Department(AuditedMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    head_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True), default=None)

    head: Mapped["User | None"] = relationship(foreign_keys=[head_id], post_update=True)

    def __str__(self) -> str:
        return self.name


class User(AuditedMixin, TimestampMixin, VersionedMixin, UserMixin, db.Model):
    # A sign-in is logged as its own 登录 entry by the person (portal.audit.record_login), not as a change;
    # the interface language is a display preference, not a change to the account.
    __audit_exclude__ = AuditedMixin.__audit_exclude__ | {"last_login_at", "language"}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    # Rotated on logout, password change, admin reset and deactivation: old cookies stop working.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    is_active_user: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    # Interface language (portal.i18n.LANGUAGES); None follows the browser.
    language: Mapped[str | None] = mapped_column(String(16), default=None)

    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])

    @property
    def is_active(self) -> bool:
        return self.is_active_user

    @property
    def role_label(self) -> str:
        """The role's Chinese name (a msgid: templates show `_(user.role_label)`)."""
        return ROLE_LABELS.get(self.role, self.role)

    def get_id(self) -> str:
        # Flask-Login "alternative token": the cookie names id and current session token.
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def __str__(self) -> str:
        return self.display_name


class LoginFailure(db.Model):
    """One failed sign-in; counted per username and per address within the throttle window."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (
        Index("ix_login_failure_username_failed_at", "username", "failed_at"),
        Index("ix_login_failure_address_failed_at", "address", "failed_at"),
    )
