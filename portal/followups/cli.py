"""`flask --app wsgi followups mark-dormant`: the scheduled dormancy sweep (run daily, e.g. by cron)."""
import click

from portal import clock
from portal.extensions import db

followups_cli = click.Group("followups", help="跟进记录")


@followups_cli.command("mark-dormant")
def mark_dormant():
    """Flag customers with no interaction for `dormant_days` as 沉睡; running it twice changes nothing."""
    from portal.followups.services import mark_dormant as sweep

    customers = sweep(clock.today())
    db.session.commit()
    click.echo(f"marked {len(customers)} customer(s) dormant")
