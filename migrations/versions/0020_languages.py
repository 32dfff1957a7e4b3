"""Interface language per user; search rows in simplified characters so 繁體 and 简体 keywords find
the same customers, articles and documents.

Revision ID: 0020
Revises: 0017
"""
from alembic import op
import sqlalchemy as sa

from portal.i18n import to_simplified

revision = '0020'
down_revision = '0017'
branch_labels = None
depends_on = None

BATCH = 5000


def simplify_rows(table: str, key_columns: tuple[str, ...], text_columns: tuple[str, ...]) -> None:
    """Rewrite the text columns of rows holding traditional characters (most rows are left alone)."""
    connection = op.get_bind()
    columns = ", ".join(key_columns + text_columns)
    rows = connection.execute(sa.text(f"SELECT {columns} FROM {table}")).all()
    changed = []
    for row in rows:
        values = dict(row._mapping)
        simplified = {column: to_simplified(values[column]) for column in text_columns}
        if any(simplified[column] != values[column] for column in text_columns):
            changed.append({**{key: values[key] for key in key_columns}, **simplified})
    if not changed:
        return
    assignments = ", ".join(f"{column} = :{column}" for column in text_columns)
    keys = " AND ".join(f"{key} = :{key}" for key in key_columns)
    statement = sa.text(f"UPDATE {table} SET {assignments} WHERE {keys}")
    for start in range(0, len(changed), BATCH):
        connection.execute(statement, changed[start:start + BATCH])


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=True))
    simplify_rows("customer_search", ("customer_id",), ("text",))
    simplify_rows("knowledge_search", ("kind", "record_id"), ("head", "text"))


def downgrade():
    # The simplified search rows stay: searching them works the same without the language column.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('language')
