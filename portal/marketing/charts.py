"""The effect chart: attendees and new leads per activity, server-side SVG (same markup in page and PDF)."""
from flask_babel import gettext as _
from markupsafe import Markup

from portal.reports.charts import bar_chart

LABEL_CHARS = 10


def short(theme: str) -> str:
    return theme if len(theme) <= LABEL_CHARS else theme[:LABEL_CHARS - 1] + "…"


def effect_chart(rows) -> Markup | None:
    """Horizontal bars per activity: 到场 and 新线索 (rows of (activity, Effect)); None without rows."""
    if not rows:
        return None
    maximum = max([effect.attendees for _activity, effect in rows] + [effect.leads for _activity, effect in rows] + [1])
    return bar_chart(_("活动效果：到场客户与新线索"), [(short(activity.theme), effect.attendees) for activity, effect in rows],
                     (_("到场"), _("新线索")), [effect.leads for _activity, effect in rows], maximum=maximum)
