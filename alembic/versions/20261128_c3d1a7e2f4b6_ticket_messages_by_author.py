"""Ticket messages by author and time: the reserved area's hourly allowance counts them at each message.

An index only: nothing is rebuilt.

Revision ID: c3d1a7e2f4b6
Revises: 24b4d69c24c1
Create Date: 2026-11-28 13:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'c3d1a7e2f4b6'
down_revision: str | None = '24b4d69c24c1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_ticket_message_author', 'ticket_message', ['author_user_id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ticket_message_author', table_name='ticket_message')
