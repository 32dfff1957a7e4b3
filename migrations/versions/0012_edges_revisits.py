"""revisit task purpose (one open task per customer and purpose)

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OPEN = "待回访"
TRIGGER_PURPOSES = {"registration": "registration", "deal": "deal", "inactive": "inactive", "dormant": "inactive",
                    "event": "event", "ticket_closed": "event"}
SEGMENT_PURPOSES = {"registration": "registration", "deal": "deal", "inactive": "inactive", "event": "event",
                    "manual": "manual"}


def upgrade():
    with op.batch_alter_table("revisit_task") as batch:
        batch.add_column(sa.Column("purpose", sa.String(length=16), nullable=True))
    task = sa.table("revisit_task", sa.column("id"), sa.column("trigger"), sa.column("plan_id"),
                    sa.column("purpose"), sa.column("customer_id"), sa.column("status"), sa.column("due_on"))
    plan = sa.table("revisit_plan", sa.column("id"), sa.column("segment"))
    for trigger, purpose in TRIGGER_PURPOSES.items():
        op.execute(task.update().where(task.c.trigger == trigger).values(purpose=purpose))
    for segment, purpose in SEGMENT_PURPOSES.items():
        plans = sa.select(plan.c.id).where(plan.c.segment == segment)
        op.execute(task.update().where(task.c.trigger == "plan", task.c.plan_id.in_(plans)).values(purpose=purpose))
    # Open duplicates made before the rule keep no purpose (the index ignores NULL); the one due
    # first keeps it, so new plans and triggers link to that one. Nothing is cancelled here.
    bind = op.get_bind()
    rows = bind.execute(sa.select(task.c.id, task.c.customer_id, task.c.purpose)
                        .where(task.c.status == OPEN, task.c.purpose.is_not(None))
                        .order_by(task.c.customer_id, task.c.purpose, task.c.due_on, task.c.id)).all()
    seen, legacy = set(), []
    for task_id, customer_id, purpose in rows:
        if (customer_id, purpose) in seen:
            legacy.append(task_id)
        seen.add((customer_id, purpose))
    for start in range(0, len(legacy), 500):
        op.execute(task.update().where(task.c.id.in_(legacy[start:start + 500])).values(purpose=None))
    op.create_index("uq_revisit_task_open_purpose", "revisit_task", ["customer_id", "purpose"], unique=True,
                    sqlite_where=sa.text(f"status = '{OPEN}'"), postgresql_where=sa.text(f"status = '{OPEN}'"))


def downgrade():
    op.drop_index("uq_revisit_task_open_purpose", table_name="revisit_task")
    with op.batch_alter_table("revisit_task") as batch:
        batch.drop_column("purpose")
