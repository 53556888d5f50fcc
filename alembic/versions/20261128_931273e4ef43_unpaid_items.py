"""Unpaid items (returned payments) and the customer's choice to be blocked by them automatically.

Only ALTER TABLE is used on `customer`: a batch rebuild would drop its search-index triggers.

Revision ID: 931273e4ef43
Revises: 240bfcbb1725
Create Date: 2026-11-28 11:05:41.030899
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '931273e4ef43'
down_revision: str | None = '240bfcbb1725'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('unpaid_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('receivable_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('returned_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('charges', sa.BigInteger(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('registered_by_user_id', sa.Integer(), nullable=True),
    sa.Column('registered_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_unpaid_item_customer_id_customer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['receivable_id'], ['receivable.id'], name=op.f('fk_unpaid_item_receivable_id_receivable'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['registered_by_user_id'], ['app_user.id'], name=op.f('fk_unpaid_item_registered_by_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('unpaid_item', schema=None) as batch_op:
        batch_op.create_index('ix_unpaid_item_customer_open', ['customer_id', 'settled_at'], unique=False)

    op.add_column('customer', sa.Column('unpaid_auto_block', sa.Boolean(), nullable=True))



def downgrade() -> None:
    op.execute("ALTER TABLE customer DROP COLUMN unpaid_auto_block")

    with op.batch_alter_table('unpaid_item', schema=None) as batch_op:
        batch_op.drop_index('ix_unpaid_item_customer_open')

    op.drop_table('unpaid_item')
