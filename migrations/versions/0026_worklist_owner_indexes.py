"""Work-list indexes (issue 13): each section's count is read from an index that holds every column
it tests, never from the wide customer, ticket or task rows.

- (owner, next due, archived, stage): a supervisor's team overdue ladder counted 15,867 overdue files
  of 销售一部 through the table (24 ms warm, 100 ms cold); from this index 2.3 ms.
- (owner, last touch = coalesce(last contact, created), archived, stage, grade): 即将沉睡 and
  即将退回公海 seek the last-touch window instead of reading all 3,764 files of a busy rep.
- (owner, archived, stage, key-contact birthday, company anniversary): 关怀日期 and the care
  suggestions match month and day, which no index can seek; they scan the owner's index entries.
- tickets by status and the breach, escalation and dispatch columns (with the scope's customer and
  department): 超时与升级工单 counts 50,000 tickets from the index (39 -> 3.3 ms; none matched).
- revisit tasks by (assignee, status, due) gain the customer: a 客服 supervisor's team count of
  3,804 open tasks joins the customer without reading the task rows (11.4 -> 3.0 ms).

Revision ID: 0026
Revises: 0025
"""
from alembic import op
import sqlalchemy as sa

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_customer_owner_due_active', 'customer',
                    ['owner_id', 'next_due_on', 'archived_at', 'stage'], unique=False)
    op.create_index('ix_customer_owner_last_touch', 'customer',
                    ['owner_id', sa.text('coalesce(last_contacted_at, created_at)'), 'archived_at', 'stage',
                     'grade'], unique=False)
    op.create_index('ix_customer_owner_care_dates', 'customer',
                    ['owner_id', 'archived_at', 'stage', 'key_contact_birthday', 'company_anniversary'],
                    unique=False)
    op.create_index('ix_ticket_attention', 'ticket',
                    ['status', 'response_breached_at', 'resolve_breached_at', 'escalated_at', 'dispatch_state',
                     'confirm_escalation_level', 'customer_id', 'department_id'], unique=False)
    replace_revisit_task_index(['assignee_id', 'status', 'due_on', 'customer_id'])
    refresh_sqlite_statistics('customer', 'revisit_task', 'ticket')


def refresh_sqlite_statistics(*tables):
    """An analyzed SQLite database (the large demo set) gets statistics for the new indexes too: without
    them the planner sorted all 3,804 of a team's open revisit tasks (23 ms) instead of walking
    ix_revisit_task_status_due (0.03 ms). PostgreSQL's autovacuum analyzes on its own."""
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        for table in tables:
            bind.exec_driver_sql(f'ANALYZE {table}')


def replace_revisit_task_index(columns):
    op.drop_index('ix_revisit_task_assignee_status_due', table_name='revisit_task')
    op.create_index('ix_revisit_task_assignee_status_due', 'revisit_task', columns, unique=False)


def downgrade():
    replace_revisit_task_index(['assignee_id', 'status', 'due_on'])
    op.drop_index('ix_ticket_attention', table_name='ticket')
    op.drop_index('ix_customer_owner_care_dates', table_name='customer')
    op.drop_index('ix_customer_owner_last_touch', table_name='customer')
    op.drop_index('ix_customer_owner_due_active', table_name='customer')
