"""Expense list indexes (issue 18): made out to a person, so "submitted by me or made out to me" needs no
scan; status with amount, so the approved total of every expense is read from the index alone.

Revision ID: 0021
Revises: 0020
"""
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_expense_person_spent', 'expense', ['person_id', 'spent_on'], unique=False)
    op.create_index('ix_expense_status_amount', 'expense', ['status', 'archived_at', 'amount'], unique=False)


def downgrade():
    op.drop_index('ix_expense_status_amount', table_name='expense')
    op.drop_index('ix_expense_person_spent', table_name='expense')
