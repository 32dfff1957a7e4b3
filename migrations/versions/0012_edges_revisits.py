"""revisit task purpose (one open task per customer and purpose); review outcomes 奖惩

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

    with op.batch_alter_table("issued_review") as batch:
        batch.add_column(sa.Column("outcomes_confirmed_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("outcomes_confirmed_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_issued_review_outcomes_confirmed_by_id_user"), "user",
                                 ["outcomes_confirmed_by_id"], ["id"])
    op.create_table(
        "review_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issued_review_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["issued_review_id"], ["issued_review.id"],
                                name=op.f("fk_review_outcome_issued_review_id_issued_review")),
        sa.ForeignKeyConstraint(["employee_id"], ["user.id"], name=op.f("fk_review_outcome_employee_id_user")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user.id"], name=op.f("fk_review_outcome_recorded_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_outcome")),
        sa.UniqueConstraint("issued_review_id", "employee_id", name="uq_review_outcome_employee"),
    )
    op.create_index("ix_review_outcome_employee", "review_outcome", ["employee_id"])


def downgrade():
    op.drop_index("ix_review_outcome_employee", table_name="review_outcome")
    op.drop_table("review_outcome")
    with op.batch_alter_table("issued_review") as batch:
        batch.drop_constraint(op.f("fk_issued_review_outcomes_confirmed_by_id_user"), type_="foreignkey")
        batch.drop_column("outcomes_confirmed_by_id")
        batch.drop_column("outcomes_confirmed_at")
    op.drop_index("uq_revisit_task_open_purpose", table_name="revisit_task")
    with op.batch_alter_table("revisit_task") as batch:
        batch.drop_column("purpose")
