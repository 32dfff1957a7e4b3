"""`flask --app wsgi revisits generate`: the scheduled, time-based revisit triggers."""
import click

from portal import clock
from portal.extensions import db
from portal.revisits.services import generate_periodic_tasks, generate_registration_tasks

revisits_cli = click.Group("revisits", help="回访任务")


@revisits_cli.command("generate")
@click.option("--lookahead", default=7, show_default=True, help="提前生成多少天内到期的任务")
def generate(lookahead: int):
    """Create the revisit tasks now due: first revisits of recent registrations (non-members; members by
    setting), then the periodic ones (every N months; 重点/战略 twice as often). Idempotent."""
    created = generate_registration_tasks(clock.today())
    created += generate_periodic_tasks(clock.today(), lookahead_days=lookahead)
    db.session.commit()
    click.echo(f"created {created} revisit tasks")
