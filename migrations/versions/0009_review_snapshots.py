"""review snapshots and the indexes of the review's customer counts

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kpi_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope_key", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_snapshot")),
        sa.UniqueConstraint("scope_key", "period_start", "period_end", name=op.f("uq_kpi_snapshot_scope_key")),
    )
    # Declared in portal/models/reports.py (the review is their only user).
    op.create_index("ix_customer_review", "customer",
                    ["owner_id", "stage", "created_at", "archived_at", "merged_into_id"])
    op.create_index("ix_stage_change_changed_customer", "stage_change", ["changed_at", "customer_id"])


def downgrade():
    op.drop_index("ix_stage_change_changed_customer", table_name="stage_change")
    op.drop_index("ix_customer_review", table_name="customer")
    op.drop_table("kpi_snapshot")
