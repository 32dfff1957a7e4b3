"""follow-up list: the contact-time index also holds the id tie-break and the customer (issue 6)

The follow-up list walks follow-ups newest contact first and keeps those whose customer is in the
user's scope. With only contacted_at in the index, each entry walked costs a table read to learn its
customer: cheap when the scope is a large share of all follow-ups, but a user whose customers have few
follow-ups walks far (1.5 s over 1M rows for an empty scope). With (contacted_at, id, customer_id) the
walk never leaves the index (70 ms in that worst case, 4 ms for a rep's own customers) and the
(contacted_at desc, id desc) order needs no sort. It replaces ix_follow_up_contacted_at: same
leading column, so date-range reads keep using it.

Revision ID: 0008
Revises: 0007
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_follow_up_contacted_order", "follow_up", ["contacted_at", "id", "customer_id"], unique=False)
    op.drop_index("ix_follow_up_contacted_at", table_name="follow_up")


def downgrade():
    op.create_index("ix_follow_up_contacted_at", "follow_up", ["contacted_at"], unique=False)
    op.drop_index("ix_follow_up_contacted_order", table_name="follow_up")
