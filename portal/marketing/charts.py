"""The effect chart: attendees and new leads per activity, server-side SVG (same markup in page and PDF)."""
from flask_babel import gettext as _
from markupsafe import Markup

from portal.reports.charts import bar_chart

LABEL_CHARS = 10
# A year holds hundreds of activities: the chart shows those that brought the most leads (then attendees);
# the table below it lists them all.
CHART_ACTIVITIES = 20


def short(theme: str) -> str:
    return theme if len(theme) <= LABEL_CHARS else theme[:LABEL_CHARS - 1] + "…"


def effect_chart(rows) -> Markup | None:
    """Horizontal bars per activity: 到场 and 新线索 (rows of (activity, Effect)), the CHART_ACTIVITIES with the
    most leads in their original order; None without rows."""
    if not rows:
        return None
    if len(rows) > CHART_ACTIVITIES:
        top = sorted(rows, key=lambda row: (row[1].leads, row[1].attendees), reverse=True)[:CHART_ACTIVITIES]
        rows = [row for row in rows if row in top]
    maximum = max([effect.attendees for _activity, effect in rows] + [effect.leads for _activity, effect in rows] + [1])
    return bar_chart(_("活动效果：到场客户与新线索"), [(short(activity.theme), effect.attendees) for activity, effect in rows],
                     (_("到场"), _("新线索")), [effect.leads for _activity, effect in rows], maximum=maximum)
