"""customer list: one index that walks the default order and answers its filters (issue 6)

The list is sorted by last contact (newest first, then id). The old single-column index made deep
pages and the overdue filter fetch every skipped row from the table; this index holds the sort key,
the id tie-break and the columns the list filters on (archived_at, next_due_on, owner_id), so
SQLite walks it in order and stops after a page plus one row. It replaces ix_customer_last_contacted
(same leading column, so every other use of that index is served by this one).

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_customer_list_order", "customer",
                    ["last_contacted_at", "id", "archived_at", "next_due_on", "owner_id"], unique=False)
    op.drop_index("ix_customer_last_contacted", table_name="customer")


def downgrade():
    op.create_index("ix_customer_last_contacted", "customer", ["last_contacted_at"], unique=False)
    op.drop_index("ix_customer_list_order", table_name="customer")
