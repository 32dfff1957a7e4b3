"""销售漏斗 from indexes alone: the funnel's grouped queries (period figures, open ones by owner, the
forecast by close month) read every matching opportunity row for columns their index lacked
(archived_at, closed_on, expected_amount, owner_id). The indexes they walk now carry those columns, and
a supervisor's period is one range per member of (owner_id, created_at, …).

Revision ID: 0028
Revises: 0022
"""
from alembic import op

revision = '0028'
down_revision = '0022'
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


def downgrade():
    op.drop_index('ix_opportunity_owner_created', table_name='opportunity')
    for name, (before, _after) in WIDER.items():
        op.drop_index(name, table_name='opportunity')
        op.create_index(name, 'opportunity', before, unique=False)
