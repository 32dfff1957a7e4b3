"""revisits area schema: questionnaires (versioned), plans, tasks, records, spot-checks

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('questionnaire',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=256), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire')),
    sa.UniqueConstraint('name', name=op.f('uq_questionnaire_name'))
    )
    op.create_table('questionnaire_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_questionnaire_version_created_by_id_user')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_questionnaire_version_questionnaire_id_questionnaire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_version')),
    sa.UniqueConstraint('questionnaire_id', 'number', name='uq_questionnaire_version_number')
    )
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_version_questionnaire_id'), ['questionnaire_id'], unique=False)
    # questionnaire <-> questionnaire_version reference each other: the second key is added afterwards.
    with op.batch_alter_table('questionnaire', schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f('fk_questionnaire_current_version_id_questionnaire_version'),
            'questionnaire_version', ['current_version_id'], ['id'],
        )

    op.create_table('revisit_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('segment', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('window_workdays', sa.Integer(), nullable=False),
    sa.Column('customer_codes', sa.Text(), nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('tasks_generated_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_revisit_plan_created_by_id_user')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['questionnaire.id'], name=op.f('fk_revisit_plan_questionnaire_id_questionnaire')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisit_plan'))
    )
    with op.batch_alter_table('revisit_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisit_plan_method'), ['method'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_plan_segment'), ['segment'], unique=False)

    op.create_table('revisit_plan_assignee',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['revisit_plan.id'], name=op.f('fk_revisit_plan_assignee_plan_id_revisit_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_revisit_plan_assignee_user_id_user')),
    sa.PrimaryKeyConstraint('plan_id', 'user_id', name=op.f('pk_revisit_plan_assignee'))
    )
    with op.batch_alter_table('revisit_plan_assignee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revisit_plan_assignee_user_id'), ['user_id'], unique=False)

    op.create_table('revisit_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('source_ref', sa.String(length=64), nullable=False),
    sa.Column('unique_key', sa.String(length=96), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_revisit_task_assignee_id_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_revisit_task_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['revisit_plan.id'], name=op.f('fk_revisit_task_plan_id_revisit_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisit_task')),
    sa.UniqueConstraint('unique_key', name=op.f('uq_revisit_task_unique_key'))
    )
    with op.batch_alter_table('revisit_task', schema=None) as batch_op:
        batch_op.create_index('ix_revisit_task_assignee_status_due', ['assignee_id', 'status', 'due_on'], unique=False)
        batch_op.create_index('ix_revisit_task_customer_due', ['customer_id', 'due_on'], unique=False)
        batch_op.create_index('ix_revisit_task_due_on', ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_task_method'), ['method'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_task_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index('ix_revisit_task_status_due', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_task_trigger'), ['trigger'], unique=False)

    op.create_table('revisit_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('questionnaire_version_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('outcome', sa.String(length=8), nullable=False),
    sa.Column('revisited_at', sa.DateTime(), nullable=False),
    sa.Column('contact_person', sa.String(length=64), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('issues_raised', sa.Text(), nullable=False),
    sa.Column('issue_category', sa.String(length=8), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_revisit_record_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['questionnaire_version_id'], ['questionnaire_version.id'], name=op.f('fk_revisit_record_questionnaire_version_id_questionnaire_version')),
    sa.ForeignKeyConstraint(['staff_id'], ['user.id'], name=op.f('fk_revisit_record_staff_id_user')),
    sa.ForeignKeyConstraint(['task_id'], ['revisit_task.id'], name=op.f('fk_revisit_record_task_id_revisit_task')),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_revisit_record_ticket_id_ticket')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revisit_record'))
    )
    with op.batch_alter_table('revisit_record', schema=None) as batch_op:
        batch_op.create_index('ix_revisit_record_customer_revisited', ['customer_id', 'revisited_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_record_method'), ['method'], unique=False)
        batch_op.create_index('ix_revisit_record_revisited_outcome', ['revisited_at', 'outcome'], unique=False)
        batch_op.create_index('ix_revisit_record_staff_revisited', ['staff_id', 'revisited_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_record_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revisit_record_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('spot_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('sample_seed', sa.BigInteger(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('result', sa.String(length=8), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('corrective_action', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['revisit_record.id'], name=op.f('fk_spot_check_record_id_revisit_record')),
    sa.ForeignKeyConstraint(['staff_id'], ['user.id'], name=op.f('fk_spot_check_staff_id_user')),
    sa.ForeignKeyConstraint(['supervisor_id'], ['user.id'], name=op.f('fk_spot_check_supervisor_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check')),
    sa.UniqueConstraint('record_id', 'period_start', 'period_end', name='uq_spot_check_record_period')
    )
    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.create_index('ix_spot_check_checked_at', ['checked_at', 'result'], unique=False)
        batch_op.create_index('ix_spot_check_period', ['period_start', 'period_end'], unique=False)
        batch_op.create_index('ix_spot_check_seed', ['sample_seed'], unique=False)
        batch_op.create_index('ix_spot_check_staff_ack', ['staff_id', 'acknowledged_at'], unique=False)


def downgrade():
    with op.batch_alter_table('spot_check', schema=None) as batch_op:
        batch_op.drop_index('ix_spot_check_staff_ack')
        batch_op.drop_index('ix_spot_check_seed')
        batch_op.drop_index('ix_spot_check_period')
        batch_op.drop_index('ix_spot_check_checked_at')

    op.drop_table('spot_check')
    with op.batch_alter_table('revisit_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisit_record_ticket_id'))
        batch_op.drop_index(batch_op.f('ix_revisit_record_task_id'))
        batch_op.drop_index('ix_revisit_record_staff_revisited')
        batch_op.drop_index('ix_revisit_record_revisited_outcome')
        batch_op.drop_index(batch_op.f('ix_revisit_record_method'))
        batch_op.drop_index('ix_revisit_record_customer_revisited')

    op.drop_table('revisit_record')
    with op.batch_alter_table('revisit_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisit_task_trigger'))
        batch_op.drop_index('ix_revisit_task_status_due')
        batch_op.drop_index(batch_op.f('ix_revisit_task_plan_id'))
        batch_op.drop_index(batch_op.f('ix_revisit_task_method'))
        batch_op.drop_index('ix_revisit_task_due_on')
        batch_op.drop_index('ix_revisit_task_customer_due')
        batch_op.drop_index('ix_revisit_task_assignee_status_due')

    op.drop_table('revisit_task')
    with op.batch_alter_table('revisit_plan_assignee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisit_plan_assignee_user_id'))

    op.drop_table('revisit_plan_assignee')
    with op.batch_alter_table('revisit_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revisit_plan_segment'))
        batch_op.drop_index(batch_op.f('ix_revisit_plan_method'))

    op.drop_table('revisit_plan')
    with op.batch_alter_table('questionnaire_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_version_questionnaire_id'))

    # Break the questionnaire <-> version cycle without rebuilding a referenced table (SQLite batch
    # mode would copy and drop `questionnaire` while versions still point at it).
    op.execute("UPDATE questionnaire SET current_version_id = NULL")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f('fk_questionnaire_current_version_id_questionnaire_version'), 'questionnaire',
                           type_='foreignkey')
    op.drop_table('questionnaire_version')
    op.drop_table('questionnaire')
