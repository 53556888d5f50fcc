"""The ledgers' personal values kept apart (ledger_value), and a proof hash on every consent event.

Movements' values before and after, their summaries, consent events' subject names and customer users' names
move to ledger_value, which anonymization alone may delete; the ledgers stay append-only for everyone else.
The append-only triggers are set aside for the move only. Only ALTER TABLE is used on the ledgers, so their
triggers (and the customer table) are never rebuilt.

Revision ID: c55da1eddf84
Revises: c8244ec0d3cc
Create Date: 2026-11-28 15:15:10.878065
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'c55da1eddf84'
down_revision: str | None = 'c8244ec0d3cc'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LEDGERS = ('movement', 'consent_event')


def upgrade() -> None:
    op.create_table('ledger_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_ledger_value_customer_id_customer'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_ledger_value_subject', 'ledger_value', ['customer_id', 'contact_id', 'id'], unique=False)
    op.add_column('consent_event', sa.Column('proof_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    op.add_column('consent_event', sa.Column('values_id', sa.Integer(), nullable=True))
    op.add_column('movement', sa.Column('values_id', sa.Integer(), nullable=True))

    _set_aside_append_only()
    _move_values_out()
    _restore_append_only()

    op.drop_column('consent_event', 'subject_name')
    op.drop_column('movement', 'before')
    op.drop_column('movement', 'after')
    op.drop_column('movement', 'summary')


def downgrade() -> None:
    op.add_column('movement', sa.Column('summary', sa.VARCHAR(length=300), nullable=True))
    op.add_column('movement', sa.Column('after', sa.TEXT(), nullable=True))
    op.add_column('movement', sa.Column('before', sa.TEXT(), nullable=True))
    op.add_column('consent_event', sa.Column('subject_name', sa.VARCHAR(length=200), nullable=False,
                                             server_default=''))
    _set_aside_append_only()
    bind = op.get_bind()
    values = {row.id: json.loads(row.data) for row in bind.execute(sa.text("SELECT id, data FROM ledger_value"))}
    for table, names in (('movement', ('before', 'after', 'summary')), ('consent_event', ('subject_name',))):
        for row in bind.execute(sa.text(f"SELECT id, values_id, actor_name FROM {table} WHERE values_id IS NOT NULL"))\
                .all():
            data = values.get(row.values_id, {})
            assigned = {name: data.get(name, '' if name == 'subject_name' else None) for name in names}
            assigned['actor_name'] = data.get('actor_name') or row.actor_name
            bind.execute(sa.text(f"UPDATE {table} SET " + ", ".join(f"{n} = :{n}" for n in assigned)
                                 + " WHERE id = :id"), {**assigned, 'id': row.id})
    _restore_append_only()
    op.drop_column('movement', 'values_id')
    op.drop_column('consent_event', 'values_id')
    op.drop_column('consent_event', 'proof_sha256')
    op.drop_index('ix_ledger_value_subject', table_name='ledger_value')
    op.drop_table('ledger_value')


def _set_aside_append_only() -> None:
    dialect = op.get_bind().dialect.name
    for table in _LEDGERS:
        if dialect == 'sqlite':
            for action in ('update', 'delete'):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_{action}")
        elif dialect == 'postgresql':
            op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")


def _restore_append_only() -> None:
    dialect = op.get_bind().dialect.name
    for table in _LEDGERS:
        if dialect == 'sqlite':
            for action in ('UPDATE', 'DELETE'):
                op.execute(
                    f"CREATE TRIGGER {table}_append_only_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
                )
        elif dialect == 'postgresql':
            op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def _new_value(bind, customer_id: int, data: dict) -> int:  # noqa: ANN001
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return bind.execute(sa.text("INSERT INTO ledger_value (customer_id, contact_id, data) "
                                "VALUES (:customer_id, NULL, :data) RETURNING id"),
                        {'customer_id': customer_id, 'data': payload}).scalar_one()


def _proof(row, subject_name: str) -> str:  # noqa: ANN001
    """As app.domain.consent_rules.proof_hash computes it when this migration was written."""
    created = row.created_at
    if isinstance(created, str):
        from datetime import datetime
        created = datetime.fromisoformat(created)
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    canonical = "\n".join([str(row.customer_id), str(row.contact_id or ""), " ".join(subject_name.split()).casefold(),
                           row.text_sha256, row.state, row.source, "1" if row.signature_collected else "0",
                           created.isoformat()])
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _move_values_out() -> None:
    """Rows written before this revision carry their values inline: each gets its ledger_value row. The contact
    they were about is not known for them, so they go with the whole customer's anonymization."""
    bind = op.get_bind()
    customer_users = {row.id for row in bind.execute(sa.text("SELECT id FROM app_user WHERE role = 'customer'"))}
    movements = bind.execute(sa.text(
        'SELECT id, customer_id, "before", "after", summary, actor_user_id, actor_name FROM movement')).all()
    for row in movements:
        data = {name: value for name, value in (('before', row.before), ('after', row.after),
                                                ('summary', row.summary)) if value is not None}
        actor_name = row.actor_name
        if row.actor_user_id in customer_users and actor_name:
            data['actor_name'], actor_name = actor_name, ''
        if data:
            bind.execute(sa.text("UPDATE movement SET values_id = :v, actor_name = :a WHERE id = :id"),
                         {'v': _new_value(bind, row.customer_id, data), 'a': actor_name, 'id': row.id})
    events = bind.execute(sa.text(
        "SELECT id, customer_id, contact_id, subject_name, text_sha256, state, source, signature_collected, "
        "actor_user_id, actor_name, created_at FROM consent_event")).all()
    for row in events:
        data = {'subject_name': row.subject_name}
        actor_name = row.actor_name
        if row.actor_user_id in customer_users and actor_name:
            data['actor_name'], actor_name = actor_name, ''
        bind.execute(sa.text("UPDATE consent_event SET values_id = :v, actor_name = :a, proof_sha256 = :p "
                             "WHERE id = :id"),
                     {'v': _new_value(bind, row.customer_id, data), 'a': actor_name,
                      'p': _proof(row, row.subject_name), 'id': row.id})
