"""`flask --app wsgi reports snapshot`: recount the usual reviews so the review page never waits (cron)."""
import time

import click
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models.auth import Department
from portal.reports import snapshots
from portal.reports.kpis import Scope, count_kpis
from portal.reports.periods import Period

reports_cli = click.Group("reports", help="考核")


@reports_cli.command("snapshot")
@click.option("--kinds", default="month,quarter", show_default=True, help="统计周期：month,quarter,half,year")
def snapshot_command(kinds: str):
    """Count this and the previous period of each kind for the company and every department."""
    scopes = [Scope("company", "全公司")] + [
        Scope("department", department.name, department=department)
        for department in db.session.scalars(select(Department).order_by(Department.id))
    ]
    started = time.perf_counter()
    stored = 0
    for kind in kinds.split(","):
        current = Period.containing(kind.strip(), clock.today())
        for period in (current, current.previous()):
            for scope in scopes:
                counted_at = clock.now()  # the figures are as of the start of the count, as on the page
                snapshots.store(period, scope, count_kpis(period, scope), counted_at)
                db.session.commit()
                stored += 1
    click.echo(f"{stored} snapshots counted in {time.perf_counter() - started:.1f} s")
