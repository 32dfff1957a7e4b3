"""PostgreSQL: trigram index (pg_trgm) on the customer search rows

Revision ID: 0011
Revises: 0010
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # Declared in portal/models/customers.py (info only_dialect=postgresql). pg_trgm is a trusted
    # extension since PostgreSQL 13: the database owner may create it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index("ix_customer_search_trigram", "customer_search", ["text"], postgresql_using="gin",
                        postgresql_ops={"text": "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_customer_search_trigram", table_name="customer_search")
