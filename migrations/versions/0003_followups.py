"""followups area schema

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("contacted_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("is_late", sa.Boolean(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("participants", sa.String(length=256), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("next_action", sa.String(length=256), nullable=False),
        sa.Column("next_action_on", sa.Date(), nullable=True),
        sa.Column("stage_from", sa.String(length=8), nullable=True),
        sa.Column("stage_to", sa.String(length=8), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"], name=op.f("fk_follow_up_author_id_user")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_follow_up_customer_id_customer"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
    )
    op.create_index("ix_follow_up_customer_contacted", "follow_up", ["customer_id", "contacted_at"])
    op.create_index("ix_follow_up_author_contacted", "follow_up", ["author_id", "contacted_at"])
    op.create_index("ix_follow_up_contacted_at", "follow_up", ["contacted_at"])
    op.create_index("ix_follow_up_method", "follow_up", ["method"])
    op.create_index("ix_follow_up_is_late", "follow_up", ["is_late"])

    op.create_table(
        "deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("product", sa.String(length=128), nullable=False),
        sa.Column("payment_status", sa.String(length=8), nullable=False),
        sa.Column("note", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_deal_customer_id_customer"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_deal_owner_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
    )
    op.create_index("ix_deal_customer_signed", "deal", ["customer_id", "signed_on"])
    op.create_index("ix_deal_signed_on", "deal", ["signed_on"])
    op.create_index("ix_deal_owner_signed", "deal", ["owner_id", "signed_on"])


def downgrade():
    op.drop_index("ix_deal_owner_signed", table_name="deal")
    op.drop_index("ix_deal_signed_on", table_name="deal")
    op.drop_index("ix_deal_customer_signed", table_name="deal")
    op.drop_table("deal")
    op.drop_index("ix_follow_up_is_late", table_name="follow_up")
    op.drop_index("ix_follow_up_method", table_name="follow_up")
    op.drop_index("ix_follow_up_contacted_at", table_name="follow_up")
    op.drop_index("ix_follow_up_author_contacted", table_name="follow_up")
    op.drop_index("ix_follow_up_customer_contacted", table_name="follow_up")
    op.drop_table("follow_up")
