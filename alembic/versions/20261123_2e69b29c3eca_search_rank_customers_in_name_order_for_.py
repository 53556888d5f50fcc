"""search rank: customers in name order for the search index

Revision ID: 2e69b29c3eca
Revises: b6877b45b6cb
Create Date: 2026-11-23 08:30:37.593755
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from app import ddl

RANK_GAP = 1 << 20  # as app.services.customers.RANK_GAP when this migration was written


revision: str = '2e69b29c3eca'
down_revision: str | None = 'b6877b45b6cb'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    ddl.drop_customer_search(connection)
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_rank', sa.BigInteger(), nullable=True))
    op.execute("UPDATE customer SET search_rank = -id")  # distinct placeholders, renumbered below
    ddl.renumber_search_ranks(connection, RANK_GAP)
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.alter_column('search_rank', existing_type=sa.BigInteger(), nullable=False)
        batch_op.create_index('ux_customer_search_rank', ['search_rank'], unique=True)
    # The batch rebuild of `customer` dropped its triggers: the index comes back keyed on search_rank.
    ddl.create_customer_search(connection, rowid_column="search_rank")


def downgrade() -> None:
    connection = op.get_bind()
    ddl.drop_customer_search(connection)
    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_index('ux_customer_search_rank')
        batch_op.drop_column('search_rank')
    ddl.create_customer_search(connection, rowid_column="id")
