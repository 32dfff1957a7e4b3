"""The effect chart of a year of activities shows the 20 that brought the most leads, in the table's order."""
from types import SimpleNamespace

from portal.marketing.charts import CHART_ACTIVITIES, effect_chart
from portal.rules.attribution import Effect


def test_chart_keeps_the_activities_with_most_leads(app):
    rows = [(SimpleNamespace(theme=f"活动{n:02d}"), Effect(activity_id=n, attendees=50, leads=n % 30)) for n in range(60)]
    with app.test_request_context():
        svg = str(effect_chart(rows))
    shown = [n for n in range(60) if f"活动{n:02d}" in svg]
    assert len(shown) == CHART_ACTIVITIES == 20
    # leads = n % 30: the 20 largest are 29..20 leads, i.e. activities 20–29 and 50–59.
    assert shown == list(range(20, 30)) + list(range(50, 60))


def test_a_few_activities_are_all_drawn(app):
    rows = [(SimpleNamespace(theme=f"活动{n}"), Effect(activity_id=n, attendees=5, leads=0)) for n in range(3)]
    with app.test_request_context():
        svg = str(effect_chart(rows))
    assert all(f"活动{n}" in svg for n in range(3))
