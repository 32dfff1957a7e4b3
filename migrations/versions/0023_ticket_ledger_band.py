"""The ledger's urgency band on each ticket and the index its default order walks (issue 18: 问题跟踪台账
sorted the whole scope by CASE expressions no index could answer).

Indexes in that order, over all tickets and per status (the ledger filtered by one status).
ledger_band: 2 open with a resolution deadline, 3 open and paused, 4 done with a deadline, 5 done without
(portal.models.tickets.ledger_band); kept on every ORM write by a mapper event.

Revision ID: 0023
Revises: 0022
"""
from alembic import op
import sqlalchemy as sa

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

BACKFILL = (
    "UPDATE ticket SET ledger_band = CASE "
    "WHEN status IN ('已解决', '已回访关闭') THEN CASE WHEN resolve_due_at IS NULL THEN 5 ELSE 4 END "
    "WHEN resolve_due_at IS NULL THEN 3 ELSE 2 END"
)


def upgrade():
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ledger_band', sa.SmallInteger(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.alter_column('ledger_band', existing_type=sa.SmallInteger(), nullable=False)
    op.create_index('ix_ticket_ledger_order', 'ticket',
                    ['ledger_band', 'resolve_due_at', sa.text('received_at DESC'), sa.text('id DESC'),
                     'customer_id', 'department_id', 'assignee_id'])
    op.create_index('ix_ticket_status_ledger_order', 'ticket',
                    ['status', 'ledger_band', 'resolve_due_at', sa.text('received_at DESC'), sa.text('id DESC')])


def downgrade():
    op.drop_index('ix_ticket_status_ledger_order', table_name='ticket')
    op.drop_index('ix_ticket_ledger_order', table_name='ticket')
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_column('ledger_band')
