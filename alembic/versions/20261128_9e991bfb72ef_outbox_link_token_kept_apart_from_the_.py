"""The token of a password or invitation link is kept apart from the message body the Outbox page shows.

Messages waiting to be sent have their token moved out of the body, which keeps the link masked. ALTER
TABLE only: nothing is rebuilt.

Revision ID: 9e991bfb72ef
Revises: b73a1478ce60
Create Date: 2026-11-28 12:21:17.928270
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '9e991bfb72ef'
down_revision: str | None = 'b73a1478ce60'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As app.services.outbox has them today; a migration keeps its own copy.
MASKED_TOKEN = "••••••••"
SECRET_KINDS = ("password_reset", "invitation")
TOKEN_IN_LINK = re.compile(r"[?&]token=([A-Za-z0-9_\-]+)")

outbox = sa.table(
    "outbox_message",
    sa.column("id", sa.Integer), sa.column("body_text", sa.Text), sa.column("kind", sa.String),
    sa.column("sent_at", sa.DateTime), sa.column("link_token", sa.String),
)


def upgrade() -> None:
    op.add_column('outbox_message', sa.Column('link_token', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True))
    connection = op.get_bind()
    waiting = connection.execute(
        sa.select(outbox.c.id, outbox.c.body_text)
        .where(outbox.c.kind.in_(SECRET_KINDS), outbox.c.sent_at.is_(None))
    ).all()
    for message_id, body in waiting:
        found = TOKEN_IN_LINK.search(body)
        if found is None:
            continue
        token = found.group(1)
        connection.execute(
            sa.update(outbox).where(outbox.c.id == message_id)
            .values(body_text=body.replace(token, MASKED_TOKEN), link_token=token)
        )


def downgrade() -> None:
    connection = op.get_bind()
    kept = connection.execute(
        sa.select(outbox.c.id, outbox.c.body_text, outbox.c.link_token).where(outbox.c.link_token.is_not(None))
    ).all()
    for message_id, body, token in kept:
        connection.execute(
            sa.update(outbox).where(outbox.c.id == message_id).values(body_text=body.replace(MASKED_TOKEN, token))
        )
    op.execute("ALTER TABLE outbox_message DROP COLUMN link_token")
