"""Interventions: types, visits with their technicians, materials and notes; e-mail attachments;
reports linked to an intervention

Revision ID: c8244ec0d3cc
Revises: ae217e7da56b
Create Date: 2026-11-28 14:49:35.109317
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'c8244ec0d3cc'
down_revision: str | None = 'ae217e7da56b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('intervention_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name_it', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name_en', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    types = sa.table("intervention_type", sa.column("code", sa.String), sa.column("name_it", sa.String),
                     sa.column("name_en", sa.String), sa.column("active", sa.Boolean), sa.column("position", sa.Integer))
    op.bulk_insert(types, [
        {"code": "maintenance", "name_it": "Manutenzione", "name_en": "Maintenance", "active": True, "position": 1},
        {"code": "repair", "name_it": "Riparazione", "name_en": "Repair", "active": True, "position": 2},
        {"code": "verification", "name_it": "Verifica", "name_en": "Verification", "active": True, "position": 3},
        {"code": "installation", "name_it": "Installazione", "name_en": "Installation", "active": True, "position": 4},
    ])
    op.create_table('outbox_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_outbox_attachment_message_id_outbox_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outbox_attachment', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_attachment_message', ['message_id', 'id'], unique=False)

    op.create_table('intervention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_user_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('work_done', sa.Text(), nullable=True),
    sa.Column('minutes_spent', sa.Integer(), nullable=True),
    sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('close_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('sheet_attachment_id', sa.Integer(), nullable=True),
    sa.Column('sheet_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contact.id'], name=op.f('fk_intervention_contact_id_contact'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['app_user.id'], name=op.f('fk_intervention_created_by_user_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_intervention_customer_id_customer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['app_user.id'], name=op.f('fk_intervention_requested_by_user_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sheet_attachment_id'], ['attachment.id'], name=op.f('fk_intervention_sheet_attachment_id_attachment'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_intervention_site_id_site'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_intervention_ticket_id_ticket'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['type_id'], ['intervention_type.id'], name=op.f('fk_intervention_type_id_intervention_type'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('close_token'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.create_index('ix_intervention_customer', ['customer_id', 'starts_at', 'id'], unique=False)
        batch_op.create_index('ix_intervention_site', ['site_id', 'starts_at', 'id'], unique=False)
        batch_op.create_index('ix_intervention_starts', ['starts_at', 'id'], unique=False)
        batch_op.create_index('ix_intervention_status', ['status', 'starts_at', 'id'], unique=False)

    op.create_table('intervention_material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('quantity', sa.BigInteger(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.ForeignKeyConstraint(['intervention_id'], ['intervention.id'], name=op.f('fk_intervention_material_intervention_id_intervention'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('intervention_material', schema=None) as batch_op:
        batch_op.create_index('ix_intervention_material', ['intervention_id', 'position'], unique=False)

    op.create_table('intervention_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('is_correction', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['app_user.id'], name=op.f('fk_intervention_note_author_user_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['intervention_id'], ['intervention.id'], name=op.f('fk_intervention_note_intervention_id_intervention'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('intervention_note', schema=None) as batch_op:
        batch_op.create_index('ix_intervention_note', ['intervention_id', 'id'], unique=False)

    op.create_table('intervention_technician',
    sa.Column('intervention_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['intervention_id'], ['intervention.id'], name=op.f('fk_intervention_technician_intervention_id_intervention'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_intervention_technician_user_id_app_user'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('intervention_id', 'user_id')
    )
    with op.batch_alter_table('intervention_technician', schema=None) as batch_op:
        batch_op.create_index('ix_intervention_technician_agenda', ['user_id', 'starts_at', 'intervention_id'], unique=False)

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.alter_column('owner_kind',
               existing_type=sa.VARCHAR(length=10),
               type_=sqlmodel.sql.sqltypes.AutoString(length=20),
               existing_nullable=False)

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intervention_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_report_intervention_id_intervention'), 'intervention', ['intervention_id'], ['id'], ondelete='SET NULL')


    # The reserved area's default profile shows the new section first.
    op.execute("UPDATE portal_profile SET modules = 'interventions,' || modules "
               "WHERE is_default AND modules NOT LIKE '%interventions%'")


def downgrade() -> None:
    op.execute("UPDATE portal_profile SET modules = REPLACE(modules, 'interventions,', '')")
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_report_intervention_id_intervention'), type_='foreignkey')
        batch_op.drop_column('intervention_id')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.alter_column('owner_kind',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=20),
               type_=sa.VARCHAR(length=10),
               existing_nullable=False)

    with op.batch_alter_table('intervention_technician', schema=None) as batch_op:
        batch_op.drop_index('ix_intervention_technician_agenda')

    op.drop_table('intervention_technician')
    with op.batch_alter_table('intervention_note', schema=None) as batch_op:
        batch_op.drop_index('ix_intervention_note')

    op.drop_table('intervention_note')
    with op.batch_alter_table('intervention_material', schema=None) as batch_op:
        batch_op.drop_index('ix_intervention_material')

    op.drop_table('intervention_material')
    with op.batch_alter_table('intervention', schema=None) as batch_op:
        batch_op.drop_index('ix_intervention_status')
        batch_op.drop_index('ix_intervention_starts')
        batch_op.drop_index('ix_intervention_site')
        batch_op.drop_index('ix_intervention_customer')

    op.drop_table('intervention')
    with op.batch_alter_table('outbox_attachment', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_attachment_message')

    op.drop_table('outbox_attachment')
    op.drop_table('intervention_type')
