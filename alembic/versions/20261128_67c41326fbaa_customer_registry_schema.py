"""customer registry schema

Revision ID: 67c41326fbaa
Revises:
Create Date: 2026-11-28 09:43:13.590143

The whole schema in one step. It replaces the twelve migrations of 23 November 2026 (8445e394a7a3 to
67c41326fbaa) and keeps the revision id of the last one: a database they built is already at this
revision and upgrades to it with nothing to do; tests/test_migrations.py loads such a database, frozen
in tests/fixtures, and checks that both end with the same schema.

Everything is written out here, the SQL the models cannot express included, and nothing is imported
from the app: a migration must build the same schema whatever the app's code becomes later. Column
order, server defaults and constraint names are those the twelve migrations left (columns they added
to existing tables come last and carry the server default that filled the rows already there).
Their data steps (search columns and ranks computed for existing customers, an access row for each
existing customer user) had no rows to act on in an empty database; the default portal profile they
seeded is inserted as they left it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '67c41326fbaa'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('customer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('company_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('external_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('vat_number', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('tax_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('sdi_code', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
    sa.Column('pec', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('mobile', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('street', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('cap', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), server_default='IT', nullable=False),
    sa.Column('assigned_user_id', sa.Integer(), nullable=True),
    sa.Column('block_automatic_emails', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('sort_name', sqlmodel.sql.sqltypes.AutoString(length=120), server_default=sa.text("('')"), nullable=False),
    sa.Column('search_text', sa.Text(), server_default=sa.text("('')"), nullable=False),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
    sa.Column('search_rank', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key')
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_to_address'), ['to_address'], unique=False)

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('failure_window_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('grants', sqlmodel.sql.sqltypes.AutoString(length=200), server_default='', nullable=False),
    sa.CheckConstraint("(role = 'customer' AND customer_id IS NOT NULL) OR (role <> 'customer' AND customer_id IS NULL)", name='ck_user_customer_matches_role'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_app_user_customer_id_customer'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_app_user_email'), ['email'], unique=True)

    # Customers and users point at each other: the customer side is added once both tables exist
    # (on SQLite this rebuilds the table, so before its indexes and triggers).
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_customer_assigned_user_id_app_user'), 'app_user', ['assigned_user_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_customer_updated_by_user_id_app_user'), 'app_user', ['updated_by_user_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_code'), ['code'], unique=True)
        batch_op.create_index('ix_customer_assigned_sort', ['assigned_user_id', 'sort_name', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_email'), ['email'], unique=False)
        batch_op.create_index('ix_customer_kind_sort', ['kind', 'sort_name', 'id'], unique=False)
        batch_op.create_index('ix_customer_sort', ['sort_name', 'id'], unique=False)
        batch_op.create_index('ix_customer_status_sort', ['status', 'sort_name', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_tax_code'), ['tax_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_customer_vat_number'), ['vat_number'], unique=False)
        batch_op.create_index('ux_customer_external_code', ['external_code'], unique=True)
        batch_op.create_index('ux_customer_search_rank', ['search_rank'], unique=True)

    op.create_table('auth_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('user_agent', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_auth_session_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_session_user_id'), ['user_id'], unique=False)

    op.create_table('password_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_password_token_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('password_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_token_user_id'), ['user_id'], unique=False)

    op.create_table('code_sequence',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('next_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_contact_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_customer_id'), ['customer_id'], unique=False)

    op.create_table('movement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('summary', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('customer_version', sa.Integer(), nullable=True),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['app_user.id'], name=op.f('fk_movement_actor_user_id_app_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_movement_customer_id_customer'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('movement', schema=None) as batch_op:
        batch_op.create_index('ix_movement_customer', ['customer_id', 'id'], unique=False)
        batch_op.create_index('ix_movement_customer_kind', ['customer_id', 'kind', 'id'], unique=False)

    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('street', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('cap', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('city', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_site_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ux_site_one_default', ['customer_id'], unique=True, sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))

    op.create_table('field_policy',
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.PrimaryKeyConstraint('field', 'source')
    )
    op.create_table('app_setting',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['app_user.id'], name=op.f('fk_app_setting_updated_by_user_id_app_user')),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('change_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('requested_by_user_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_change_request_customer_id_customer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['app_user.id'], name=op.f('fk_change_request_requested_by_user_id_app_user')),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_request', schema=None) as batch_op:
        batch_op.create_index('ix_change_request_customer', ['customer_id', 'id'], unique=False)
        batch_op.create_index('ix_change_request_status', ['status', 'id'], unique=False)

    op.create_table('change_request_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('value_at_request', sa.Text(), nullable=True),
    sa.Column('requested_value', sa.Text(), nullable=True),
    sa.Column('policy', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('decided_by_user_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_change_request_item_customer_id_customer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_user_id'], ['app_user.id'], name=op.f('fk_change_request_item_decided_by_user_id_app_user')),
    sa.ForeignKeyConstraint(['request_id'], ['change_request.id'], name=op.f('fk_change_request_item_request_id_change_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['change_request_item.id'], name=op.f('fk_change_request_item_superseded_by_id_change_request_item')),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('change_request_item', schema=None) as batch_op:
        batch_op.create_index('ix_change_item_request', ['request_id', 'id'], unique=False)
        batch_op.create_index('ix_change_item_state', ['state', 'customer_id', 'field', 'id'], unique=False)
        batch_op.create_index('ux_change_item_one_pending', ['customer_id', 'field'], unique=True, sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    op.create_table('consent_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('requires_signature', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('consent_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consent_type_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consent_type_id'], ['consent_type.id'], name=op.f('fk_consent_text_consent_type_id_consent_type'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['app_user.id'], name=op.f('fk_consent_text_created_by_user_id_app_user')),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent_text', schema=None) as batch_op:
        batch_op.create_index('ux_consent_text_version', ['consent_type_id', 'version'], unique=True)

    op.create_table('consent_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('subject_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('consent_type_id', sa.Integer(), nullable=False),
    sa.Column('consent_text_id', sa.Integer(), nullable=False),
    sa.Column('text_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('signature_collected', sa.Boolean(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['app_user.id'], name=op.f('fk_consent_event_actor_user_id_app_user')),
    sa.ForeignKeyConstraint(['consent_text_id'], ['consent_text.id'], name=op.f('fk_consent_event_consent_text_id_consent_text'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['consent_type_id'], ['consent_type.id'], name=op.f('fk_consent_event_consent_type_id_consent_type'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_consent_event_customer_id_customer'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent_event', schema=None) as batch_op:
        batch_op.create_index('ix_consent_event_subject', ['customer_id', 'contact_id', 'consent_type_id', 'id'], unique=False)
        batch_op.create_index('ix_consent_event_type', ['consent_type_id', 'id'], unique=False)

    op.create_table('portal_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('modules', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('portal_profile', schema=None) as batch_op:
        batch_op.create_index('ux_portal_profile_one_default', ['is_default'], unique=True, sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))

    op.create_table('portal_access',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('receives_reminders', sa.Boolean(), nullable=False),
    sa.Column('receives_signed_sheets', sa.Boolean(), nullable=False),
    sa.Column('may_see_contracts', sa.Boolean(), nullable=False),
    sa.Column('visibility', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_portal_access_customer_id_customer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_portal_access_user_id_app_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profile_id'], ['portal_profile.id'], name=op.f('fk_portal_access_profile_id_portal_profile'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('user_id')
    )
    with op.batch_alter_table('portal_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_access_customer_id'), ['customer_id'], unique=False)

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_reminder_user_id_app_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_user_due', ['user_id', 'due_on', 'id'], unique=False)

    op.create_table('ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('opened_by_user_id', sa.Integer(), nullable=True),
    sa.Column('assigned_user_id', sa.Integer(), nullable=True),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_user_id'], ['app_user.id'], name=op.f('fk_ticket_assigned_user_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_ticket_customer_id_customer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['opened_by_user_id'], ['app_user.id'], name=op.f('fk_ticket_opened_by_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_customer', ['customer_id', 'id'], unique=False)
        batch_op.create_index('ix_ticket_status', ['status', 'id'], unique=False)

    op.create_table('ticket_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('author_user_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('from_office', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_user_id'], ['app_user.id'], name=op.f('fk_ticket_message_author_user_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], name=op.f('fk_ticket_message_ticket_id_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ticket_message', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_message_ticket', ['ticket_id', 'id'], unique=False)

    op.create_table('email_template',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['app_user.id'], name=op.f('fk_email_template_updated_by_user_id_app_user')),
    sa.PrimaryKeyConstraint('key', 'lang')
    )
    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('expiry_notice_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_contract_customer_id_customer'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index('ix_contract_customer', ['customer_id', 'expires_on', 'id'], unique=False)
        batch_op.create_index('ix_contract_expiry', ['expires_on', 'id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('report_date', sa.Date(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_report_customer_id_customer'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index('ix_report_customer', ['customer_id', 'report_date', 'id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('owner_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('stored_name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('uploaded_by_user_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_attachment_customer_id_customer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_user_id'], ['app_user.id'], name=op.f('fk_attachment_uploaded_by_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stored_name')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_owner', ['owner_kind', 'owner_id', 'id'], unique=False)

    dialect = op.get_bind().dialect.name
    _create_customer_search(dialect)
    _make_append_only(dialect, 'movement')
    _make_append_only(dialect, 'consent_event')

    # Every reserved-area access without a profile of its own uses the default one.
    op.execute(
        "INSERT INTO portal_profile (code, name, modules, is_default) "
        "VALUES ('DEFAULT', 'Predefinito', 'contracts,reports,my_data,consents,reminders,support', true)"
    )


def _create_customer_search(dialect: str) -> None:
    """Substring search over customer.search_text: an FTS5 trigram index on SQLite, pg_trgm on PostgreSQL.

    The SQLite index is an external-content table over `customer` whose rowid is search_rank, each
    customer's position in name order, so matches come out already sorted by name; the triggers keep
    it in step with the table (app/ddl.py drops and recreates them around bulk loads)."""
    if dialect == 'sqlite':
        op.execute(
            "CREATE TRIGGER customer_search_insert AFTER INSERT ON customer BEGIN "
            "INSERT INTO customer_search(rowid, search_text) VALUES (new.search_rank, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER customer_search_delete AFTER DELETE ON customer BEGIN "
            "INSERT INTO customer_search(customer_search, rowid, search_text) "
            "VALUES ('delete', old.search_rank, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER customer_search_update AFTER UPDATE OF search_text, search_rank ON customer BEGIN "
            "INSERT INTO customer_search(customer_search, rowid, search_text) "
            "VALUES ('delete', old.search_rank, old.search_text); "
            "INSERT INTO customer_search(rowid, search_text) VALUES (new.search_rank, new.search_text); END"
        )
        op.execute(
            "CREATE VIRTUAL TABLE customer_search USING fts5("
            "search_text, content='customer', content_rowid='search_rank', tokenize='trigram')"
        )
        # Filled from the table and merged into one segment, the state every query is fastest in.
        op.execute("INSERT INTO customer_search(customer_search) VALUES ('rebuild')")
        op.execute("INSERT INTO customer_search(customer_search) VALUES ('optimize')")
    elif dialect == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_customer_search_trgm ON customer USING gin (search_text gin_trgm_ops)")


def _make_append_only(dialect: str, table: str) -> None:
    """The database itself refuses UPDATE and DELETE on a ledger table, whoever connects."""
    if dialect == 'sqlite':
        for action in ('UPDATE', 'DELETE'):
            op.execute(
                f"CREATE TRIGGER {table}_append_only_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
            )
    elif dialect == 'postgresql':
        op.execute(
            "CREATE OR REPLACE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for trigger in ('customer_search_insert', 'customer_search_delete', 'customer_search_update',
                        'movement_append_only_update', 'movement_append_only_delete',
                        'consent_event_append_only_update', 'consent_event_append_only_delete'):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS customer_search")
    elif dialect == 'postgresql':
        # pg_trgm stays, as the earlier migrations left it: an extension belongs to the whole database.
        op.execute("DROP INDEX IF EXISTS ix_customer_search_trgm")
        op.execute("DROP TRIGGER IF EXISTS movement_append_only ON movement")
        op.execute("DROP TRIGGER IF EXISTS consent_event_append_only ON consent_event")
        op.execute("DROP FUNCTION IF EXISTS refuse_ledger_change()")

    # Users point at customers and back: the customer side goes first, then the tables, children first.
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_customer_updated_by_user_id_app_user'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_customer_assigned_user_id_app_user'), type_='foreignkey')
    for table in ('attachment', 'report', 'contract', 'email_template', 'ticket_message', 'ticket', 'reminder',
                  'portal_access', 'portal_profile', 'consent_event', 'consent_text', 'consent_type',
                  'change_request_item', 'change_request', 'app_setting', 'field_policy', 'site', 'movement',
                  'contact', 'code_sequence', 'password_token', 'auth_session', 'app_user', 'outbox_message',
                  'customer'):
        op.drop_table(table)
