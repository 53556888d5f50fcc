"""Failed sign-ins and password-reset requests counted per client address, which waits past a limit.

A new table only.

Revision ID: 5b5f68d31a76
Revises: c3d1a7e2f4b6
Create Date: 2026-11-28 13:09:52.315063
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '5b5f68d31a76'
down_revision: str | None = 'c3d1a7e2f4b6'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('address')
    )


def downgrade() -> None:
    op.drop_table('sign_in_throttle')
