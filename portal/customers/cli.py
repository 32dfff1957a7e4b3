"""`flask --app wsgi customers return-to-pool`: the scheduled auto-return rule (DESIGN.md 公海)."""
import click

from portal.customers.services import return_to_pool
from portal.extensions import db
from portal.settings_store import load_settings

customers_cli = click.Group("customers", help="客户档案")


@customers_cli.command("return-to-pool")
@click.option("--dry-run", is_flag=True, help="只列出将被回收的客户，不写入")
def return_to_pool_command(dry_run: bool):
    """Move sales customers not followed up within pool_return_days back to the public pool."""
    settings = load_settings()
    if not settings.get("pool_return_enabled"):
        click.echo("pool return is off (setting pool_return_enabled); nothing moved")
        return
    moved = return_to_pool(settings)
    for customer in moved:
        click.echo(f"{customer.code} {customer.name}")
    if dry_run:
        db.session.rollback()
        click.echo(f"{len(moved)} customers would return to the pool (dry run)")
        return
    db.session.commit()
    click.echo(f"{len(moved)} customers returned to the pool")


@customers_cli.command("score-health")
def score_health_command():
    """Score every customer's health 客户健康度, keep the monthly history, raise/escalate churn warnings."""
    from portal.customer_health.services import score_all

    result = score_all()
    click.echo(f"{result['customers']} customers scored in {result['seconds']} s "
               f"(reading {result['read_seconds']} s, longest write transaction {result['longest_write_seconds']} s); "
               f"warnings raised {result['raised']}, "
               f"recovered {result['recovered']}, escalated {result['escalated']}")
