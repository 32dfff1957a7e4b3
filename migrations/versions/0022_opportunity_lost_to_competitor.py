"""Opportunities lost to a 竞争对手 record: the link, its index, and the existing lost ones whose winner's
name is a competitor record's name linked to it (issues 13, 14: lost-to counts per competitor).

Revision ID: 0022
Revises: 0021
"""
from alembic import op
import sqlalchemy as sa

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lost_to_competitor_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_opportunity_lost_to_competitor_id_competitor'), 'competitor',
                                    ['lost_to_competitor_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_opportunity_lost_to', ['lost_to_competitor_id', 'closed_on'], unique=False)
    op.execute("UPDATE opportunity SET lost_to_competitor_id = "
               "(SELECT competitor.id FROM competitor WHERE competitor.name = opportunity.lost_to) "
               "WHERE opportunity.lost_to <> ''")


def downgrade():
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_lost_to')
        batch_op.drop_constraint(batch_op.f('fk_opportunity_lost_to_competitor_id_competitor'), type_='foreignkey')
        batch_op.drop_column('lost_to_competitor_id')
