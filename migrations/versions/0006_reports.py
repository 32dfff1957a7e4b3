"""reports area schema

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "issued_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_kind", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("scope_kind", sa.String(length=16), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=True),
        sa.Column("scope_label", sa.String(length=128), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"], name=op.f("fk_issued_review_department_id_department")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["user.id"], name=op.f("fk_issued_review_issued_by_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_review")),
    )
    op.create_index("ix_issued_review_scope_period", "issued_review", ["scope_kind", "scope_id", "period_start"])
    op.create_index("ix_issued_review_department_issued_at", "issued_review", ["department_id", "issued_at"])
    # Filters of the review on other areas' tables (declared in portal/models/reports.py).
    op.create_index("ix_follow_up_next_action_author", "follow_up", ["next_action_on", "author_id", "customer_id", "contacted_at"])
    op.create_index("ix_follow_up_author_next_action", "follow_up", ["author_id", "next_action_on", "customer_id", "contacted_at"])
    op.create_index("ix_ticket_resolved_at", "ticket", ["resolved_at"])


def downgrade():
    op.drop_index("ix_ticket_resolved_at", table_name="ticket")
    op.drop_index("ix_follow_up_author_next_action", table_name="follow_up")
    op.drop_index("ix_follow_up_next_action_author", table_name="follow_up")
    op.drop_index("ix_issued_review_department_issued_at", table_name="issued_review")
    op.drop_index("ix_issued_review_scope_period", table_name="issued_review")
    op.drop_table("issued_review")
