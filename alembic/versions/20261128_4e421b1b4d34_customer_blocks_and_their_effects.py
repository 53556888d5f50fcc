"""Customer blocks and what each level of block does; the customer's highest active block on its row.

Only ALTER TABLE is used on `customer`: a batch rebuild would drop its search-index triggers.

Revision ID: 4e421b1b4d34
Revises: 67c41326fbaa
Create Date: 2026-11-28 10:22:53.481203
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '4e421b1b4d34'
down_revision: str | None = '67c41326fbaa'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('block_effect',
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('effect', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.PrimaryKeyConstraint('level', 'action')
    )
    op.create_table('customer_block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('set_by_user_id', sa.Integer(), nullable=True),
    sa.Column('set_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lifted_by_user_id', sa.Integer(), nullable=True),
    sa.Column('lifted_by_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lift_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_block_customer_id_customer'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['lifted_by_user_id'], ['app_user.id'], name=op.f('fk_customer_block_lifted_by_user_id_app_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['set_by_user_id'], ['app_user.id'], name=op.f('fk_customer_block_set_by_user_id_app_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('customer_block', schema=None) as batch_op:
        batch_op.create_index('ix_customer_block_customer', ['customer_id', 'lifted_at', 'id'], unique=False)

    op.add_column('customer', sa.Column('block_level', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    op.create_index('ix_customer_block_sort', 'customer', ['block_level', 'sort_name', 'id'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_customer_block_sort', table_name='customer')
    op.execute("ALTER TABLE customer DROP COLUMN block_level")

    with op.batch_alter_table('customer_block', schema=None) as batch_op:
        batch_op.drop_index('ix_customer_block_customer')

    op.drop_table('customer_block')
    op.drop_table('block_effect')
