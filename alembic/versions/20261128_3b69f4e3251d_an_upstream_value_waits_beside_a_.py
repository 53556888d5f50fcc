"""an upstream value waits beside a customer's request

Revision ID: 3b69f4e3251d
Revises: 6437ffd36257
Create Date: 2026-11-28 17:48:46.046337

One pending item per customer, field and policy: an upstream registry's value held for review (policy
"upstream") may wait beside the customer's own request for the same field. Only the index changes: no table
is rebuilt.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3b69f4e3251d'
down_revision: str | None = '6437ffd36257'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("state = 'pending'")


def upgrade() -> None:
    op.drop_index('ux_change_item_one_pending', table_name='change_request_item')
    op.create_index('ux_change_item_one_pending', 'change_request_item', ['customer_id', 'field', 'policy'],
                    unique=True, sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade() -> None:
    # Upstream values still waiting give way first: the older index allows one pending item per field.
    op.execute("UPDATE change_request_item SET state = 'superseded' WHERE state = 'pending' AND policy = 'upstream'")
    op.drop_index('ux_change_item_one_pending', table_name='change_request_item')
    op.create_index('ux_change_item_one_pending', 'change_request_item', ['customer_id', 'field'],
                    unique=True, sqlite_where=PENDING, postgresql_where=PENDING)
