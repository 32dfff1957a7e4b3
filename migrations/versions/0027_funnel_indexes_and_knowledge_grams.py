"""销售漏斗 from indexes alone: the funnel's grouped queries (period figures, open ones by owner, the
forecast by close month) read every matching opportunity row for columns their index lacked
(archived_at, closed_on, expected_amount, owner_id). The indexes they walk now carry those columns, and
a supervisor's period is one range per member of (owner_id, created_at, …).

知识库 search and suggestions: knowledge_gram holds the one- and two-character pieces with a Chinese
character (portal.models.knowledge.search_grams) of each document's search text and each article's
search head, backfilled here from the search rows in SQL.

Revision ID: 0027
Revises: 0026
"""
from alembic import op
import sqlalchemy as sa

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

PERIOD = ['stage', 'lost_at_stage', 'expected_amount', 'loss_reason', 'closed_on', 'archived_at']
WIDER = {
    'ix_opportunity_funnel': (['created_at', 'stage', 'lost_at_stage', 'expected_amount', 'loss_reason'],
                              ['created_at', *PERIOD, 'owner_id']),
    'ix_opportunity_stage_close': (['stage', 'expected_close_on'],
                                   ['stage', 'expected_close_on', 'archived_at', 'expected_amount']),
    'ix_opportunity_owner_stage': (['owner_id', 'stage', 'expected_close_on'],
                                   ['owner_id', 'stage', 'expected_close_on', 'archived_at', 'expected_amount']),
}


def upgrade():
    for name, (_before, after) in WIDER.items():
        op.drop_index(name, table_name='opportunity')
        op.create_index(name, 'opportunity', after, unique=False)
    op.create_index('ix_opportunity_owner_created', 'opportunity', ['owner_id', 'created_at', *PERIOD], unique=False)
    op.create_table('knowledge_gram',
                    sa.Column('kind', sa.String(length=1), nullable=False),
                    sa.Column('gram', sa.String(length=2), nullable=False),
                    sa.Column('record_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.PrimaryKeyConstraint('kind', 'gram', 'record_id', name=op.f('pk_knowledge_gram')),
                    sqlite_with_rowid=False)
    grams = GRAMS_SQLITE if op.get_bind().dialect.name == 'sqlite' else GRAMS_POSTGRESQL
    for kind, source in (('d', 'text'), ('a', 'head')):
        op.execute(grams.replace('{kind}', kind).replace('{source}', source))


# Every non-ASCII character and every two-character piece holding one (no space) of one kind's search
# text (documents) or head (articles), as search_grams() makes them: SQLite walks positions with a
# recursive CTE, PostgreSQL with generate_series; code points from unicode() / ascii().
GRAMS_SQLITE = """
WITH RECURSIVE position(n) AS (
    SELECT 1 UNION ALL SELECT n + 1 FROM position
    WHERE n < (SELECT max(length({source})) FROM knowledge_search WHERE kind = '{kind}'))
INSERT INTO knowledge_gram (kind, gram, record_id)
SELECT DISTINCT '{kind}', gram, record_id FROM (
    SELECT s.record_id, substr(s.{source}, p.n, 1) AS gram FROM knowledge_search s JOIN position p ON p.n <= length(s.{source})
    WHERE s.kind = '{kind}' AND unicode(substr(s.{source}, p.n, 1)) > 127
    UNION ALL
    SELECT s.record_id, substr(s.{source}, p.n, 2) FROM knowledge_search s JOIN position p ON p.n < length(s.{source})
    WHERE s.kind = '{kind}' AND instr(substr(s.{source}, p.n, 2), ' ') = 0
      AND (unicode(substr(s.{source}, p.n, 1)) > 127 OR unicode(substr(s.{source}, p.n + 1, 1)) > 127))
"""
GRAMS_POSTGRESQL = """
INSERT INTO knowledge_gram (kind, gram, record_id)
SELECT DISTINCT '{kind}', gram, record_id FROM (
    SELECT s.record_id, substr(s.{source}, n, 1) AS gram FROM knowledge_search s, generate_series(1, length(s.{source})) AS n
    WHERE s.kind = '{kind}' AND ascii(substr(s.{source}, n, 1)) > 127
    UNION ALL
    SELECT s.record_id, substr(s.{source}, n, 2) FROM knowledge_search s, generate_series(1, length(s.{source}) - 1) AS n
    WHERE s.kind = '{kind}' AND position(' ' in substr(s.{source}, n, 2)) = 0
      AND (ascii(substr(s.{source}, n, 1)) > 127 OR ascii(substr(s.{source}, n + 1, 1)) > 127)) AS pieces
"""


def downgrade():
    op.drop_table('knowledge_gram')
    op.drop_index('ix_opportunity_owner_created', table_name='opportunity')
    for name, (before, _after) in WIDER.items():
        op.drop_index(name, table_name='opportunity')
        op.create_index(name, 'opportunity', before, unique=False)
