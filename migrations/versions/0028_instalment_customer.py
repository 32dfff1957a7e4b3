"""Open instalments per customer for the ageing table (issues 13, 18): each instalment carries its order's
customer (copied on write, moved by a customer merge), filled here from the orders, and an index that
groups the open ones per customer without reading the orders.

Revision ID: 0028
Revises: 0027
"""
from alembic import op
import sqlalchemy as sa

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payment_instalment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
    op.execute("UPDATE payment_instalment SET customer_id = "
               "(SELECT sales_order.customer_id FROM sales_order WHERE sales_order.id = payment_instalment.order_id)")
    with op.batch_alter_table('payment_instalment', schema=None) as batch_op:
        batch_op.alter_column('customer_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_payment_instalment_customer_id_customer'), 'customer',
                                    ['customer_id'], ['id'])
        batch_op.create_index('ix_instalment_open_customer',
                              ['settled', 'customer_id', 'owner_id', 'due_on', 'amount', 'paid_amount'], unique=False)


def downgrade():
    with op.batch_alter_table('payment_instalment', schema=None) as batch_op:
        batch_op.drop_index('ix_instalment_open_customer')
        batch_op.drop_constraint(batch_op.f('fk_payment_instalment_customer_id_customer'), type_='foreignkey')
        batch_op.drop_column('customer_id')
