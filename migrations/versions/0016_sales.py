"""sales: products, opportunities with stage history, quotes, orders with lines, payment plans,
payments, invoices and the after-sales handover; the 成交记录 (deal) rows become orders.

Every deal becomes the order with the SAME id (so revisit tasks keyed `deal:<id>` still point at the
same sale), number DD + signing day + sequence (in deal id order), one line (product text, quantity 1,
the amount), a one-instalment plan due on the signing day, and the same owner, customer, dates and
note. A 已付清 deal gets a payment of its whole amount on its signing day (token `deal-<id>`) and the
status 已完成; a 部分付款 deal keeps that word in the order note (the paid part was never recorded, so
no figure is invented); 未付款 stays fully receivable. Cost is unknown for old deals and set to 0.

Revision ID: 0016
Revises: 0011
"""
from collections import defaultdict
from decimal import Decimal

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_number_sequence',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_order_number_sequence'))
    )
    op.create_table('product',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('product_version', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.String(length=8), nullable=False),
    sa.Column('standard_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('floor_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('materials', sa.Text(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product')),
    sa.UniqueConstraint('code', 'product_version', name='uq_product_code_version')
    )
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.create_index('ix_product_category', ['category'], unique=False)
        batch_op.create_index('ix_product_status_name', ['status', 'name'], unique=False)

    op.create_table('opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('products_of_interest', sa.String(length=256), nullable=False),
    sa.Column('expected_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('expected_close_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('competitors', sa.String(length=256), nullable=False),
    sa.Column('next_step', sa.String(length=256), nullable=False),
    sa.Column('stage', sa.String(length=8), nullable=False),
    sa.Column('stage_changed_at', sa.DateTime(), nullable=False),
    sa.Column('loss_reason', sa.String(length=8), nullable=True),
    sa.Column('lost_at_stage', sa.String(length=8), nullable=True),
    sa.Column('lost_to', sa.String(length=128), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_opportunity_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_opportunity_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity'))
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_closed_on', ['closed_on', 'stage'], unique=False)
        batch_op.create_index('ix_opportunity_customer', ['customer_id', 'created_at'], unique=False)
        batch_op.create_index('ix_opportunity_owner_stage', ['owner_id', 'stage', 'expected_close_on'], unique=False)
        batch_op.create_index('ix_opportunity_stage_close', ['stage', 'expected_close_on'], unique=False)
        batch_op.create_index('ix_opportunity_updated', ['updated_at', 'id'], unique=False)
        batch_op.create_index('ix_opportunity_funnel', ['created_at', 'stage', 'lost_at_stage', 'expected_amount', 'loss_reason'], unique=False)

    op.create_table('opportunity_stage_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=8), nullable=True),
    sa.Column('to_stage', sa.String(length=8), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_opportunity_stage_change_changed_by_id_user')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_opportunity_stage_change_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_stage_change'))
    )
    with op.batch_alter_table('opportunity_stage_change', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_stage_change_at', ['changed_at', 'to_stage'], unique=False)
        batch_op.create_index('ix_opportunity_stage_change_opp', ['opportunity_id', 'changed_at'], unique=False)

    op.create_table('quote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('quoted_on', sa.Date(), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('note', sa.String(length=256), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.String(length=256), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_quote_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_quote_decided_by_id_user')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_quote_opportunity_id_opportunity')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_quote_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote'))
    )
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.create_index('ix_quote_customer', ['customer_id', 'quoted_on'], unique=False)
        batch_op.create_index('ix_quote_opportunity', ['opportunity_id'], unique=False)
        batch_op.create_index('ix_quote_status_created', ['status', 'created_at'], unique=False)

    op.create_table('sales_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('total', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('received_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('invoiced_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('note', sa.String(length=256), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('invoiced_amount <= total', name=op.f('ck_sales_order_invoiced_within_total')),
    sa.CheckConstraint('received_amount <= total', name=op.f('ck_sales_order_received_within_total')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_sales_order_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_sales_order_opportunity_id_opportunity')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_sales_order_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order')),
    sa.UniqueConstraint('number', name=op.f('uq_sales_order_number'))
    )
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.create_index('ix_sales_order_customer_signed', ['customer_id', 'signed_on'], unique=False)
        batch_op.create_index('ix_sales_order_owner_signed', ['owner_id', 'signed_on'], unique=False)
        batch_op.create_index('ix_sales_order_signed_on', ['signed_on', 'id'], unique=False)
        batch_op.create_index('ix_sales_order_status_signed', ['status', 'signed_on'], unique=False)

    op.create_table('after_sales_handover',
    sa.Column('customer_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('first_order_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('named_by_id', sa.Integer(), nullable=True),
    sa.Column('named_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_after_sales_handover_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['first_order_id'], ['sales_order.id'], name=op.f('fk_after_sales_handover_first_order_id_sales_order')),
    sa.ForeignKeyConstraint(['named_by_id'], ['user.id'], name=op.f('fk_after_sales_handover_named_by_id_user')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_after_sales_handover_owner_id_user')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_after_sales_handover'))
    )
    with op.batch_alter_table('after_sales_handover', schema=None) as batch_op:
        batch_op.create_index('ix_after_sales_owner', ['owner_id', 'customer_id'], unique=False)
        batch_op.create_index('ix_after_sales_pending', ['named_at', 'created_at'], unique=False)

    op.create_table('invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_invoice_order_id_sales_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice')),
    sa.UniqueConstraint('token', name=op.f('uq_invoice_token'))
    )
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_issued_on', ['issued_on', 'order_id'], unique=False)
        batch_op.create_index('ix_invoice_order', ['order_id', 'issued_on'], unique=False)

    op.create_table('order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('product_name', sa.String(length=160), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('discount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_order_line_order_id_sales_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_order_line_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_line'))
    )
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_line_product_id'), ['product_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=4), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('note', sa.String(length=256), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_payment_order_id_sales_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_payment_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('token', name=op.f('uq_payment_token'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ix_payment_order_paid', ['order_id', 'paid_on'], unique=False)
        batch_op.create_index('ix_payment_paid_on', ['paid_on', 'order_id'], unique=False)

    op.create_table('payment_instalment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('paid_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('settled', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_payment_instalment_order_id_sales_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_payment_instalment_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_instalment'))
    )
    with op.batch_alter_table('payment_instalment', schema=None) as batch_op:
        batch_op.create_index('ix_instalment_open_due', ['settled', 'due_on'], unique=False)
        batch_op.create_index('ix_instalment_open_ageing', ['settled', 'owner_id', 'due_on', 'amount', 'paid_amount', 'order_id'], unique=False)
        batch_op.create_index('ix_instalment_order_due', ['order_id', 'due_on'], unique=False)
        batch_op.create_index('ix_instalment_owner_open_due', ['owner_id', 'settled', 'due_on'], unique=False)

    op.create_table('quote_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quote_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('product_name', sa.String(length=160), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('discount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('standard_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('floor_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('below_floor', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_quote_line_product_id_product')),
    sa.ForeignKeyConstraint(['quote_id'], ['quote.id'], name=op.f('fk_quote_line_quote_id_quote'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quote_line'))
    )
    with op.batch_alter_table('quote_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quote_line_quote_id'), ['quote_id'], unique=False)

    op.create_table('sales_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_sales_target_set_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sales_target_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_target')),
    sa.UniqueConstraint('user_id', 'month', name='uq_sales_target_user_month')
    )
    op.create_index('ix_sales_target_month', 'sales_target', ['month', 'user_id'], unique=False)
    op.create_table('expense',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=8), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=256), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('activity', sa.String(length=128), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_note', sa.String(length=256), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_expense_customer_id_customer')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_expense_decided_by_id_user')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_expense_department_id_department')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_expense_order_id_sales_order')),
    sa.ForeignKeyConstraint(['person_id'], ['user.id'], name=op.f('fk_expense_person_id_user')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user.id'], name=op.f('fk_expense_submitted_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense'))
    )
    op.create_index('ix_expense_category', 'expense', ['category', 'spent_on'], unique=False)
    op.create_index('ix_expense_customer', 'expense', ['customer_id'], unique=False)
    op.create_index('ix_expense_department_status', 'expense', ['department_id', 'status', 'spent_on'], unique=False)
    op.create_index('ix_expense_order', 'expense', ['order_id'], unique=False)
    op.create_index('ix_expense_spent_on', 'expense', ['spent_on', 'id'], unique=False)
    op.create_index('ix_expense_status_created', 'expense', ['status', 'created_at'], unique=False)
    op.create_index('ix_expense_submitter_spent', 'expense', ['submitted_by_id', 'spent_on'], unique=False)

    deals_to_orders()
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deal_customer_signed'))
        batch_op.drop_index(batch_op.f('ix_deal_owner_signed'))
        batch_op.drop_index(batch_op.f('ix_deal_signed_on'))

    op.drop_table('deal')


def deals_to_orders():
    bind = op.get_bind()
    meta = sa.MetaData()
    deal = sa.Table("deal", meta, autoload_with=bind)
    order = sa.Table("sales_order", meta, autoload_with=bind)
    line = sa.Table("order_line", meta, autoload_with=bind)
    instalment = sa.Table("payment_instalment", meta, autoload_with=bind)
    payment = sa.Table("payment", meta, autoload_with=bind)
    sequence = sa.Table("order_number_sequence", meta, autoload_with=bind)
    per_day = defaultdict(int)
    orders, lines, plans, payments = [], [], [], []
    for d in bind.execute(sa.select(deal).order_by(deal.c.id)).mappings():
        per_day[d["signed_on"]] += 1
        amount = Decimal(d["amount"])
        paid = d["payment_status"] == "已付清"
        note = d["note"] or ""
        if d["payment_status"] == "部分付款":
            note = (note + "（原付款状态：部分付款）").strip()[:256]
        received = amount if paid else Decimal("0.00")
        orders.append(dict(id=d["id"], number=f"DD{d['signed_on']:%Y%m%d}{per_day[d['signed_on']]:03d}",
                           customer_id=d["customer_id"], owner_id=d["owner_id"], opportunity_id=None,
                           signed_on=d["signed_on"], total=amount, cost=Decimal("0.00"), received_amount=received,
                           invoiced_amount=Decimal("0.00"), status="已完成" if paid else "执行中", note=note,
                           cancelled_at=None, created_at=d["created_at"], updated_at=d["updated_at"], version=1))
        lines.append(dict(order_id=d["id"], product_id=None, product_name=d["product"], quantity=Decimal("1"),
                          unit_price=amount, discount=Decimal("0.00"), amount=amount, unit_cost=Decimal("0.00")))
        plans.append(dict(order_id=d["id"], owner_id=d["owner_id"], due_on=d["signed_on"], amount=amount,
                          paid_amount=received, settled=paid, note="", created_at=d["created_at"],
                          updated_at=d["updated_at"]))
        if paid:
            payments.append(dict(order_id=d["id"], kind="回款", paid_on=d["signed_on"], amount=amount, method="其他",
                                 note="由成交记录迁移（已付清）", token=f"deal-{d['id']}", recorded_by_id=None,
                                 created_at=d["created_at"], updated_at=d["updated_at"]))
    for table, rows in ((order, orders), (line, lines), (instalment, plans), (payment, payments)):
        for start in range(0, len(rows), 5000):
            bind.execute(table.insert(), rows[start:start + 5000])
    if per_day:
        bind.execute(sequence.insert(), [dict(day=day, last_seq=n) for day, n in per_day.items()])
    if orders and bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('sales_order', 'id'), "
                             "(SELECT max(id) FROM sales_order))"))


def orders_to_deals():
    """Downgrade: each order back to a deal (first line's product, total, payment status from received)."""
    bind = op.get_bind()
    meta = sa.MetaData()
    deal = sa.Table("deal", meta, autoload_with=bind)
    order = sa.Table("sales_order", meta, autoload_with=bind)
    line = sa.Table("order_line", meta, autoload_with=bind)
    first_line = (sa.select(line.c.product_name).where(line.c.order_id == order.c.id)
                  .order_by(line.c.id).limit(1).scalar_subquery())
    rows = []
    for o in bind.execute(sa.select(order, first_line.label("product"))).mappings():
        status = "已付清" if o["received_amount"] >= o["total"] else "部分付款" if o["received_amount"] else "未付款"
        rows.append(dict(id=o["id"], customer_id=o["customer_id"], owner_id=o["owner_id"], amount=o["total"],
                         signed_on=o["signed_on"], product=(o["product"] or "")[:128], payment_status=status,
                         note=o["note"][:256], created_at=o["created_at"], updated_at=o["updated_at"], version=1))
    if rows:
        bind.execute(deal.insert(), rows)


def downgrade():
    op.drop_table('sales_target')
    op.drop_table('expense')
    op.create_table('deal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('product', sa.String(length=128), nullable=False),
    sa.Column('payment_status', sa.String(length=8), nullable=False),
    sa.Column('note', sa.String(length=256), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_deal_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_deal_owner_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deal'))
    )
    with op.batch_alter_table('deal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deal_signed_on'), ['signed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_owner_signed'), ['owner_id', 'signed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_deal_customer_signed'), ['customer_id', 'signed_on'], unique=False)
    orders_to_deals()

    with op.batch_alter_table('quote_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quote_line_quote_id'))

    op.drop_table('quote_line')
    with op.batch_alter_table('payment_instalment', schema=None) as batch_op:
        batch_op.drop_index('ix_instalment_owner_open_due')
        batch_op.drop_index('ix_instalment_order_due')
        batch_op.drop_index('ix_instalment_open_due')

    op.drop_table('payment_instalment')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_paid_on')
        batch_op.drop_index('ix_payment_order_paid')

    op.drop_table('payment')
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_line_product_id'))
        batch_op.drop_index(batch_op.f('ix_order_line_order_id'))

    op.drop_table('order_line')
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_order')
        batch_op.drop_index('ix_invoice_issued_on')

    op.drop_table('invoice')
    with op.batch_alter_table('after_sales_handover', schema=None) as batch_op:
        batch_op.drop_index('ix_after_sales_pending')
        batch_op.drop_index('ix_after_sales_owner')

    op.drop_table('after_sales_handover')
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_index('ix_sales_order_status_signed')
        batch_op.drop_index('ix_sales_order_signed_on')
        batch_op.drop_index('ix_sales_order_owner_signed')
        batch_op.drop_index('ix_sales_order_customer_signed')

    op.drop_table('sales_order')
    with op.batch_alter_table('quote', schema=None) as batch_op:
        batch_op.drop_index('ix_quote_status_created')
        batch_op.drop_index('ix_quote_opportunity')
        batch_op.drop_index('ix_quote_customer')

    op.drop_table('quote')
    with op.batch_alter_table('opportunity_stage_change', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_stage_change_opp')
        batch_op.drop_index('ix_opportunity_stage_change_at')

    op.drop_table('opportunity_stage_change')
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_updated')
        batch_op.drop_index('ix_opportunity_stage_close')
        batch_op.drop_index('ix_opportunity_owner_stage')
        batch_op.drop_index('ix_opportunity_customer')
        batch_op.drop_index('ix_opportunity_closed_on')

    op.drop_table('opportunity')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index('ix_product_status_name')
        batch_op.drop_index('ix_product_category')

    op.drop_table('product')
    op.drop_table('order_number_sequence')
