"""Login throttling kept in the database, so the limit holds across every worker (SECURITY.md #3)."""
from datetime import timedelta

from sqlalchemy import delete, func, select

from portal import clock
from portal.extensions import db
from portal.models.auth import LoginFailure

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 20


def retry_after_seconds(username: str, address: str) -> int:
    """Seconds until another attempt is allowed, or 0 when not throttled. Runs before any hashing."""
    since = clock.now() - WINDOW
    for column, value, limit in (
        (LoginFailure.username, username, MAX_FAILURES_PER_USERNAME),
        (LoginFailure.address, address, MAX_FAILURES_PER_ADDRESS),
    ):
        failures = db.session.scalars(
            select(LoginFailure.failed_at)
            .where(column == value, LoginFailure.failed_at > since)
            .order_by(LoginFailure.failed_at.desc())
            .limit(limit)
        ).all()
        if len(failures) >= limit:
            oldest_counted = failures[-1]
            return max(1, int((oldest_counted + WINDOW - clock.now()).total_seconds()))
    return 0


def record_failure(username: str, address: str) -> None:
    db.session.add(LoginFailure(username=username[:64], address=address[:64], failed_at=clock.now()))


def clear_failures(username: str) -> None:
    """After a successful login, or when an admin unlocks the account."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.username == username))


def locked_usernames() -> set[str]:
    """Usernames currently throttled, in one query for the admin user list."""
    since = clock.now() - WINDOW
    rows = db.session.execute(
        select(LoginFailure.username)
        .where(LoginFailure.failed_at > since)
        .group_by(LoginFailure.username)
        .having(func.count() >= MAX_FAILURES_PER_USERNAME)
    )
    return {username for (username,) in rows}
