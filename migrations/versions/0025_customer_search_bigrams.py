"""Customer search bigrams (issue 18): each pair of adjacent Chinese characters of a customer's search
text, so a keyword of two Chinese characters or more probes the primary key instead of scanning every
search row. Backfilled from customer_search in one statement per database.

Revision ID: 0025
Revises: 0024
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

# Positions 1 .. length - 1 of every search text whose character and the next are both non-ASCII:
# SQLite counts positions with a recursive CTE, PostgreSQL with generate_series.
SQLITE_BACKFILL = """
WITH RECURSIVE position(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM position
                               WHERE n < (SELECT max(length(text)) FROM customer_search))
INSERT INTO customer_search_bigram (bigram, customer_id)
SELECT DISTINCT substr(s.text, p.n, 2), s.customer_id FROM customer_search s JOIN position p ON p.n < length(s.text)
WHERE unicode(substr(s.text, p.n, 1)) > 127 AND unicode(substr(s.text, p.n + 1, 1)) > 127
"""
POSTGRESQL_BACKFILL = """
INSERT INTO customer_search_bigram (bigram, customer_id)
SELECT DISTINCT substr(s.text, p.n, 2), s.customer_id
FROM customer_search s CROSS JOIN LATERAL generate_series(1, length(s.text) - 1) AS p(n)
WHERE ascii(substr(s.text, p.n, 1)) > 127 AND ascii(substr(s.text, p.n + 1, 1)) > 127
"""


def upgrade():
    op.create_table(
        'customer_search_bigram',
        sa.Column('bigram', sa.String(length=2), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_search_bigram_customer_id_customer'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('bigram', 'customer_id', name=op.f('pk_customer_search_bigram')),
        sqlite_with_rowid=False,
    )
    bind = op.get_bind()
    op.execute(SQLITE_BACKFILL if bind.dialect.name == 'sqlite' else POSTGRESQL_BACKFILL)
    op.create_index(op.f('ix_customer_search_bigram_customer_id'), 'customer_search_bigram', ['customer_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_customer_search_bigram_customer_id'), table_name='customer_search_bigram')
    op.drop_table('customer_search_bigram')
