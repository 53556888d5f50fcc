"""Versions of the registry records, contacts and sites, for the card as of a date. The records that exist
already get one version each, dated when they were created and holding what they hold now: the card of an
earlier moment shows today's values for them, the most that can be known.

Revision ID: 24b4d69c24c1
Revises: 9e991bfb72ef
Create Date: 2026-11-28 12:52:52.980699
"""

from collections.abc import Sequence

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '24b4d69c24c1'
down_revision: str | None = '9e991bfb72ef'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('record_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=False),
    sa.Column('data', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_record_version_customer_id_customer'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('record_version', schema=None) as batch_op:
        batch_op.create_index('ix_record_version_customer', ['customer_id', 'subject', 'valid_from', 'id'], unique=False)

    _first_versions()


def downgrade() -> None:
    with op.batch_alter_table('record_version', schema=None) as batch_op:
        batch_op.drop_index('ix_record_version_customer')

    op.drop_table('record_version')


# The fields the card showed of each record when this migration was written.
_TRACKED = {
    "customer": ("customer", "id", ("kind", "company_name", "first_name", "last_name", "vat_number", "tax_code",
                                    "sdi_code", "pec", "email", "phone", "mobile", "street", "cap", "city",
                                    "province", "country", "external_code", "assigned_user_id",
                                    "block_automatic_emails", "notes", "status")),
    "contact": ("contact", "customer_id", ("kind", "first_name", "last_name", "role", "email", "phone")),
    "site": ("site", "customer_id", ("name", "street", "cap", "city", "province", "country", "is_default", "notes")),
}


def _first_versions() -> None:
    bind = op.get_bind()
    rows = []
    for subject, (table, owner, names) in _TRACKED.items():
        columns = ", ".join(names)
        for record in bind.execute(sa.text(f"SELECT id, {owner}, created_at, {columns} FROM {table}")).all():
            values = dict(zip(names, record[3:], strict=True))
            for name in ("block_automatic_emails", "is_default"):
                if name in values and values[name] is not None:
                    values[name] = bool(values[name])
            rows.append({"customer_id": record[1], "subject": subject, "subject_id": record[0],
                         "valid_from": record[2], "data": json.dumps(values, ensure_ascii=False, sort_keys=True)})
    if rows:
        op.bulk_insert(sa.table("record_version", sa.column("customer_id"), sa.column("subject"),
                                sa.column("subject_id"), sa.column("valid_from"), sa.column("data")), rows)
