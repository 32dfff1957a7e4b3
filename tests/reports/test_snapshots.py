"""The review page reuses KPI counts for up to review_snapshot_minutes, says when they were counted,
recounts on request, after an issue and when they are too old; the CLI keeps them fresh."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.models.customers import StageChange
from portal.models.reports import KpiSnapshot
from portal.reports.kpis import KpiCounts
from portal.reports.snapshots import counts_from_json, counts_to_json

Q3 = {"kind": "quarter", "year": "2026", "number": "3"}


def sales_q3(world):
    return {**Q3, "scope": f"d{world.sales_dept.id}"}


def lose_c1_in_q3(world):
    """c1 was lost in August after all: Q3 retention of 销售一部 drops from 66.7% to 33.3%."""
    lost = world.customers["c1"]
    db.session.add(StageChange(customer_id=lost.id, from_stage="成交", to_stage="流失", changed_at=datetime(2026, 8, 20)))
    lost.stage = "流失"
    db.session.commit()


def retention_text(client, world) -> str:
    html = client.get("/reports/", query_string=sales_q3(world)).get_data(as_text=True)
    assert "数据统计于" in html
    return "66.7%" if "66.7%" in html else "33.3%" if "33.3%" in html else "?"


def test_page_reuses_recent_counts_and_recounts_when_too_old(review_world, login_as, frozen_now):
    client = login_as(review_world.supervisor)
    html = client.get("/reports/", query_string=sales_q3(review_world)).get_data(as_text=True)
    assert "数据统计于 2026-11-24 10:00" in html and "最多每 10 分钟更新" in html
    assert db.session.scalar(select(func.count()).select_from(KpiSnapshot)) == 2  # Q3 and Q2
    lose_c1_in_q3(review_world)
    frozen_now.shift(timedelta(minutes=9))
    assert retention_text(client, review_world) == "66.7%"  # still the snapshot
    frozen_now.shift(timedelta(minutes=2))
    assert retention_text(client, review_world) == "33.3%"  # 11 minutes old: counted again


def test_recount_button_drops_the_snapshot(review_world, login_as, frozen_now):
    client = login_as(review_world.supervisor)
    assert retention_text(client, review_world) == "66.7%"
    lose_c1_in_q3(review_world)
    response = client.post("/reports/recount", data=sales_q3(review_world))
    assert response.status_code == 303 and "scope=d" in response.headers["Location"]
    assert retention_text(client, review_world) == "33.3%"


def test_issue_counts_live_and_the_page_then_agrees(review_world, login_as, frozen_now):
    client = login_as(review_world.supervisor)
    assert retention_text(client, review_world) == "66.7%"
    lose_c1_in_q3(review_world)
    assert client.post("/reports/issue", data=sales_q3(review_world)).status_code == 303
    html = client.get("/reports/", query_string=sales_q3(review_world)).get_data(as_text=True)
    assert "33.3%" in html and "签发后数值没有变化" in html


def test_zero_minutes_always_counts(review_world, login_as, frozen_now):
    from portal.settings_store import save_setting

    save_setting("review_snapshot_minutes", 0)
    db.session.commit()
    client = login_as(review_world.supervisor)
    assert retention_text(client, review_world) == "66.7%"
    lose_c1_in_q3(review_world)
    assert retention_text(client, review_world) == "33.3%"


def test_cli_counts_company_and_departments_and_the_page_reads_them(review_world, login_as, runner, frozen_now,
                                                                    count_queries):
    result = runner.invoke(args=["reports", "snapshot", "--kinds", "quarter"])
    assert result.exit_code == 0, result.output
    departments = db.session.scalar(select(func.count()).select_from(review_world.sales_dept.__class__))
    # Q4 and Q3, for the company and each department.
    assert db.session.scalar(select(func.count()).select_from(KpiSnapshot)) == 2 * (1 + departments)
    client = login_as(review_world.admin)
    query = {"kind": "quarter", "year": "2026", "number": "4", "scope": "company"}
    client.get("/reports/", query_string=query)  # settings, session and the like are cached after this
    with count_queries() as fresh:
        html = client.get("/reports/", query_string=query).get_data(as_text=True)
    assert "数据统计于 2026-11-24 10:00" in html
    assert not [s for s in fresh.statements if "stage_change" in s or "follow_up" in s]  # no KPI counting


def test_counts_survive_the_json_round_trip():
    from decimal import Decimal

    counts = KpiCounts(numerators={"retention": {7: Decimal("2"), None: Decimal("1.5")}},
                       denominators={"retention": {7: Decimal("3")}})
    again = counts_from_json(counts_to_json(counts))
    assert again.numerators == counts.numerators and again.denominators == counts.denominators
    assert again.figure("retention").value == counts.figure("retention").value
