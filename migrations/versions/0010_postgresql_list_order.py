"""PostgreSQL: an index in the customer list's default order (last contact DESC NULLS LAST, id DESC)

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    # Declared in portal/models/customers.py (info only_dialect=postgresql); SQLite cannot express
    # NULLS LAST in an index and walks ix_customer_list_order backwards instead.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_customer_recent_first", "customer",
                        [sa.text("last_contacted_at DESC NULLS LAST"), sa.text("id DESC")])


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_customer_recent_first", table_name="customer")
