"""customers area schema: code sequence per year, narrow search table, ownership history

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "customer_code_sequence",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_customer_code_sequence")),
    )
    op.create_table(
        "customer_search",
        sa.Column("customer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_customer_search_customer_id_customer"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_search")),
    )
    op.create_table(
        "owner_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("from_owner_id", sa.Integer(), nullable=True),
        sa.Column("to_owner_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=256), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["changed_by_id"], ["user.id"], name=op.f("fk_owner_change_changed_by_id_user")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_owner_change_customer_id_customer"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["from_owner_id"], ["user.id"], name=op.f("fk_owner_change_from_owner_id_user")),
        sa.ForeignKeyConstraint(["to_owner_id"], ["user.id"], name=op.f("fk_owner_change_to_owner_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_change")),
    )
    with op.batch_alter_table("owner_change", schema=None) as batch_op:
        batch_op.create_index("ix_owner_change_customer_changed_at", ["customer_id", "changed_at"], unique=False)
    # Pool list and the return-to-pool command filter on these.
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_index("ix_customer_pool_since", ["pool_since"], unique=False)
        batch_op.create_index("ix_customer_is_member", ["is_member"], unique=False)
        batch_op.create_index("ix_customer_name", ["name"], unique=False)
        batch_op.create_index("ix_customer_merged_into_id", ["merged_into_id"], unique=False)
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index("ix_contact_name", ["name"], unique=False)


def downgrade():
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_name")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index("ix_customer_merged_into_id")
        batch_op.drop_index("ix_customer_name")
        batch_op.drop_index("ix_customer_is_member")
        batch_op.drop_index("ix_customer_pool_since")
    with op.batch_alter_table("owner_change", schema=None) as batch_op:
        batch_op.drop_index("ix_owner_change_customer_changed_at")
    op.drop_table("owner_change")
    op.drop_table("customer_search")
    op.drop_table("customer_code_sequence")
