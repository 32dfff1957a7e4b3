"""Totals and counts from indexes alone (issue 18): a supervisor's 已批准 expense total reads its
department's amounts from ix_expense_department_status, an admin's 待审批 work-list count the submitter
from ix_expense_status_amount, and the review's monthly order trend status, total and owner from
ix_sales_order_signed_on (each gains trailing columns; their prefixes stay as they were).

Revision ID: 0029
Revises: 0028
"""
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_expense_department_status', table_name='expense')
    op.create_index('ix_expense_department_status', 'expense',
                    ['department_id', 'status', 'spent_on', 'archived_at', 'amount'], unique=False)
    op.drop_index('ix_expense_status_amount', table_name='expense')
    op.create_index('ix_expense_status_amount', 'expense', ['status', 'archived_at', 'amount', 'submitted_by_id'],
                    unique=False)
    op.drop_index('ix_sales_order_signed_on', table_name='sales_order')
    op.create_index('ix_sales_order_signed_on', 'sales_order', ['signed_on', 'id', 'status', 'total', 'owner_id'],
                    unique=False)
    bind = op.get_bind()
    # An analyzed SQLite database (the large demo set) needs statistics for the rebuilt indexes too, as in
    # 0026; PostgreSQL's autovacuum analyzes on its own.
    if bind.dialect.name == 'sqlite' and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        bind.exec_driver_sql('ANALYZE expense')
        bind.exec_driver_sql('ANALYZE sales_order')


def downgrade():
    op.drop_index('ix_sales_order_signed_on', table_name='sales_order')
    op.create_index('ix_sales_order_signed_on', 'sales_order', ['signed_on', 'id'], unique=False)
    op.drop_index('ix_expense_status_amount', table_name='expense')
    op.create_index('ix_expense_status_amount', 'expense', ['status', 'archived_at', 'amount'], unique=False)
    op.drop_index('ix_expense_department_status', table_name='expense')
    op.create_index('ix_expense_department_status', 'expense', ['department_id', 'status', 'spent_on'], unique=False)
