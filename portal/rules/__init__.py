"""Business rules as plain functions: dates and values in, dates and values out (no Flask, no DB)."""


def N_(message: str) -> str:
    """Marks a string for extraction without translating it where it is defined (names, enum values):
    rules keep them in 简体 and pages show them through gettext (portal.i18n re-exports this)."""
    return message
